import type { FastifyBaseLogger } from 'fastify';
import type { ServerContext } from '../domain/context';
import { ingestInbound, type InboundText, type Ingested } from '../domain/ingest';
import { sendQueued } from '../domain/outbound';
import { HttpError } from './errors';

/**
 * What every carrier's inbound webhook does before it answers: stores the
 * text, publishes its changes, and turns a text the server cannot take into
 * a 4xx (404 for a number no account has, 422 for the rest).
 */
export async function acceptInbound(context: ServerContext, text: InboundText): Promise<Ingested> {
  const result = await ingestInbound(context.db, text, {
    defaultCountry: context.defaultCountry,
    now: context.now(),
  });
  if (!result.ok) {
    throw new HttpError(
      result.error.code === 'unknown-business-number' ? 404 : 422,
      result.error.code,
      result.error.message,
    );
  }
  context.publish(result.value.accountId, result.value.changes);
  return result.value;
}

/** Sends the trigger replies a new text queued, once the carrier has its answer. */
export function sendRepliesOf(
  context: ServerContext,
  ingested: Ingested,
  log: FastifyBaseLogger,
): void {
  if (ingested.duplicate || ingested.queued.length === 0) return;
  sendQueued(context, ingested.queued).catch((error: unknown) => {
    log.error({ err: error }, 'sending trigger replies failed');
  });
}
