import type { Kysely } from 'kysely';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { SessionInfo } from '../../shared/protocol/access';
import { fail, ok, type Result } from '../../shared/result';
import type { ApiKeyScope, Database, SessionEndReason, User } from '../db/schema';

/** How long a session lasts without use. */
export const IDLE_DAYS = 14;
/** How long a token lasts, used or not; a refresh before then gives a new one. */
export const TOKEN_DAYS = 30;
/** When a desktop should refresh its token: a day after it was given. */
const REFRESH_AFTER_MS = 24 * 60 * 60 * 1000;
/** How long a token a refresh replaced still works: a refresh whose answer was lost can be retried. */
const REPLACED_GRACE_MS = 60 * 60 * 1000;
const day = 24 * 60 * 60 * 1000;

export const hashToken = (token: string): string =>
  createHash('sha256').update(token).digest('base64url');

/** An API key a request was signed with (see ./apiKeys). */
export interface ApiKeyRef {
  readonly id: string;
  readonly name: string;
  readonly scope: ApiKeyScope;
}

/** Who a request or a desktop connection acts as. */
export interface SessionUser {
  readonly id: string;
  readonly accountId: string;
  readonly email: string;
  readonly name: string;
  readonly role: User['role'];
  /** The session signed in with; null for an API key. */
  readonly sessionId: string | null;
  /** Set when an integration's API key signed the request: it acts for its creator, within its scope. */
  readonly apiKey?: ApiKeyRef;
}

/** Why a token was turned away, in words a person understands. */
export interface SessionRefusal {
  readonly reason: 'unknown' | 'expired' | 'idle' | 'replaced' | SessionEndReason;
  readonly message: string;
}

const REFUSALS: Readonly<Record<SessionRefusal['reason'], string>> = {
  unknown: 'Sign in first: send Authorization: Bearer <token> from POST /api/v1/login.',
  expired: `Your session expired: a sign-in lasts ${String(TOKEN_DAYS)} days unless the app refreshes it. Sign in again.`,
  idle: `Your session expired after ${String(IDLE_DAYS)} days without use. Sign in again.`,
  replaced:
    'This token was replaced when the session was refreshed: use the new token, or sign in again.',
  'signed-out': 'This session was signed out. Sign in again.',
  'ended-by-admin': 'An admin ended this session. Sign in again.',
  'access-removed':
    'Your access to this account was removed. Ask an admin if you think that is a mistake.',
};

export const refusal = (reason: SessionRefusal['reason']): SessionRefusal => ({
  reason,
  message: REFUSALS[reason],
});

/** Where a session was started from, for the admins' list of sessions. */
export interface Device {
  readonly userAgent?: string | undefined;
  readonly address?: string | undefined;
}

/** A token as handed to its holder: shown once, only its hash is kept. */
export interface IssuedToken {
  readonly token: string;
  readonly sessionId: string;
  /** When the token ends, used or not (ISO 8601). */
  readonly expiresAt: string;
  /** From when the desktop should ask for a fresh token (POST /api/v1/refresh). */
  readonly refreshAfter: string;
}

const newToken = (): string => randomBytes(32).toString('base64url');
const iso = (ms: number): string => new Date(ms).toISOString();
const deviceColumns = (device: Device) => ({
  user_agent: device.userAgent?.slice(0, 300) ?? null,
  address: device.address?.slice(0, 100) ?? null,
});

/**
 * Starts a session: a bearer token of 256 random bits, shown once. Only its
 * hash is stored, so a copy of the database signs nobody in.
 */
export async function startSession(
  db: Kysely<Database>,
  userId: string,
  now: Date,
  device: Device = {},
): Promise<IssuedToken> {
  const token = newToken();
  const id = randomUUID();
  const at = now.getTime();
  await db
    .insertInto('sessions')
    .values({
      id,
      user_id: userId,
      token_hash: hashToken(token),
      created_at: iso(at),
      last_used_at: iso(at),
      expires_at: iso(at + IDLE_DAYS * day),
      ends_at: iso(at + TOKEN_DAYS * day),
      revoked_at: null,
      previous_token_hash: null,
      previous_until: null,
      revoked_reason: null,
      ...deviceColumns(device),
    })
    .execute();
  return {
    token,
    sessionId: id,
    expiresAt: iso(at + TOKEN_DAYS * day),
    refreshAfter: iso(at + REFRESH_AFTER_MS),
  };
}

/** {@link startSession}, for callers that need the token only. */
export async function createSession(
  db: Kysely<Database>,
  userId: string,
  now: Date,
): Promise<string> {
  return (await startSession(db, userId, now)).token;
}

const sessionRow = (db: Kysely<Database>) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id as sessionId',
      'sessions.token_hash',
      'sessions.previous_token_hash',
      'sessions.previous_until',
      'sessions.expires_at',
      'sessions.ends_at',
      'sessions.revoked_at',
      'sessions.revoked_reason',
      'sessions.last_used_at',
      'users.id',
      'users.account_id',
      'users.email',
      'users.name',
      'users.role',
      'users.disabled_at',
    ]);
type SessionRow = NonNullable<
  Awaited<ReturnType<ReturnType<typeof sessionRow>['executeTakeFirst']>>
>;

/** What a session is, looked up: the person, until when it stands, and whether by a replaced token. */
interface Standing {
  readonly user: SessionUser;
  /** The earlier of its idle expiry and its token's end. */
  readonly until: string;
  readonly row: SessionRow;
  readonly replaced: boolean;
}

function judge(
  row: SessionRow | undefined,
  now: Date,
  tokenHash: string | null,
): Result<Standing, SessionRefusal> {
  if (row === undefined) return fail(refusal('unknown'));
  if (row.revoked_at !== null) return fail(refusal(row.revoked_reason ?? 'signed-out'));
  if (row.disabled_at !== null) return fail(refusal('access-removed'));
  const at = now.toISOString();
  const replaced = tokenHash !== null && row.token_hash !== tokenHash;
  if (replaced && (row.previous_until ?? '') <= at) return fail(refusal('replaced'));
  const ends = row.ends_at ?? row.expires_at;
  if (ends <= at) return fail(refusal('expired'));
  if (row.expires_at <= at) return fail(refusal('idle'));
  return ok({
    user: {
      id: row.id,
      accountId: row.account_id,
      email: row.email,
      name: row.name,
      role: row.role,
      sessionId: row.sessionId,
    },
    until: row.expires_at < ends ? row.expires_at : ends,
    row,
    replaced,
  });
}

/** Sliding idle expiry, written at most hourly so reads stay reads. */
async function touch(db: Kysely<Database>, standing: Standing, now: Date): Promise<void> {
  if (now.getTime() - Date.parse(standing.row.last_used_at) <= 60 * 60 * 1000) return;
  await db
    .updateTable('sessions')
    .set({
      last_used_at: now.toISOString(),
      expires_at: iso(now.getTime() + IDLE_DAYS * day),
    })
    .where('id', '=', standing.row.sessionId)
    .execute();
}

async function byToken(
  db: Kysely<Database>,
  token: string,
  now: Date,
): Promise<Result<Standing, SessionRefusal>> {
  if (token.length < 20 || token.length > 200) return fail(refusal('unknown'));
  const hash = hashToken(token);
  const row = await sessionRow(db)
    .where((where) =>
      where.or([
        where('sessions.token_hash', '=', hash),
        where('sessions.previous_token_hash', '=', hash),
      ]),
    )
    .executeTakeFirst();
  return judge(row, now, hash);
}

/** The person a session token signs in, or why it does not (unknown, expired, signed out, …). */
export async function checkToken(
  db: Kysely<Database>,
  token: string,
  now: Date,
): Promise<Result<SessionUser, SessionRefusal>> {
  const standing = await byToken(db, token, now);
  if (!standing.ok) return standing;
  await touch(db, standing.value, now);
  return ok(standing.value.user);
}

/** The signed-in user of a token, or null when it is unknown, revoked, expired or disabled. */
export async function authenticate(
  db: Kysely<Database>,
  token: string,
  now: Date,
): Promise<SessionUser | null> {
  const checked = await checkToken(db, token, now);
  return checked.ok ? checked.value : null;
}

/**
 * A session as it stands now, by its id: how a live connection checks that
 * its session still holds (its token may have been refreshed since it
 * connected), and until when.
 */
export async function sessionStanding(
  db: Kysely<Database>,
  sessionId: string,
  now: Date,
): Promise<{ user: SessionUser; until: string } | null> {
  const row = await sessionRow(db).where('sessions.id', '=', sessionId).executeTakeFirst();
  const standing = judge(row, now, null);
  if (!standing.ok) return null;
  await touch(db, standing.value, now);
  return { user: standing.value.user, until: standing.value.until };
}

/**
 * A fresh token for a session that still stands, for another TOKEN_DAYS.
 * The token presented keeps working for an hour (a refresh whose answer
 * was lost can be tried again with it), then only the new one does.
 */
export async function refreshSession(
  db: Kysely<Database>,
  token: string,
  now: Date,
  device: Device = {},
): Promise<Result<IssuedToken & { user: SessionUser }, SessionRefusal>> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const standing = await byToken(db, token, now);
    if (!standing.ok) return standing;
    const { row, replaced, user } = standing.value;
    const fresh = newToken();
    const at = now.getTime();
    const presented = hashToken(token);
    // Only if nobody refreshed it meanwhile: two refreshes at once must not both think they won.
    const updated = await db
      .updateTable('sessions')
      .set({
        token_hash: hashToken(fresh),
        // A retry with a replaced token keeps that token's hour; it does not extend it.
        previous_token_hash: presented,
        previous_until: replaced ? row.previous_until : iso(at + REPLACED_GRACE_MS),
        last_used_at: iso(at),
        expires_at: iso(at + IDLE_DAYS * day),
        ends_at: iso(at + TOKEN_DAYS * day),
        ...deviceColumns(device),
      })
      .where('id', '=', row.sessionId)
      .where('token_hash', '=', row.token_hash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) continue;
    return ok({
      token: fresh,
      sessionId: row.sessionId,
      expiresAt: iso(at + TOKEN_DAYS * day),
      refreshAfter: iso(at + REFRESH_AFTER_MS),
      user,
    });
  }
  return fail(refusal('replaced'));
}

/** Ends sessions (by their ids, or every session of people); gives the ids it ended. */
export async function endSessions(
  db: Kysely<Database>,
  which: { readonly sessionIds: readonly string[] } | { readonly userIds: readonly string[] },
  reason: SessionEndReason,
  now: Date,
): Promise<string[]> {
  const ids = 'sessionIds' in which ? which.sessionIds : which.userIds;
  if (ids.length === 0) return [];
  const ended = await db
    .updateTable('sessions')
    .set({ revoked_at: now.toISOString(), revoked_reason: reason })
    .where('sessionIds' in which ? 'id' : 'user_id', 'in', ids)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
  return ended.map((row) => row.id);
}

export async function revokeSession(
  db: Kysely<Database>,
  sessionId: string,
  now: Date,
): Promise<void> {
  await endSessions(db, { sessionIds: [sessionId] }, 'signed-out', now);
}

/** A person's sessions that still stand, most recently used first. */
export async function listSessions(
  db: Kysely<Database>,
  userId: string,
  now: Date,
): Promise<SessionInfo[]> {
  const at = now.toISOString();
  const rows = await db
    .selectFrom('sessions')
    .select(['id', 'user_agent', 'address', 'created_at', 'last_used_at', 'expires_at', 'ends_at'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', at)
    .where((where) => where.or([where('ends_at', 'is', null), where('ends_at', '>', at)]))
    .orderBy('last_used_at', 'desc')
    .execute();
  return rows.map((row) => {
    const ends = row.ends_at ?? row.expires_at;
    return {
      id: row.id,
      userAgent: row.user_agent,
      address: row.address,
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
      expiresAt: row.expires_at < ends ? row.expires_at : ends,
    };
  });
}
