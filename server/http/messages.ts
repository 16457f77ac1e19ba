/** POST /api/v1/messages: text a number, now or later, through the send gate. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CommandValueSchemas,
  MAX_TEXT_LENGTH,
  MediaIdsSchema,
} from '../../shared/protocol/commands';
import { runCommand } from '../domain/commands';
import { signedIn, userOf } from './auth';
import { keyFrom, refused } from './commandAnswers';
import type { AreaOptions } from './types';

const SendSchema = z
  .strictObject({
    to: z.string({ error: 'to is required: the number to text.' }).min(1).max(40),
    body: z
      .string()
      .max(MAX_TEXT_LENGTH, `A text can be at most ${String(MAX_TEXT_LENGTH)} characters.`)
      .default(''),
    /** Files uploaded with POST /api/v1/media, in the order the recipient sees them: an MMS. */
    mediaIds: MediaIdsSchema.optional(),
    idempotencyKey: z.string().optional(),
    /** Send later: a scheduled text, which also waits for the recipient's quiet hours. */
    sendAt: z.iso
      .datetime({
        offset: true,
        error: 'sendAt must be a date and time such as 2026-11-24T15:00:00Z.',
      })
      .optional(),
  })
  .refine(
    (input) => input.body.trim() !== '' || (input.mediaIds?.length ?? 0) > 0,
    'body is empty: write a text, or attach files with mediaIds.',
  );

/** {to, body, mediaIds?, idempotencyKey?, sendAt?} → 201 with the queued (or scheduled) message. */
export const messagesArea: FastifyPluginAsyncZod<AreaOptions> = (app, { context }) => {
  app.post(
    '/api/v1/messages',
    {
      onRequest: signedIn(context),
      schema: { body: SendSchema, response: { 201: CommandValueSchemas['message.send'] } },
    },
    async (request, reply) => {
      const input = request.body;
      const run = await runCommand(
        context,
        userOf(request),
        keyFrom(request, input.idempotencyKey),
        {
          type: 'message.send',
          to: input.to,
          body: input.body,
          ...(input.mediaIds !== undefined && { mediaIds: input.mediaIds }),
          ...(input.sendAt !== undefined && { sendAt: input.sendAt }),
        },
        'api',
      );
      if (!run.result.ok) throw refused(run.result.error);
      // The request is answered already when the carrier fails; the text shows as failed.
      run.sending.catch((error: unknown) => {
        request.log.error({ err: error }, 'sending a queued text failed');
      });
      return reply
        .code(201)
        .header('Idempotent-Replayed', String(run.replayed))
        .send(run.result.value);
    },
  );
  return Promise.resolve();
};
