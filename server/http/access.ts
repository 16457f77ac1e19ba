/**
 * Who can reach the account, for admins: a person's sessions (GET
 * /api/v1/users/:userId/sessions) and the account's API keys (GET
 * /api/v1/api-keys). Ending a session and creating or revoking a key are
 * commands (session.end, apiKey.create, apiKey.revoke), from the desktop
 * or POST /api/v1/commands/<type>.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiKeySchema, SessionSchema } from '../../shared/protocol/access';
import { listApiKeys } from '../auth/apiKeys';
import { listSessions } from '../auth/sessions';
import { userOf, withRole } from './auth';
import { ErrorBodySchema, HttpError } from './errors';
import type { AreaOptions } from './types';

const UserParamsSchema = z.object({ userId: z.string().min(1).max(200) });

export const accessArea: FastifyPluginAsyncZod<AreaOptions> = (app, { context }) => {
  app.get(
    '/api/v1/users/:userId/sessions',
    {
      onRequest: withRole(context, ['admin'], 'see people’s sessions'),
      schema: {
        summary: 'A person’s sessions that still stand, most recently used first (admins).',
        params: UserParamsSchema,
        response: {
          200: z.object({ sessions: z.array(SessionSchema) }),
          404: ErrorBodySchema,
        },
      },
    },
    async (request) => {
      const admin = userOf(request);
      const person = await context.db
        .selectFrom('users')
        .select('id')
        .where('id', '=', request.params.userId)
        .where('account_id', '=', admin.accountId)
        .executeTakeFirst();
      if (person === undefined) {
        throw new HttpError(404, 'not-found', 'There is no such person in this account.');
      }
      return { sessions: await listSessions(context.db, person.id, context.now()) };
    },
  );

  app.get(
    '/api/v1/api-keys',
    {
      onRequest: withRole(context, ['admin'], 'see the account’s API keys'),
      schema: {
        summary: 'The account’s API keys, newest first, revoked ones included (admins).',
        response: { 200: z.object({ apiKeys: z.array(ApiKeySchema) }) },
      },
    },
    async (request) => ({ apiKeys: await listApiKeys(context.db, userOf(request).accountId) }),
  );
  return Promise.resolve();
};
