/**
 * API keys for integrations (a CRM, a help desk). A key belongs to an
 * account and acts for the admin who created it, within its scope:
 *
 * - read: GET routes only;
 * - send: read, and send texts and notes;
 * - admin: everything its creator, an admin, can do.
 *
 * The secret is `tdk_` and 256 random bits, shown once; only its SHA-256 is
 * kept. A key stops working when it is revoked or when its creator's access
 * is removed (the person who saw the secret is gone). What a key does is
 * recorded as done by `key “CRM”`, never as its creator by name.
 */
import type { Kysely } from 'kysely';
import { randomBytes, randomUUID } from 'node:crypto';
import { formatDay } from '../../shared/consent';
import type { ApiKey } from '../../shared/protocol/access';
import { COMMAND_LABELS, type CommandType } from '../../shared/protocol/commands';
import { fail, ok, type Result } from '../../shared/result';
import type { ApiKeyScope, ApiKeysTable, Database } from '../db/schema';
import { hashToken, type ApiKeyRef, type SessionUser } from './sessions';

export const API_KEY_PREFIX = 'tdk_';
/** Characters of the secret kept to tell keys apart: `tdk_` and 8 more. */
const SHOWN = API_KEY_PREFIX.length + 8;
/** last_used_at is written at most this often, so reads stay (mostly) reads. */
const USE_WRITE_MS = 60 * 1000;

/** Whether a bearer token is an API key rather than a session's token. */
export const isApiKey = (token: string): boolean => token.startsWith(API_KEY_PREFIX);

/** How a key is named in what it did: the consent history, the request log. */
export const keyActorName = (name: string): string => `key “${name}”`;

export const apiKeyView = (row: ApiKeysTable): ApiKey => ({
  id: row.id,
  name: row.name,
  scope: row.scope,
  prefix: row.prefix,
  createdAt: row.created_at,
  createdBy: row.created_by,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
});

/** A new key's row and its secret; the caller stores the row and shows the secret once. */
export function newApiKey(input: {
  readonly accountId: string;
  readonly name: string;
  readonly scope: ApiKeyScope;
  readonly createdBy: string;
  readonly at: string;
}): { row: ApiKeysTable; secret: string } {
  const secret = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return {
    secret,
    row: {
      id: randomUUID(),
      account_id: input.accountId,
      name: input.name,
      scope: input.scope,
      secret_hash: hashToken(secret),
      prefix: secret.slice(0, SHOWN),
      created_by: input.createdBy,
      created_at: input.at,
      last_used_at: null,
      revoked_at: null,
      revoked_by: null,
    },
  };
}

/** The account's keys, newest first, revoked ones included (marked). */
export async function listApiKeys(db: Kysely<Database>, accountId: string): Promise<ApiKey[]> {
  const rows = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(apiKeyView);
}

/**
 * Who an API key acts as: its creator, named `key “…”`, with the key's
 * scope; or why it is refused. Each use moves `last_used_at`.
 */
export async function checkApiKey(
  db: Kysely<Database>,
  secret: string,
  now: Date,
): Promise<Result<SessionUser, string>> {
  if (secret.length < 20 || secret.length > 200) return fail(UNKNOWN_KEY);
  const row = await db
    .selectFrom('api_keys')
    .innerJoin('users', 'users.id', 'api_keys.created_by')
    .select([
      'api_keys.id as keyId',
      'api_keys.name as keyName',
      'api_keys.scope',
      'api_keys.revoked_at',
      'api_keys.last_used_at',
      'api_keys.account_id as keyAccount',
      'users.id',
      'users.account_id',
      'users.email',
      'users.role',
      'users.disabled_at',
    ])
    .where('api_keys.secret_hash', '=', hashToken(secret))
    .executeTakeFirst();
  // A key acts in its own account only, whatever became of its creator.
  if (row === undefined || row.keyAccount !== row.account_id) return fail(UNKNOWN_KEY);
  if (row.revoked_at !== null) {
    return fail(
      `The API key “${row.keyName}” was revoked on ${formatDay(row.revoked_at)}. Ask an admin for a new key.`,
    );
  }
  if (row.disabled_at !== null) {
    return fail(
      `The API key “${row.keyName}” stopped working when the access of the admin who created it was removed. An admin can create a new key.`,
    );
  }
  if (row.last_used_at === null || now.getTime() - Date.parse(row.last_used_at) > USE_WRITE_MS) {
    await db
      .updateTable('api_keys')
      .set({ last_used_at: now.toISOString() })
      .where('id', '=', row.keyId)
      .execute();
  }
  const apiKey: ApiKeyRef = { id: row.keyId, name: row.keyName, scope: row.scope };
  return ok({
    id: row.id,
    accountId: row.account_id,
    email: row.email,
    name: keyActorName(row.keyName),
    role: row.role,
    sessionId: null,
    apiKey,
  });
}

const UNKNOWN_KEY =
  'That API key is not valid. Check that it was copied whole, or ask an admin for a new key.';

/** Commands a send key may run, besides reading. */
const SEND_COMMANDS: ReadonlySet<CommandType> = new Set(['message.send', 'note.add']);

/** Why a key's scope does not allow a command, in words; null when it does. */
export function keyCommandRefusal(key: ApiKeyRef, type: CommandType): string | null {
  // A key making keys would outlive its own revocation.
  if (type === 'apiKey.create')
    return 'API keys are created by an admin in Textdesk, not by another key.';
  if (key.scope === 'admin') return null;
  if (key.scope === 'send' && SEND_COMMANDS.has(type)) return null;
  return `${keyScopeSentence(key)} It cannot ${COMMAND_LABELS[type]}.`;
}

/** What a key's scope allows, as a sentence. */
export function keyScopeSentence(key: ApiKeyRef): string {
  switch (key.scope) {
    case 'read':
      return `The API key “${key.name}” can only read.`;
    case 'send':
      return `The API key “${key.name}” can only read and send texts and notes.`;
    case 'admin':
      return `The API key “${key.name}” can do what an admin can.`;
  }
}
