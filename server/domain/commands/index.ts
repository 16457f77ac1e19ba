import type { Kysely } from 'kysely';
import { createHash } from 'node:crypto';
import { isCountryCode } from '../../../shared/phone';
import {
  refusalFor,
  type Command,
  type CommandError,
  type CommandType,
  type CommandValue,
} from '../../../shared/protocol/commands';
import type { Change } from '../../../shared/protocol/entities';
import { fail, ok, type Result } from '../../../shared/result';
import { keyCommandRefusal } from '../../auth/apiKeys';
import type { SessionUser } from '../../auth/sessions';
import type { Database } from '../../db/schema';
import { appendChanges } from '../changes';
import type { ServerContext } from '../context';
import { sendQueued } from '../outbound';
import {
  contactBlock,
  contactLists,
  contactOptIn,
  contactOptOut,
  contactsImport,
  contactUnblock,
  contactUpdate,
  messageReviewOptOut,
} from './contacts';
import {
  conversationAssign,
  conversationClose,
  conversationRead,
  conversationReopen,
  messageSend,
  noteAdd,
} from './conversations';
import { apiKeyCreate, apiKeyRevoke, sessionEnd } from './access';
import { businessNumberAdd, hashPasswords, userCreate, userUpdate } from './admin';
import { listCleanup, listDelete, listRename } from './lists';
import { campaignSend } from './campaigns';
import { accountUpdateWithQuietHours } from './quietHours';
import { prepareMedia } from './mediaPrep';
import type { CommandOrigin, Handler, Scope } from './scope';
import { listCreate, triggersUpdate } from './settings';
import { templatesUpdate } from './templates';

export type { CommandOrigin } from './scope';

const HANDLERS: { readonly [T in CommandType]: Handler<T> } = {
  'message.send': messageSend,
  'note.add': noteAdd,
  'message.reviewOptOut': messageReviewOptOut,
  'contact.update': contactUpdate,
  'contact.lists': contactLists,
  'contact.block': contactBlock,
  'contact.unblock': contactUnblock,
  'contact.optIn': contactOptIn,
  'contact.optOut': contactOptOut,
  'conversation.assign': conversationAssign,
  'conversation.close': conversationClose,
  'conversation.reopen': conversationReopen,
  'conversation.read': conversationRead,
  'triggers.update': triggersUpdate,
  'templates.update': templatesUpdate,
  'list.create': listCreate,
  'list.rename': listRename,
  'list.delete': listDelete,
  'list.cleanup': listCleanup,
  'account.update': accountUpdateWithQuietHours,
  'businessNumber.add': businessNumberAdd,
  'user.create': userCreate,
  'user.update': userUpdate,
  'session.end': sessionEnd,
  'apiKey.create': apiKeyCreate,
  'apiKey.revoke': apiKeyRevoke,
  'contacts.import': contactsImport,
  'campaign.send': campaignSend,
};

/** What each command of a run answered, in order. */
export type Values<C extends readonly Command[]> = { [I in keyof C]: CommandValue<C[I]['type']> };

export interface CommandRun<T> {
  readonly result: Result<T, CommandError>;
  /** True when the key had been run before and this is its first result again. */
  readonly replayed: boolean;
  /** Settles once the texts the command queued have been handed to the carrier. */
  readonly sending: Promise<void>;
}

/** A refusal rolls the transaction back; it travels out of it as this. */
class Refused extends Error {
  constructor(readonly error: CommandError) {
    super(error.message);
  }
}

/**
 * What a key stands for. Passwords are left out: a fast hash of one would be
 * an easy target for guessing, and the key stands for "add this person" anyway.
 */
const fingerprintOf = (user: SessionUser, commands: readonly Command[]): string =>
  `${commands.map((command) => command.type).join('+')}:${createHash('sha256')
    .update(
      JSON.stringify([
        user.id,
        commands.map((command) =>
          command.type === 'user.create' ? { ...command, password: null } : command,
        ),
      ]),
    )
    .digest('base64url')}`;

/**
 * Runs commands for a signed-in person, all or nothing, in one transaction:
 * authorisation by role and account, the handlers, the change log, and the
 * first result stored under the idempotency key. A replayed key answers
 * with that first result and does nothing again; the same key with other
 * commands is refused. Changes are published and queued texts sent once
 * the transaction has committed.
 */
export async function runCommands<const C extends readonly Command[]>(
  context: ServerContext,
  user: SessionUser,
  key: string | null,
  commands: C,
  origin: CommandOrigin,
  /** What the key stands for, when it is not the commands themselves (a REST request). */
  request?: unknown,
): Promise<CommandRun<Values<C>>> {
  const done = Promise.resolve();
  for (const command of commands) {
    // An API key within its scope first, then its creator's role.
    const refusal =
      (user.apiKey === undefined ? null : keyCommandRefusal(user.apiKey, command.type)) ??
      refusalFor(user.role, command.type);
    if (refusal !== null) {
      return {
        result: fail({ code: 'not-allowed', message: refusal }),
        replayed: false,
        sending: done,
      };
    }
  }
  const fingerprint =
    request === undefined
      ? fingerprintOf(user, commands)
      : `request:${createHash('sha256')
          .update(JSON.stringify([user.id, request]))
          .digest('base64url')}`;
  const stored = key === null ? undefined : await findStored(context, user, key, fingerprint);
  if (stored !== undefined)
    return { result: stored as Result<Values<C>, CommandError>, replayed: true, sending: done };

  const passwordHashes = await hashPasswords(commands);
  const preparedMedia = await prepareMedia(context, user, commands);
  const now = context.now();
  const at = now.toISOString();
  let committed:
    { values: unknown[]; changes: Change[]; queued: string[]; cuts: Scope['cuts'] } | undefined;
  for (let attempt = 1; committed === undefined; attempt += 1) {
    try {
      committed = await context.db.transaction().execute(async (trx) => {
        if (key !== null) {
          // Inside the transaction too: on SQLite this is the check that counts.
          const again = await trx
            .selectFrom('idempotency')
            .select('key')
            .where('account_id', '=', user.accountId)
            .where('key', '=', key)
            .executeTakeFirst();
          if (again !== undefined) throw new Replayed();
        }
        const account = await trx
          .selectFrom('accounts')
          .select('default_country')
          .where('id', '=', user.accountId)
          .executeTakeFirstOrThrow();
        const scope: Scope = {
          trx,
          user,
          actor: { kind: 'user', id: user.id, name: user.name, role: user.role },
          accountId: user.accountId,
          defaultCountry: isCountryCode(account.default_country)
            ? account.default_country
            : context.defaultCountry,
          origin,
          at,
          changes: [],
          queued: [],
          passwordHashes,
          media: {
            prepared: preparedMedia,
            refusal: (to) => context.carrier.mediaRefusal(to),
            attach: (messageId, media) =>
              context.media === undefined
                ? Promise.resolve(JSON.stringify(media))
                : context.media.attach(trx, messageId, media),
          },
          cuts: { sessionIds: [], userIds: [] },
        };
        const values: unknown[] = [];
        for (const command of commands) {
          const handler = HANDLERS[command.type] as Handler<CommandType>;
          const result = await handler(scope, command);
          if (!result.ok) throw new Refused(result.error);
          values.push(result.value);
        }
        const changes = await appendChanges(trx, user.accountId, scope.changes, at);
        if (key !== null) {
          await trx
            .insertInto('idempotency')
            .values(keyRow(user, key, fingerprint, ok(withoutSecrets(commands, values)), at))
            .execute();
        }
        return { values, changes, queued: scope.queued, cuts: scope.cuts };
      });
    } catch (error) {
      if (error instanceof Refused) {
        // Nothing was written; the refusal is still the key's answer.
        if (key !== null) await storeRefusal(context, user, key, fingerprint, error.error, at);
        const first = key === null ? undefined : await findStored(context, user, key, fingerprint);
        return {
          result: (first ?? fail(error.error)) as Result<Values<C>, CommandError>,
          replayed: false,
          sending: done,
        };
      }
      // The same key run twice at once: the other run's result is the answer.
      const first = key === null ? undefined : await findStored(context, user, key, fingerprint);
      if (first !== undefined)
        return { result: first as Result<Values<C>, CommandError>, replayed: true, sending: done };
      // Another transaction got there first (PostgreSQL): run again on what it committed.
      if (attempt < MAX_ATTEMPTS && isTransient(error)) continue;
      throw error;
    }
  }
  context.publish(user.accountId, committed.changes);
  const { cuts } = committed;
  if (cuts.sessionIds.length > 0 || cuts.userIds.length > 0) context.cutSessions?.(cuts);
  return {
    result: ok(committed.values as Values<C>),
    replayed: false,
    sending: committed.queued.length === 0 ? done : sendQueued(context, committed.queued),
  };
}

/** One command; see {@link runCommands}. */
export async function runCommand<C extends Command>(
  context: ServerContext,
  user: SessionUser,
  key: string | null,
  command: C,
  origin: CommandOrigin,
): Promise<CommandRun<CommandValue<C['type']>>> {
  const run = await runCommands(context, user, key, [command] as const, origin);
  return {
    ...run,
    result: run.result.ok ? ok(run.result.value[0] as CommandValue<C['type']>) : run.result,
  };
}

const MAX_ATTEMPTS = 3;

/**
 * PostgreSQL's "try again" answers: a deadlock, a serialization failure, or
 * a row another transaction inserted at the same moment (a list name, a
 * conversation). Run again, the command sees the other's committed work.
 */
function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001' || code === '23505';
}

/** What a key remembers: who ran what, and the first result, given again on a replay. */
const keyRow = (
  user: SessionUser,
  key: string,
  fingerprint: string,
  result: Result<unknown, CommandError>,
  at: string,
) => ({
  account_id: user.accountId,
  key,
  user_id: user.id,
  command: fingerprint,
  result: JSON.stringify(result),
  created_at: at,
});

/** A new API key's secret is shown once: a replay of its command answers without it. */
const withoutSecrets = (commands: readonly Command[], values: readonly unknown[]): unknown[] =>
  values.map((value, index) =>
    commands[index]?.type === 'apiKey.create' ? { ...(value as object), secret: null } : value,
  );

/** Thrown inside the transaction when the key turns out to be taken. */
class Replayed extends Error {}

async function findStored(
  context: ServerContext,
  user: SessionUser,
  key: string,
  fingerprint: string,
): Promise<Result<unknown, CommandError> | undefined> {
  const row = await context.db
    .selectFrom('idempotency')
    .select(['command', 'result'])
    .where('account_id', '=', user.accountId)
    .where('key', '=', key)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  if (row.command !== fingerprint) {
    return fail({
      code: 'key-reused',
      message:
        'This idempotency key was already used for a different request. Use a new key for each new action.',
    });
  }
  return JSON.parse(row.result) as Result<unknown, CommandError>;
}

async function storeRefusal(
  context: ServerContext,
  user: SessionUser,
  key: string,
  fingerprint: string,
  error: CommandError,
  at: string,
): Promise<void> {
  await context.db
    .insertInto('idempotency')
    .values(keyRow(user, key, fingerprint, fail(error), at))
    .onConflict((conflict) => conflict.columns(['account_id', 'key']).doNothing())
    .execute();
}

/** How long a command's key is remembered; a desktop retries within minutes, not weeks. */
export const KEY_RETENTION_DAYS = 30;

/** Forgets idempotency keys older than {@link KEY_RETENTION_DAYS}; run at start. */
export async function forgetOldKeys(db: Kysely<Database>, now: Date): Promise<void> {
  const before = new Date(now.getTime() - KEY_RETENTION_DAYS * 24 * 60 * 60 * 1000);
  await db.deleteFrom('idempotency').where('created_at', '<', before.toISOString()).execute();
}
