import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { normalizePhone } from '../../shared/phone';
import type { PhoneSimulator } from '../carriers/simulator';
import type { ServerContext } from '../domain/context';
import type { Ingested } from '../domain/ingest';
import { acceptInbound, sendRepliesOf } from './inbound';
import { HttpError, readJson, sendJson, sendPage } from './io';
import { SIMULATOR_PAGE, SIMULATOR_SCRIPT } from './simulatorPage';

const ID_RULE = 'must be 1 to 64 characters, each a letter, digit, underscore or hyphen.';

const InboundSchema = z.strictObject({
  from: z.string().min(1, 'from is required.').max(40),
  to: z.string().max(40).optional(),
  body: z.string().max(1600, 'A text can be at most 1600 characters.'),
  id: z
    .string(ID_RULE)
    .regex(/^[A-Za-z0-9_-]{1,64}$/u, ID_RULE)
    .optional(),
});

const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

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
export async function simulatorInbound(
  context: ServerContext,
  simulator: PhoneSimulator,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const input = await readJson(request, InboundSchema);
  // Namespaced so a chosen id can never match one the server made up.
  const carrierId =
    input.id === undefined ? `SIMIN${randomUUID().replaceAll('-', '')}` : `SIM-${input.id}`;
  const ingested = await acceptInbound(context, {
    from: input.from,
    to: input.to,
    body: input.body,
    carrierId,
  });
  if (ingested.duplicate) {
    sendJson(response, 200, answerOf(ingested));
    return;
  }
  const from = normalizePhone(input.from, context.defaultCountry);
  simulator.recordSent({
    carrierId,
    from: from.ok ? from.value : input.from,
    to: input.to ?? '',
    body: input.body,
  });
  sendJson(response, 200, answerOf(ingested));
  sendRepliesOf(context, ingested);
}

function answerOf(ingested: Ingested) {
  return {
    messageId: ingested.messageId,
    conversationId: ingested.conversationId,
    contactId: ingested.contactId,
    duplicate: ingested.duplicate,
    intent: ingested.intent?.kind ?? null,
    queuedReplies: ingested.queued.length,
  };
}

/** GET /simulator/messages?phone=…: a simulated phone's thread with the business. */
export function simulatorThread(
  context: ServerContext,
  simulator: PhoneSimulator,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const phone = new URL(request.url ?? '/', 'http://localhost').searchParams.get('phone') ?? '';
  const number = normalizePhone(phone, context.defaultCountry);
  if (!number.ok) throw new HttpError(422, 'invalid-number', number.error.message);
  sendJson(response, 200, { phone: number.value, texts: simulator.thread(number.value) });
  return Promise.resolve();
}

export function simulatorPage(_request: IncomingMessage, response: ServerResponse): Promise<void> {
  sendPage(response, 200, 'text/html; charset=utf-8', SIMULATOR_PAGE, PAGE_CSP);
  return Promise.resolve();
}

export function simulatorScript(
  _request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  sendPage(response, 200, 'text/javascript; charset=utf-8', SIMULATOR_SCRIPT, PAGE_CSP);
  return Promise.resolve();
}
