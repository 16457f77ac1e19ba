import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { decoyHash, verifyPassword } from '../auth/passwords';
import { LoginRateLimit } from '../auth/rateLimit';
import { authenticate, createSession, type SessionUser } from '../auth/sessions';
import type { ServerContext } from '../domain/context';
import { HttpError, readJson, sendJson } from './io';

const LoginSchema = z.strictObject({
  email: z.string().trim().toLowerCase().min(3).max(320),
  password: z.string().min(1).max(1024),
});

/** One server's memory of failed sign-ins: per email, and per client address. */
export interface LoginLimits {
  readonly byEmail: LoginRateLimit;
  readonly byAddress: LoginRateLimit;
  /** Behind a reverse proxy: the client is the address it appended to X-Forwarded-For. */
  readonly trustProxy: boolean;
}

export const createLoginLimits = (trustProxy = false): LoginLimits => ({
  byEmail: new LoginRateLimit(5),
  byAddress: new LoginRateLimit(30),
  trustProxy,
});

/**
 * Who is asking. Behind a trusted proxy it is the last address in
 * X-Forwarded-For — the one the proxy itself added; earlier ones are
 * whatever the client claimed and are never believed.
 */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  const direct = request.socket.remoteAddress ?? 'unknown';
  if (!trustProxy) return direct;
  const header = request.headers['x-forwarded-for'];
  const chain = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
  const last = chain.at(-1)?.trim() ?? '';
  return last === '' ? direct : last;
}

/** POST /api/v1/login {email, password} → {token, user}. Rate-limited per email and per address. */
export async function login(
  context: ServerContext,
  { byEmail, byAddress, trustProxy }: LoginLimits,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const { email, password } = await readJson(request, LoginSchema);
  const address = clientAddress(request, trustProxy);
  const now = context.now();
  const wait = Math.max(
    byEmail.retryAfter([email], now.getTime()),
    byAddress.retryAfter([address], now.getTime()),
  );
  if (wait > 0) {
    const minutes = Math.ceil(wait / 60_000);
    throw new HttpError(
      429,
      'too-many-attempts',
      `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      {
        'Retry-After': String(Math.ceil(wait / 1000)),
      },
    );
  }
  const user = await context.db
    .selectFrom('users')
    .select(['id', 'account_id', 'email', 'name', 'role', 'password_hash', 'disabled_at'])
    .where('email', '=', email)
    .executeTakeFirst();
  // Unknown emails cost the same time as wrong passwords, so neither is revealed.
  const valid = await verifyPassword(password, user?.password_hash ?? (await decoyHash()));
  if (user === undefined || !valid || user.disabled_at !== null) {
    byEmail.fail([email], now.getTime());
    byAddress.fail([address], now.getTime());
    throw new HttpError(401, 'invalid-credentials', 'That email and password do not match.');
  }
  byEmail.succeed([email]);
  sendJson(response, 200, {
    token: await createSession(context.db, user.id, now),
    user: {
      id: user.id,
      accountId: user.account_id,
      email: user.email,
      name: user.name,
      role: user.role,
    },
  });
}

/** The user behind `Authorization: Bearer <token>`, or a 401. */
export async function requireUser(
  context: ServerContext,
  request: IncomingMessage,
): Promise<SessionUser> {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/iu.exec(header);
  const user =
    match?.[1] === undefined ? null : await authenticate(context.db, match[1], context.now());
  if (user === null) {
    throw new HttpError(
      401,
      'unauthenticated',
      'Sign in first: send Authorization: Bearer <token> from POST /api/v1/login.',
      {
        'WWW-Authenticate': 'Bearer',
      },
    );
  }
  return user;
}

/**
 * The user behind the bearer token, who must have one of `roles`; anyone
 * else is a 403 that says who may (`what` ends "Only admins can …").
 */
export async function requireRole(
  context: ServerContext,
  request: IncomingMessage,
  roles: readonly SessionUser['role'][],
  what: string,
): Promise<SessionUser> {
  const user = await requireUser(context, request);
  if (!roles.includes(user.role)) {
    const who = roles.includes('supervisor') ? 'supervisors and admins' : 'admins';
    throw new HttpError(403, 'not-allowed', `Only ${who} can ${what}.`);
  }
  return user;
}
