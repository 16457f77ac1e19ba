import type {
  AccountView,
  ContactView,
  ConversationFilter,
  ConversationPage,
  ConversationRow,
  InboxCounts,
  MessagePage,
  PageCursor,
  SearchHit,
} from '../../../shared/ipc/views';
import type { CampaignRecipientPage } from '../../../shared/ipc/campaignViews';
import type { CampaignSnapshot } from '../../../shared/protocol/campaigns';
import type { Command } from '../../../shared/protocol/commands';
import type { Change, ContactSnapshot } from '../../../shared/protocol/entities';
import type { Failure } from '../../../shared/result';
import type {
  CampaignGatePreview,
  CampaignPreviewQuery,
  CampaignRecipientQuery,
} from './campaigns';
import type { KnownContact, MemberPage, OptOutReport } from '../../../shared/ipc/manage';
import type { ExportRow, MemberQuery } from './lists';
import type { OptOutReportQuery } from './reports';

/** Who the cache belongs to: one signed-in person of one account on one server. */
export interface CacheIdentity {
  readonly serverUrl: string;
  readonly accountId: string;
  readonly userId: string;
}

/** A command written down before it is sent, kept until the server answers. */
export interface OutboxEntry {
  /** The idempotency key, made once when the person acted. */
  readonly key: string;
  readonly command: Command;
  readonly createdAt: string;
  /** Tries so far; used for backoff only, never to give up on a command. */
  readonly attempts: number;
  readonly state: 'pending' | 'done' | 'refused' | 'cancelled';
  /** The server's answer (done), its refusal (refused), or why the desktop dropped it (cancelled). */
  readonly outcome: unknown;
}

export interface ConversationQuery {
  readonly filter: ConversationFilter | { readonly listId: string };
  readonly limit: number;
  readonly after?: PageCursor | undefined;
}

export interface MessageQuery {
  readonly conversationId: string;
  readonly limit: number;
  /** Older than this message (its createdAt and id). */
  readonly before?: { readonly createdAt: string; readonly id: string } | undefined;
}

/**
 * The local cache: one SQLite file per signed-in person. Every method is
 * synchronous inside the SQL worker and reached from the main thread through
 * `CacheClient`, which has the same methods returning promises.
 */
export interface CacheMethods {
  /** The identity the file was made for, or null for a new file. */
  identity(): CacheIdentity | null;
  /**
   * Claims the file for `identity`. A file made for someone else (another
   * server, account or person) is emptied first: caches are never mixed.
   */
  claim(identity: CacheIdentity): void;

  /** The last change seq stored; 0 for none. */
  cursor(): number;
  /**
   * Stores changes and moves the cursor in one transaction. Changes at or
   * below the cursor are skipped; the run stops at the first gap (a seq
   * past cursor + 1), so the cursor only ever covers every change up to it.
   */
  applyChanges(changes: readonly Change[]): { readonly cursor: number; readonly applied: number };

  conversations(query: ConversationQuery): ConversationPage;
  /** One conversation's row, as the list shows it; null when unknown. */
  conversationRow(conversationId: string): ConversationRow | null;
  counts(): InboxCounts;
  messages(query: MessageQuery): MessagePage;
  contact(contactId: string): ContactView | null;
  /** The contact as the send gate needs it, for a conversation or a contact id. */
  gateContact(
    target: { readonly conversationId: string } | { readonly contactId: string },
  ): (ContactSnapshot & { readonly conversationId: string | null }) | null;
  account(): AccountView;
  /** Full-text search over message bodies, contact names and numbers; newest first. */
  search(query: string, limit: number): readonly SearchHit[];

  outboxAdd(entry: { readonly key: string; readonly command: Command; readonly at: string }): void;
  /** Pending entries, oldest first. */
  outboxPending(): readonly OutboxEntry[];
  outboxAttempted(key: string): void;
  outboxSettle(
    key: string,
    settled:
      | { readonly state: 'done'; readonly value: unknown }
      | { readonly state: 'refused' | 'cancelled'; readonly error: Failure },
  ): void;
  outboxEntry(key: string): OutboxEntry | null;
  /** Rewrites a pending command (a message.send whose staged files were uploaded). */
  outboxReplace(key: string, command: Command): void;

  /** The account's campaigns, newest first. */
  campaigns(): readonly CampaignSnapshot[];
  /** A page of a campaign's recipients, by contact id. */
  campaignRecipients(query: CampaignRecipientQuery): CampaignRecipientPage;
  /** Who a campaign to a list would reach, by the send gate over the cache, and who quiet hours may hold. */
  campaignPreview(query: CampaignPreviewQuery): CampaignGatePreview;

  /** A page of a list's members, or of every opted-out contact; null for an unknown list. */
  members(query: MemberQuery): MemberPage | null;
  /** Every row of a list (or the Opt-Out List) for a CSV export; null for an unknown list. */
  exportMembers(
    target: { readonly listId: string } | { readonly optOut: true },
  ): { readonly listName: string | null; readonly rows: readonly ExportRow[] } | null;
  /** How many contacts each list holds, by list id. */
  listSizes(): Readonly<Record<string, number>>;
  /** The contacts these numbers (E.164) belong to, for an import's preview. */
  knownContacts(phones: readonly string[]): readonly KnownContact[];
  /** Opt-outs from the consent history, by day and source, and newest first. */
  optOutReport(query: OptOutReportQuery): OptOutReport;

  close(): void;
}
