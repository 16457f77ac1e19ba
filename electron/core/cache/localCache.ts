import type {
  AccountView,
  ContactView,
  ConversationPage,
  ConversationRow,
  InboxCounts,
  MessagePage,
  SearchHit,
} from '../../../shared/ipc/views';
import type { CampaignRecipientPage } from '../../../shared/ipc/campaignViews';
import type { CampaignSnapshot } from '../../../shared/protocol/campaigns';
import type { Command } from '../../../shared/protocol/commands';
import type { Change, ContactSnapshot } from '../../../shared/protocol/entities';
import { ChangeWriter } from './apply';
import {
  type CampaignGatePreview,
  type CampaignPreviewQuery,
  type CampaignRecipientQuery,
  CampaignStore,
} from './campaigns';
import { Directory } from './directory';
import type { KnownContact, MemberPage, OptOutReport } from '../../../shared/ipc/manage';
import { type ExportRow, Lists, type MemberQuery } from './lists';
import { type OptOutReportQuery, Reports } from './reports';
import { Inbox } from './inbox';
import { Meta } from './meta';
import { type Database, type OpenOptions, openDatabase } from './migrations';
import { Outbox, type Settled } from './outbox';
import { Search } from './search';
import { Thread } from './thread';
import type {
  CacheIdentity,
  CacheMethods,
  ConversationQuery,
  MessageQuery,
  OutboxEntry,
} from './types';

/**
 * One signed-in person's local copy of their account, in one SQLite file.
 * Synchronous: it runs in the cache worker (worker.ts), which the main
 * thread reaches through openCache (client.ts). Every statement is compiled
 * once, when the cache opens.
 */
export class LocalCache implements CacheMethods {
  private readonly db: Database;
  private readonly meta: Meta;
  private readonly writer: ChangeWriter;
  private readonly inbox: Inbox;
  private readonly thread: Thread;
  private readonly directory: Directory;
  private readonly finder: Search;
  private readonly outbox: Outbox;
  private readonly campaignStore: CampaignStore;
  private readonly lists: Lists;
  private readonly reports: Reports;

  constructor(file: string, options: OpenOptions = {}) {
    this.db = openDatabase(file, options);
    this.meta = new Meta(this.db);
    this.writer = new ChangeWriter(this.db);
    this.inbox = new Inbox(this.db);
    this.outbox = new Outbox(this.db);
    this.thread = new Thread(this.db, this.outbox);
    this.directory = new Directory(this.db);
    this.finder = new Search(this.db);
    this.campaignStore = new CampaignStore(this.db);
    this.lists = new Lists(this.db);
    this.reports = new Reports(this.db);
  }

  identity(): CacheIdentity | null {
    return this.meta.identity();
  }

  claim(identity: CacheIdentity): void {
    this.meta.claim(identity);
  }

  cursor(): number {
    return this.meta.cursor();
  }

  applyChanges(changes: readonly Change[]): { readonly cursor: number; readonly applied: number } {
    return this.writer.apply(changes, this.meta.me());
  }

  conversations(query: ConversationQuery): ConversationPage {
    return this.inbox.conversations(query, this.meta.me(), this.meta.role());
  }

  conversationRow(conversationId: string): ConversationRow | null {
    return this.inbox.conversationRow(conversationId);
  }

  counts(): InboxCounts {
    return this.inbox.counts(this.meta.me(), this.meta.role());
  }

  messages(query: MessageQuery): MessagePage {
    return this.thread.messages(query, this.meta.me());
  }

  contact(contactId: string): ContactView | null {
    return this.directory.contact(contactId);
  }

  gateContact(
    target: { readonly conversationId: string } | { readonly contactId: string },
  ): (ContactSnapshot & { readonly conversationId: string | null }) | null {
    return this.directory.gateContact(target);
  }

  account(): AccountView {
    return this.directory.account();
  }

  search(query: string, limit: number): readonly SearchHit[] {
    return this.finder.search(query, limit, this.meta.role());
  }

  outboxAdd(entry: { readonly key: string; readonly command: Command; readonly at: string }): void {
    this.outbox.add(entry);
  }

  outboxPending(): readonly OutboxEntry[] {
    return this.outbox.pending();
  }

  outboxAttempted(key: string): void {
    this.outbox.attempted(key);
  }

  outboxSettle(key: string, settled: Settled): void {
    this.outbox.settle(key, settled);
  }

  outboxEntry(key: string): OutboxEntry | null {
    return this.outbox.entry(key);
  }

  outboxReplace(key: string, command: Command): void {
    this.outbox.replace(key, command);
  }

  campaigns(): readonly CampaignSnapshot[] {
    return this.campaignStore.list();
  }

  campaignRecipients(query: CampaignRecipientQuery): CampaignRecipientPage {
    return this.campaignStore.recipients(query);
  }

  campaignPreview(query: CampaignPreviewQuery): CampaignGatePreview {
    return this.campaignStore.preview(query);
  }

  members(query: MemberQuery): MemberPage | null {
    return this.lists.page(query, this.meta.role());
  }

  exportMembers(
    target: { readonly listId: string } | { readonly optOut: true },
  ): { readonly listName: string | null; readonly rows: readonly ExportRow[] } | null {
    return this.lists.exportRows(target, this.meta.role());
  }

  listSizes(): Readonly<Record<string, number>> {
    return this.lists.sizes(this.meta.role());
  }

  knownContacts(phones: readonly string[]): readonly KnownContact[] {
    return this.lists.known(phones, this.meta.role());
  }

  optOutReport(query: OptOutReportQuery): OptOutReport {
    return this.reports.optOuts(query, this.meta.role());
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
