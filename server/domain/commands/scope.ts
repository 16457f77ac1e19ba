import type { Transaction } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { ConsentRefusal, UserActor } from '../../../shared/consent';
import type { CountryCode } from '../../../shared/phone';
import type {
  Command,
  CommandError,
  CommandErrorCode,
  CommandOf,
  CommandType,
  CommandValue,
} from '../../../shared/protocol/commands';
import type { PendingChange } from '../../../shared/protocol/entities';
import type { MediaSnapshot } from '../../../shared/protocol/media';
import { fail, type Result } from '../../../shared/result';
import type { SessionUser } from '../../auth/sessions';
import { forUpdate } from '../../db/locks';
import type { Contact, Conversation, Database, Message } from '../../db/schema';
import { newMessageRow } from '../records';
import type { PreparedMedia } from './mediaPrep';

/** Where a command came from; the send gate words API sends differently (R6). */
export type CommandOrigin = 'desktop' | 'api';

/** Everything a command handler works with: one transaction, one person, one moment. */
export interface Scope {
  readonly trx: Transaction<Database>;
  readonly user: SessionUser;
  readonly actor: UserActor;
  readonly accountId: string;
  readonly defaultCountry: CountryCode;
  readonly origin: CommandOrigin;
  /** ISO 8601; every row the command writes carries this time. */
  readonly at: string;
  /** Changes for the log, appended once the handler succeeds. */
  readonly changes: PendingChange[];
  /** Outbound texts to hand to the carrier after commit. */
  readonly queued: string[];
  /** The password hash of each command that carries a password, made before the transaction. */
  readonly passwordHashes: ReadonlyMap<Command, string>;
  /** Pictures and files of the commands that send some, prepared before the transaction. */
  readonly media: ScopeMedia;
  /** Live connections to close once committed: ended sessions, people whose access was removed. */
  readonly cuts: { readonly sessionIds: string[]; readonly userIds: string[] };
}

export interface ScopeMedia {
  readonly prepared: ReadonlyMap<Command, PreparedMedia>;
  /** Why the carrier cannot send an MMS to this number; null when it can. */
  refusal(to: string): string | null;
  /** Records, in the transaction, which files a message (already inserted) shows. */
  attach(messageId: string, media: readonly MediaSnapshot[]): Promise<string>;
}

export type CommandResult<T extends CommandType> = Result<CommandValue<T>, CommandError>;

export type Handler<T extends CommandType> = (
  scope: Scope,
  command: CommandOf<T>,
) => Promise<CommandResult<T>>;

export const refuse = (
  code: CommandErrorCode,
  message: string,
  problems?: CommandError['problems'],
): Result<never, CommandError> =>
  fail(problems === undefined ? { code, message } : { code, message, problems });

/** The consent engine's refusals, as command errors. */
export function fromConsentRefusal(refusal: ConsentRefusal): Result<never, CommandError> {
  switch (refusal.code) {
    case 'unknown-trigger':
      return refuse('not-found', refusal.message);
    default:
      return refuse(refusal.code, refusal.message);
  }
}

/** A contact of the scope's account; another account's id reads as not found. */
export function findContact(scope: Scope, contactId: string): Promise<Contact | undefined> {
  // Locked: what the command decides rests on this row staying as read.
  return forUpdate(
    scope.trx,
    scope.trx
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', contactId)
      .where('account_id', '=', scope.accountId),
  ).executeTakeFirst();
}

export function findConversation(
  scope: Scope,
  conversationId: string,
): Promise<Conversation | undefined> {
  return scope.trx
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', conversationId)
    .where('account_id', '=', scope.accountId)
    .executeTakeFirst();
}

/**
 * Holds the account's row (on PostgreSQL) for the rest of the transaction:
 * edits of account-wide settings (triggers, lists) take turns, so a check
 * like "no two triggers share a keyword" holds against what the other saved.
 */
export async function lockAccount(scope: Scope): Promise<void> {
  await forUpdate(
    scope.trx,
    scope.trx.selectFrom('accounts').select('id').where('id', '=', scope.accountId),
  ).execute();
}

export const NO_CONTACT = 'There is no such contact in this account.';
export const NO_CONVERSATION = 'There is no such conversation in this account.';

/** A message of the command: a new id, the scope's account and time. */
export const newMessage = (
  scope: Scope,
  conversationId: string,
  fields: Parameters<typeof newMessageRow>[2],
): Message =>
  newMessageRow(
    { id: randomUUID(), accountId: scope.accountId, at: scope.at },
    conversationId,
    fields,
  );
