/**
 * Signing in (POST /api/v1/login) and the hooks that let a route through
 * only with a signed-in person (of the right role). Failed sign-ins are
 * limited per email and per client address with @fastify/rate-limit, over
 * a store that counts failures only (./signInFailures).
 */
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { decoyHash, verifyPassword } from '../auth/passwords';
import { authenticate, createSession, type SessionUser } from '../auth/sessions';
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

const SignedInSchema = z.object({
  token: z.string(),
  user: z.object({
    id: z.string(),
    accountId: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(['agent', 'supervisor', 'admin']),
  }),
});

/** The user behind `Authorization: Bearer <token>`, or a 401. */
async function bearerUser(context: ServerContext, request: FastifyRequest): Promise<SessionUser> {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/iu.exec(header);
  const user =
    match?.[1] === undefined ? null : await authenticate(context.db, match[1], context.now());
  if (user === null) {
    throw new HttpError(
      401,
      'unauthenticated',
      'Sign in first: send Authorization: Bearer <token> from POST /api/v1/login.',
      { 'WWW-Authenticate': 'Bearer' },
    );
  }
  return user;
}

/**
 * An onRequest hook: the route is for signed-in people. Runs before the
 * body is read, so a stranger learns nothing about what the route accepts.
 */
export const signedIn =
  (context: ServerContext): onRequestAsyncHookHandler =>
  async (request) => {
    request.user = await bearerUser(context, request);
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
      return {
        token: await createSession(context.db, user.id, context.now()),
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
};
