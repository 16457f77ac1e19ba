/**
 * The phone simulator (CARRIER=simulator): its page and script, a simulated
 * phone's thread, and the inbound route its customers text through.
 */
import rateLimit from '@fastify/rate-limit';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { normalizePhone } from '../../shared/phone';
import { MAX_MEDIA_PER_MESSAGE, type MediaSnapshot } from '../../shared/protocol/media';
import { ok } from '../../shared/result';
import type { PhoneSimulator, SimulatedMedia } from '../carriers/simulator';
import type { Ingested } from '../domain/ingest';
import { HttpError } from './errors';
import { acceptInbound, sendRepliesOf, type InboundFile } from './inbound';
import { BODY_LIMITS, MINUTE_MS, requestsLimited } from './limits';
import { sendPage } from './pages';
import { SIMULATOR_PAGE, SIMULATOR_SCRIPT } from './simulatorPage';
import type { AreaOptions } from './types';

export interface SimulatorOptions extends AreaOptions {
  readonly simulator: PhoneSimulator;
  /** Requests a minute per address on the inbound route (WEBHOOK_RATE_LIMIT); 0: no limit. */
  readonly inboundPerMinute: number;
}

const ID_RULE = 'must be 1 to 64 characters, each a letter, digit, underscore or hyphen.';

const InboundSchema = z.strictObject({
  from: z.string().min(1, 'from is required.').max(40),
  to: z.string().max(40).optional(),
  body: z.string().max(1600, 'A text can be at most 1600 characters.'),
  id: z
    .string(ID_RULE)
    .regex(/^[A-Za-z0-9_-]{1,64}$/u, ID_RULE)
    .optional(),
  /** Pictures and files the simulated phone sends with the text (an MMS), base64. */
  media: z
    .array(
      z.strictObject({
        filename: z.string().max(255).optional(),
        type: z.string().max(200).optional(),
        data: z.base64('media data must be base64.').min(1, 'A file is empty.'),
      }),
    )
    .max(MAX_MEDIA_PER_MESSAGE, `A text can carry at most ${String(MAX_MEDIA_PER_MESSAGE)} files.`)
    .optional(),
});

const PAGE_CSP =
  "default-src 'none'; script-src 'self'; img-src 'self'; media-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const AnswerSchema = z.object({
  messageId: z.string(),
  conversationId: z.string(),
  contactId: z.string(),
  duplicate: z.boolean(),
  intent: z.string().nullable(),
  queuedReplies: z.number(),
});

const answerOf = (ingested: Ingested): z.infer<typeof AnswerSchema> => ({
  messageId: ingested.messageId,
  conversationId: ingested.conversationId,
  contactId: ingested.contactId,
  duplicate: ingested.duplicate,
  intent: ingested.intent?.kind ?? null,
  queuedReplies: ingested.queued.length,
});

const pathOf = (url: string): string => {
  const parsed = new URL(url, 'http://localhost');
  return `${parsed.pathname}${parsed.search}`;
};

/** The files of a stored text, at addresses the simulator page can show them by for a day. */
async function sentMedia(
  context: SimulatorOptions['context'],
  messageId: string,
): Promise<SimulatedMedia[]> {
  const { media } = context;
  if (media === undefined) return [];
  const row = await context.db
    .selectFrom('messages')
    .select('media')
    .where('id', '=', messageId)
    .executeTakeFirst();
  if (row?.media == null) return [];
  return (JSON.parse(row.media) as MediaSnapshot[]).map((item) => ({
    url: media.signedUrl(item.id, item.hasPreview ? 'preview' : 'original', 24 * 60 * 60),
    type: item.type,
    filename: item.filename,
  }));
}

export const simulatorArea: FastifyPluginAsyncZod<SimulatorOptions> = async (
  app,
  { context, simulator, inboundPerMinute },
) => {
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, limit) => requestsLimited(limit.ttl),
  });

  app.get('/simulator', (_request, reply) =>
    sendPage(reply, 200, 'text/html; charset=utf-8', SIMULATOR_PAGE, PAGE_CSP),
  );
  app.get('/simulator/app.js', (_request, reply) =>
    sendPage(reply, 200, 'text/javascript; charset=utf-8', SIMULATOR_SCRIPT, PAGE_CSP),
  );

  /** GET /simulator/messages?phone=…: a simulated phone's thread with the business. */
  app.get(
    '/simulator/messages',
    { schema: { querystring: z.object({ phone: z.string().default('') }) } },
    (request) => {
      const number = normalizePhone(request.query.phone, context.defaultCountry);
      if (!number.ok) throw new HttpError(422, 'invalid-number', number.error.message);
      // The page shows files by this server's own paths, whatever PUBLIC_URL says.
      const texts = simulator.thread(number.value).map((text) => ({
        ...text,
        media: text.media.map((file) => ({ ...file, url: pathOf(file.url) })),
      }));
      return Promise.resolve({ phone: number.value, texts });
    },
  );

  /**
   * POST /simulator/inbound {from, to?, body, id?}: a simulated customer texts
   * the business. Answered once the text is stored, so the caller can read the
   * result at once; trigger replies follow through the simulated network.
   *
   * `id` is the simulated network's id for the text. A real carrier retries its
   * webhook until it is acknowledged, with the same id each time; posting the
   * same id again plays such a retry. It is answered with the stored text's ids
   * and `duplicate: true`, and stores, sends and records nothing again: the
   * first delivery's text stands. Without `id` every post is a new text.
   */
  app.post(
    '/simulator/inbound',
    {
      // Room for a phone's pictures, base64.
      bodyLimit: BODY_LIMITS.simulatorMms,
      config: {
        ingest: 'simulator',
        rateLimit:
          inboundPerMinute === 0 ? false : { max: inboundPerMinute, timeWindow: MINUTE_MS },
      },
      schema: { body: InboundSchema, response: { 200: AnswerSchema } },
    },
    async (request, reply) => {
      const input = request.body;
      // Namespaced so a chosen id can never match one the server made up.
      const carrierId =
        input.id === undefined ? `SIMIN${randomUUID().replaceAll('-', '')}` : `SIM-${input.id}`;
      const files = (input.media ?? []).map(
        (file): InboundFile =>
          () =>
            Promise.resolve(
              ok({
                body: Readable.from([Buffer.from(file.data, 'base64')]),
                claimedType: file.type,
                filename: file.filename,
              }),
            ),
      );
      const ingested = await acceptInbound(
        context,
        { from: input.from, to: input.to, body: input.body, carrierId },
        files,
        { source: 'simulator', log: request.log },
      );
      if (ingested.duplicate) return answerOf(ingested);
      const from = normalizePhone(input.from, context.defaultCountry);
      simulator.recordSent({
        carrierId,
        from: from.ok ? from.value : input.from,
        to: input.to ?? '',
        body: input.body,
        media: await sentMedia(context, ingested.messageId),
      });
      // Answered first; trigger replies follow through the simulated network.
      void reply.send(answerOf(ingested));
      sendRepliesOf(context, ingested, request.log);
      return reply;
    },
  );
};
