/**
 * POST /api/v1/commands/<type>: every command the desktop app can send,
 * one route each, made from the command's own schema — so a command added
 * to shared/protocol/commands.ts is reachable over REST, validated and
 * documented, with nothing written here. The same rules as the desktop:
 * who may run it (COMMAND_ROLES), the send gate, and idempotency keys
 * (the Idempotency-Key header: a retry answers the first result again).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  COMMAND_LABELS,
  COMMAND_ROLES,
  CommandSchema,
  CommandValueSchemas,
  type Command,
  type CommandType,
} from '../../shared/protocol/commands';
import { runCommand } from '../domain/commands';
import { signedIn, userOf } from './auth';
import { keyFrom, refused } from './commandAnswers';
import { ErrorBodySchema } from './errors';
import { BODY_LIMITS } from './limits';
import type { AreaOptions } from './types';

/** The address of a command's route. */
export const commandPath = (type: CommandType): string => `/api/v1/commands/${type}`;

const HeadersSchema = z.object({
  'idempotency-key': z
    .string()
    .optional()
    .describe(
      'Makes a retry safe: the same key with the same command answers the first result again (Idempotent-Replayed: true) and runs nothing twice. 8–128 letters, digits, "-" or "_".',
    ),
});

const errors = {
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  404: ErrorBodySchema,
  409: ErrorBodySchema,
  422: ErrorBodySchema,
};

/** Who may run a command, as the docs say it. */
function whoMay(type: CommandType): string {
  const roles = COMMAND_ROLES[type];
  if (roles.includes('agent')) return 'Anyone signed in may run it.';
  if (roles.includes('supervisor')) return 'Supervisors and admins only.';
  return 'Admins only.';
}

export const commandsArea: FastifyPluginAsyncZod<AreaOptions> = (app, { context }) => {
  for (const option of CommandSchema.options as readonly z.ZodObject[]) {
    const literal = option.shape.type as z.ZodLiteral<CommandType>;
    const type = literal.value;
    // The type is the address's; the body may repeat it, and may not name another.
    const body = option.safeExtend({ type: literal.optional() });
    app.post(
      commandPath(type),
      {
        onRequest: signedIn(context),
        bodyLimit: type === 'contacts.import' ? BODY_LIMITS.import : BODY_LIMITS.default,
        schema: {
          tags: ['commands'],
          operationId: type,
          summary: `${COMMAND_LABELS[type].charAt(0).toUpperCase()}${COMMAND_LABELS[type].slice(1)}.`,
          description: whoMay(type),
          headers: HeadersSchema,
          body,
          response: { 200: CommandValueSchemas[type], ...errors },
        },
      },
      async (request, reply) => {
        const command = { ...(request.body as object), type } as Command;
        const run = await runCommand(context, userOf(request), keyFrom(request), command, 'api');
        if (!run.result.ok) throw refused(run.result.error);
        // Answered once stored; a carrier failing later shows on the text as failed.
        run.sending.catch((error: unknown) => {
          request.log.error({ err: error }, `sending the texts of ${type} failed`);
        });
        return reply.header('Idempotent-Replayed', String(run.replayed)).send(run.result.value);
      },
    );
  }
  return Promise.resolve();
};
