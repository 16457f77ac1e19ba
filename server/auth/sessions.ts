import type { Kysely } from 'kysely';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Database, User } from '../db/schema';

/** How long a session lasts without use. */
const IDLE_DAYS = 30;
const day = 24 * 60 * 60 * 1000;

export const hashToken = (token: string): string =>
  createHash('sha256').update(token).digest('base64url');

export interface SessionUser {
  readonly id: string;
  readonly accountId: string;
  readonly email: string;
  readonly name: string;
  readonly role: User['role'];
  readonly sessionId: string;
}

/**
 * Starts a session and returns its bearer token: 256 random bits, shown once.
 * Only its hash is stored, so a copy of the database signs nobody in.
 */
export async function createSession(
  db: Kysely<Database>,
  userId: string,
  now: Date,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db
    .insertInto('sessions')
    .values({
      id: randomUUID(),
      user_id: userId,
      token_hash: hashToken(token),
      created_at: now.toISOString(),
      last_used_at: now.toISOString(),
      expires_at: new Date(now.getTime() + IDLE_DAYS * day).toISOString(),
      revoked_at: null,
    })
    .execute();
  return token;
}

/** The signed-in user of a token, or null when it is unknown, revoked, expired or disabled. */
export async function authenticate(
  db: Kysely<Database>,
  token: string,
  now: Date,
): Promise<SessionUser | null> {
  if (token.length < 20 || token.length > 200) return null;
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id as sessionId',
      'sessions.expires_at',
      'sessions.revoked_at',
      'sessions.last_used_at',
      'users.id',
      'users.account_id',
      'users.email',
      'users.name',
      'users.role',
      'users.disabled_at',
    ])
    .where('sessions.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (row?.revoked_at !== null || row.disabled_at !== null) return null;
  if (row.expires_at <= now.toISOString()) return null;
  // Sliding expiry, written at most hourly so reads stay reads.
  if (now.getTime() - Date.parse(row.last_used_at) > 60 * 60 * 1000) {
    await db
      .updateTable('sessions')
      .set({
        last_used_at: now.toISOString(),
        expires_at: new Date(now.getTime() + IDLE_DAYS * day).toISOString(),
      })
      .where('id', '=', row.sessionId)
      .execute();
  }
  return {
    id: row.id,
    accountId: row.account_id,
    email: row.email,
    name: row.name,
    role: row.role,
    sessionId: row.sessionId,
  };
}

export async function revokeSession(
  db: Kysely<Database>,
  sessionId: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: now.toISOString() })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute();
}
