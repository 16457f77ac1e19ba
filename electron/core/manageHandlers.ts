import { randomBytes, randomUUID } from 'node:crypto';
import type { IpcHandlers, OptOutReport } from '../../shared/ipc';
import type { Command } from '../../shared/protocol/commands';
import type { CacheClient } from './cache/client';
import type { Role } from './cache/meta';
import { dayIn } from './cache/reports';
import { contactsCsv, contactsVcard } from './manage/contactExports';
import { slug, toCsv } from './manage/csv';
import {
  createApiKey,
  endSessions,
  listApiKeys,
  listSessions,
  revokeApiKey,
} from './manage/access';
import { readWebhook, writeWebhook } from './manage/webhook';
import { Refusal } from './refusal';
import type { SignedInUser } from './session';
import { OfflineError, type CommandAck } from './sync/syncClient';

/**
 * The managing screens' handlers: list members, the Opt-Out List, CSV
 * exports and the opt-out report from the local cache, and the opt-out
 * webhook from the server. Everything else these screens do (rename,
 * delete, clean up, import, settings, people) is a command (`commands.run`).
 */

type AccessMethod =
  | 'admin.apiKeys'
  | 'admin.createApiKey'
  | 'admin.revokeApiKey'
  | 'admin.sessions'
  | 'admin.endSessions';

type ManageMethod =
  | 'lists.members'
  | 'lists.optedOut'
  | 'lists.sizes'
  | 'lists.exportCsv'
  | 'lists.exportVcard'
  | 'contacts.lookup'
  | 'reports.optOuts'
  | 'reports.exportOptOutsCsv'
  | 'admin.webhook'
  | 'admin.setWebhook'
  | AccessMethod;

export interface ManageConnection {
  readonly cache: CacheClient;
  readonly user: SignedInUser;
  readonly serverUrl: string;
  /** The session's bearer token, for the server's REST API. */
  readonly token: string;
}

export interface ManageOptions {
  /** The signed-in connection; throws a Refusal when signed out. */
  readonly connected: () => ManageConnection;
  /** The zone the desktop's days are in; the system's by default. */
  readonly zone?: () => string;
  readonly now?: () => Date;
}

const DEFAULT_PAGE = 200;
const DEFAULT_DAYS = 30;
const REPORT_ROWS = 1000;

const REPORT_COLUMNS = ['opted_out_at', 'phone', 'name', 'source', 'word', 'text', 'by'] as const;

const NO_LIST = 'That list is not in this account.';

/** The person's role as the cache last heard it (a change reaches it live), else as signed in. */
async function roleOf(connection: ManageConnection): Promise<Role> {
  const me = (await connection.cache.account()).users.find(
    (user) => user.id === connection.user.id,
  );
  return me?.role ?? connection.user.role;
}

async function requireRole(
  connection: ManageConnection,
  roles: readonly Role[],
  what: string,
): Promise<void> {
  if (roles.includes(await roleOf(connection))) return;
  const who = roles.includes('supervisor') ? 'supervisors and admins' : 'admins';
  throw new Refusal('not-allowed', `Only ${who} can ${what}.`);
}

export function createManageHandlers(options: ManageOptions): Pick<IpcHandlers, ManageMethod> {
  const zone = options.zone ?? (() => Intl.DateTimeFormat().resolvedOptions().timeZone);
  const now = options.now ?? (() => new Date());
  const today = () => dayIn(zone(), now());

  const report = (days: number | undefined, limit: number | null): Promise<OptOutReport> =>
    options.connected().cache.optOutReport({
      days: days ?? DEFAULT_DAYS,
      zone: zone(),
      now: now().toISOString(),
      limit,
    });

  /** A list's (or the Opt-Out List's) rows and the file name they export under, dated today. */
  const exportOf = async (target: { listId: string } | { optOut: true }) => {
    const exported = await options.connected().cache.exportMembers(target);
    if (exported === null) throw new Refusal('not-found', NO_LIST);
    const name = exported.listName === null ? 'opt-out-list' : slug(exported.listName);
    return { name: `textdesk-${name}-${today()}`, rows: exported.rows };
  };

  const webhook = async (connection: ManageConnection) => {
    const { hasSecret: _hasSecret, ...view } = await readWebhook(connection);
    return view;
  };

  return {
    'lists.members': async ({ listId, after, limit }) => {
      const page = await options
        .connected()
        .cache.members({ listId, after, limit: limit ?? DEFAULT_PAGE });
      if (page === null) throw new Refusal('not-found', NO_LIST);
      return page;
    },
    'lists.optedOut': async ({ after, limit }) => {
      const page = await options.connected().cache.members({ after, limit: limit ?? DEFAULT_PAGE });
      if (page === null) throw new Refusal('not-found', NO_LIST);
      return page;
    },
    'lists.sizes': async () => ({ ...(await options.connected().cache.listSizes()) }),
    'lists.exportCsv': async (target) => {
      const exported = await exportOf(target);
      return { filename: `${exported.name}.csv`, csv: contactsCsv(exported.rows) };
    },
    'lists.exportVcard': async (target) => {
      const exported = await exportOf(target);
      return { filename: `${exported.name}.vcf`, vcard: contactsVcard(exported.rows) };
    },
    'contacts.lookup': async ({ phones }) => [
      ...(await options.connected().cache.knownContacts(phones)),
    ],
    'reports.optOuts': ({ days }) => report(days, REPORT_ROWS),
    'reports.exportOptOutsCsv': async ({ days }) => {
      const { rows } = await report(days, null);
      return {
        filename: `textdesk-opt-outs-${String(days ?? DEFAULT_DAYS)}-days-${today()}.csv`,
        csv: toCsv(
          REPORT_COLUMNS,
          rows.map((row) => [
            row.at,
            row.phone,
            row.name,
            row.source,
            row.word ?? '',
            row.text ?? '',
            row.by ?? '',
          ]),
        ),
      };
    },
    'admin.webhook': async () => {
      const connection = options.connected();
      await requireRole(connection, ['supervisor', 'admin'], 'see the opt-out webhook');
      return webhook(connection);
    },
    'admin.setWebhook': async ({ url, rotateSecret }) => {
      const connection = options.connected();
      await requireRole(connection, ['admin'], 'set the opt-out webhook');
      let secret: string | null = null;
      if (url === null) {
        await writeWebhook(connection, { url: null });
      } else {
        const { hasSecret } = await readWebhook(connection);
        if (rotateSecret === true || !hasSecret) {
          // 256 random bits as a Standard Webhooks secret: what the receiver verifies with, shown once.
          secret = `whsec_${randomBytes(32).toString('base64')}`;
          await writeWebhook(connection, { url, secret });
        } else {
          await writeWebhook(connection, { url });
        }
      }
      return { ...(await webhook(connection)), secret };
    },
    ...accessHandlers(options),
  };
}

/** API keys and people's sessions, from the server, for admins. */
function accessHandlers(options: ManageOptions): Pick<IpcHandlers, AccessMethod> {
  const admin = async (what: string) => {
    const connection = options.connected();
    await requireRole(connection, ['admin'], what);
    return connection;
  };
  return {
    'admin.apiKeys': async () => listApiKeys(await admin('see the account’s API keys')),
    'admin.createApiKey': async (key) => createApiKey(await admin('create API keys'), key),
    'admin.revokeApiKey': async ({ apiKeyId }) =>
      revokeApiKey(await admin('revoke API keys'), apiKeyId),
    'admin.sessions': async ({ userId }) =>
      listSessions(await admin('see people’s sessions'), userId),
    'admin.endSessions': async (which) => endSessions(await admin('end people’s sessions'), which),
  };
}

/** The sync client's part that sends one command now. */
export interface CommandSender {
  readonly live: boolean;
  command(request: { key: string; command: Command }): Promise<CommandAck>;
}

/**
 * Sends a command straight to the server instead of through the outbox,
 * which writes every command to the cache file first and sends it again
 * until the server answers: a new person's password (`user.create`) never
 * lands on this computer's disk, and a file's import (`contacts.import`)
 * never runs later from the queue after the person gave up on it or
 * cancelled it. Offline, both are refused rather than kept for later.
 */
export async function sendWithoutOutbox(
  sync: CommandSender,
  command: Command,
): Promise<{ state: 'done'; value: unknown }> {
  const offline = new Refusal(
    'offline',
    command.type === 'contacts.import'
      ? 'Importing needs a connection to the server. Try again once you are back online.'
      : command.type === 'apiKey.create'
        ? 'Creating an API key needs a connection to the server. Try again once you are back online.'
        : 'Adding a person needs a connection to the server. Try again once you are back online.',
  );
  if (!sync.live) throw offline;
  let ack: CommandAck;
  try {
    ack = await sync.command({ key: randomUUID(), command });
  } catch (error) {
    if (error instanceof OfflineError) throw offline;
    throw error;
  }
  if (!ack.ok) throw new Refusal(ack.error.code, ack.error.message, ack.error.problems);
  return { state: 'done', value: ack.value };
}
