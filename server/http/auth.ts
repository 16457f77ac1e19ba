/**
 * Signing in (POST /api/v1/login), refreshing the token (POST
 * /api/v1/refresh) and signing out (POST /api/v1/logout), and the hooks
 * that let a route through only with a signed-in person (of the right
 * role) or an integration's API key (within its scope). Failed sign-ins
 * are limited per email and per client address with @fastify/rate-limit,
 * over a store that counts failures only (./signInFailures).
 */
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { decoyHash, verifyPassword } from '../auth/passwords';
import { checkApiKey, isApiKey, keyScopeSentence } from '../auth/apiKeys';
import {
  checkToken,
  endSessions,
  refreshSession,
  startSession,
  type Device,
  type SessionUser,
} from '../auth/sessions';
import type { ServerContext } from '../domain/context';
import { HttpError } from './errors';
import { BODY_LIMITS, SIGN_IN_LIMITS, signInLimited } from './limits';
import { FailedSignIns } from './signInFailures';
import type { AreaOptions } from './types';

const LoginSchema = z.strictObject({
  email: z.string().trim().toLowerCase().min(3).max(320),
  password: z.string().min(1).max(1024),
});
type Login = z.output<typeof LoginSchema>;

const TokenSchema = {
  token: z.string(),
  expiresAt: z.string().describe('When the token ends, used or not.'),
  refreshAfter: z.string().describe('From when to ask POST /api/v1/refresh for a fresh token.'),
};

const SignedInSchema = z.object({
  ...TokenSchema,
  user: z.object({
    id: z.string(),
    accountId: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(['agent', 'supervisor', 'admin']),
  }),
});

const unauthenticated = (message: string): HttpError =>
  new HttpError(401, 'unauthenticated', message, { 'WWW-Authenticate': 'Bearer' });

const SIGN_IN_FIRST = 'Sign in first: send Authorization: Bearer <token> from POST /api/v1/login.';

/** The token of `Authorization: Bearer <token>`, or null. */
function bearerToken(request: FastifyRequest): string | null {
  const match = /^Bearer\s+(\S+)$/iu.exec(request.headers.authorization ?? '');
  return match?.[1] ?? null;
}

/** Who signed the request: a session's person, or an API key acting for its creator; else a 401 saying why. */
async function bearerUser(context: ServerContext, request: FastifyRequest): Promise<SessionUser> {
  const token = bearerToken(request);
  if (token === null) throw unauthenticated(SIGN_IN_FIRST);
  if (isApiKey(token)) {
    const key = await checkApiKey(context.db, token, context.now());
    if (!key.ok) throw unauthenticated(key.error);
    return key.value;
  }
  const session = await checkToken(context.db, token, context.now());
  if (!session.ok) throw unauthenticated(session.error.message);
  return session.value;
}

/** Reading is every key's; changing things, only an admin key's (`anyKey`: or any key's, commands checking their own scope). */
function checkKeyScope(user: SessionUser, request: FastifyRequest, anyKey: boolean): void {
  const key = user.apiKey;
  if (key === undefined || request.method === 'GET' || key.scope === 'admin') return;
  if (anyKey && key.scope === 'send') return;
  throw new HttpError(
    403,
    'not-allowed',
    `${keyScopeSentence(key)} It cannot make ${request.method} requests here.`,
  );
}

/** Where a session is signed in from, for the admins' list: the User-Agent header and the address. */
const deviceOf = (request: FastifyRequest): Device => ({
  userAgent: request.headers['user-agent'],
  address: request.ip,
});

/**
 * An onRequest hook: the route is for signed-in people. Runs before the
 * body is read, so a stranger learns nothing about what the route accepts.
 */
export const signedIn =
  (context: ServerContext): onRequestAsyncHookHandler =>
  async (request) => {
    const user = await bearerUser(context, request);
    request.user = user;
    // A send key reaches commands, which hold it to texts and notes (keyCommandRefusal).
    checkKeyScope(user, request, true);
  };

/**
 * An onRequest hook: the route is for people with one of `roles`; anyone
 * else is a 403 that says who may (`what` completes "Only admins can …").
 */
export const withRole =
  (
    context: ServerContext,
    roles: readonly SessionUser['role'][],
    what: string,
  ): onRequestAsyncHookHandler =>
  async (request) => {
    const user = await bearerUser(context, request);
    request.user = user;
    checkKeyScope(user, request, false);
    if (!roles.includes(user.role)) {
      const who = roles.includes('supervisor') ? 'supervisors and admins' : 'admins';
      throw new HttpError(403, 'not-allowed', `Only ${who} can ${what}.`);
    }
  };

/** The person a `signedIn`/`withRole` hook let through. */
export function userOf(request: FastifyRequest): SessionUser {
  if (request.user === null)
    throw new Error(`${request.method} ${request.routeOptions.url ?? ''} has no sign-in hook.`);
  return request.user;
}

/** POST /api/v1/login {email, password} → {token, user}. */
export const authArea: FastifyPluginAsyncZod<AreaOptions> = async (app, { context }) => {
  const failures = new FailedSignIns(() => context.now().getTime());
  await app.register(rateLimit, { global: false, store: failures.Store });
  const emailKey = (request: FastifyRequest) => `email:${(request.body as Login).email}`;
  const byEmail = app.createRateLimit({
    max: SIGN_IN_LIMITS.perEmail,
    timeWindow: SIGN_IN_LIMITS.windowMs,
    keyGenerator: emailKey,
  });
  // request.ip follows TRUST_PROXY; an IPv6 client is its /64, as every other limit counts it.
  const byAddress = app.createRateLimit({
    max: SIGN_IN_LIMITS.perAddress,
    timeWindow: SIGN_IN_LIMITS.windowMs,
    keyGenerator: (request) => `address:${normalizeIP(request.ip)}`,
  });
  /** Milliseconds until this request's email and address may try again; 0 when they may now. */
  const waitFor = async (request: FastifyRequest): Promise<number> => {
    const limits = await Promise.all([
      byEmail(request, { increment: false }),
      byAddress(request, { increment: false }),
    ]);
    return Math.max(
      ...limits.map((limit) => (!limit.isAllowed && limit.remaining === 0 ? limit.ttl : 0)),
    );
  };

  app.post(
    '/api/v1/login',
    {
      bodyLimit: BODY_LIMITS.small,
      schema: { body: LoginSchema, response: { 200: SignedInSchema } },
    },
    async (request) => {
      const { email, password } = request.body;
      const wait = await waitFor(request);
      if (wait > 0) throw signInLimited(wait);
      const user = await context.db
        .selectFrom('users')
        .select(['id', 'account_id', 'email', 'name', 'role', 'password_hash', 'disabled_at'])
        .where('email', '=', email)
        .executeTakeFirst();
      // Unknown emails cost the same time as wrong passwords, so neither is revealed.
      const valid = await verifyPassword(password, user?.password_hash ?? (await decoyHash()));
      if (user === undefined || !valid || user.disabled_at !== null) {
        await Promise.all([byEmail(request), byAddress(request)]);
        throw new HttpError(401, 'invalid-credentials', 'That email and password do not match.');
      }
      failures.clear(emailKey(request));
      const issued = await startSession(context.db, user.id, context.now(), deviceOf(request));
      return {
        token: issued.token,
        expiresAt: issued.expiresAt,
        refreshAfter: issued.refreshAfter,
        user: {
          id: user.id,
          accountId: user.account_id,
          email: user.email,
          name: user.name,
          role: user.role,
        },
      };
    },
  );

  /**
   * POST /api/v1/refresh with the session's token → a fresh token for the
   * same session, for another TOKEN_DAYS. The old token works for an hour
   * more (a lost answer can be retried), then only the new one does.
   */
  app.post(
    '/api/v1/refresh',
    { schema: { response: { 200: z.object(TokenSchema) } } },
    async (request) => {
      const token = bearerToken(request);
      if (token === null) throw unauthenticated(SIGN_IN_FIRST);
      if (isApiKey(token)) throw KEYS_DO_NOT_SIGN_IN;
      const fresh = await refreshSession(context.db, token, context.now(), deviceOf(request));
      if (!fresh.ok) throw unauthenticated(fresh.error.message);
      request.user = fresh.value.user;
      const { expiresAt, refreshAfter } = fresh.value;
      return { token: fresh.value.token, expiresAt, refreshAfter };
    },
  );

  /** POST /api/v1/logout: ends the session at once; its desktops are disconnected. → 204 */
  app.post('/api/v1/logout', { onRequest: signedIn(context) }, async (request, reply) => {
    const { sessionId } = userOf(request);
    if (sessionId === null) throw KEYS_DO_NOT_SIGN_IN;
    await endSessions(context.db, { sessionIds: [sessionId] }, 'signed-out', context.now());
    context.cutSessions?.({ sessionIds: [sessionId], userIds: [] });
    return reply.code(204).send();
  });
};

const KEYS_DO_NOT_SIGN_IN = new HttpError(
  400,
  'invalid-input',
  'An API key is not a session: it has nothing to refresh or sign out of. An admin revokes it (apiKey.revoke).',
);
