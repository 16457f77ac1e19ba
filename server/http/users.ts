/** POST /api/v1/users: admins add people to their account. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MIN_PASSWORD_LENGTH } from '../../shared/protocol/commands';
import { runCommand } from '../domain/commands';
import { userOf, withRole } from './auth';
import { refused } from './commandAnswers';
import { BODY_LIMITS } from './limits';
import type { AreaOptions } from './types';

const NewUserSchema = z.strictObject({
  email: z.email('email must be an email address.').max(320),
  password: z
    .string()
    .min(
      MIN_PASSWORD_LENGTH,
      `A password needs at least ${String(MIN_PASSWORD_LENGTH)} characters.`,
    )
    .max(1024),
  role: z.enum(['agent', 'supervisor', 'admin'], {
    error: 'role is agent, supervisor or admin.',
  }),
  name: z.string().trim().max(200).optional(),
});

const NewUserAnswerSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(['agent', 'supervisor', 'admin']),
});

/**
 * {email, password, role, name?} → 201 {id, email, name, role}: the same
 * command as the desktop's Users screen (user.create).
 */
export const usersArea: FastifyPluginAsyncZod<AreaOptions> = (app, { context }) => {
  app.post(
    '/api/v1/users',
    {
      onRequest: withRole(context, ['admin'], 'add people'),
      bodyLimit: BODY_LIMITS.small,
      schema: { body: NewUserSchema, response: { 201: NewUserAnswerSchema } },
    },
    async (request, reply) => {
      const input = request.body;
      const run = await runCommand(
        context,
        userOf(request),
        null,
        {
          type: 'user.create',
          email: input.email,
          password: input.password,
          role: input.role,
          ...(input.name !== undefined && { name: input.name }),
        },
        'api',
      );
      if (!run.result.ok) throw refused(run.result.error);
      const { id, email, name, role } = run.result.value.user;
      return reply.code(201).send({ id, email, name, role });
    },
  );
  return Promise.resolve();
};
