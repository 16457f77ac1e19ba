import type { Readable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import type { MediaSnapshot } from '../../shared/protocol/media';
import type { Result } from '../../shared/result';
import type { ServerContext } from '../domain/context';
import { inboundTarget, ingestInbound, type InboundText, type Ingested } from '../domain/ingest';
import { sendQueued } from '../domain/outbound';
import type { MediaError, MediaSource } from '../media/types';
import { HttpError } from './errors';

/** One file of an inbound MMS, fetched only when the text is new. */
export type InboundFile = () => Promise<
  Result<
    {
      readonly body: Readable;
      readonly claimedType?: string | undefined;
      readonly filename?: string | undefined;
    },
    MediaError
  >
>;

/**
 * The files of a new text, into the media store, in order. A file that
 * cannot be fetched or kept is counted, not fatal: the text and the other
 * files are stored, and the thread says one is missing.
 */
async function fetchFiles(
  context: ServerContext,
  text: InboundText,
  files: readonly InboundFile[],
  source: MediaSource,
  log: FastifyBaseLogger | undefined,
): Promise<{ media: MediaSnapshot[]; missing: number } | null> {
  const { media } = context;
  if (files.length === 0 || media === undefined) return null;
  const target = await inboundTarget(context.db, text, context.defaultCountry);
  // An unknown number is refused below; a retry's files were fetched the first time.
  if (target === null || target.duplicate) return null;
  // All at once: a carrier waits for the answer (Twilio about 15 seconds) and retries after.
  const results = await Promise.all(
    files.map(async (file) => {
      const fetched = await file();
      return fetched.ok
        ? media.ingest({ accountId: target.accountId, source, ...fetched.value })
        : fetched;
    }),
  );
  const kept: MediaSnapshot[] = [];
  let missing = 0;
  for (const stored of results) {
    if (stored.ok) {
      kept.push(stored.value);
    } else {
      missing += 1;
      log?.warn(
        { carrierId: text.carrierId, reason: stored.error },
        'an inbound file was not kept',
      );
    }
  }
  return { media: kept, missing };
}

/**
 * What every carrier's inbound webhook does before it answers: fetches and
 * keeps the text's files (once: a retried webhook's are not fetched again),
 * stores the text, publishes its changes, and turns a text the server
 * cannot take into a 4xx (404 for a number no account has, 422 for the rest).
 */
export async function acceptInbound(
  context: ServerContext,
  text: InboundText,
  files: readonly InboundFile[] = [],
  options: { readonly source?: MediaSource; readonly log?: FastifyBaseLogger } = {},
): Promise<Ingested> {
  const fetched = await fetchFiles(context, text, files, options.source ?? 'carrier', options.log);
  const result = await ingestInbound(
    context.db,
    fetched === null ? text : { ...text, media: fetched.media, missingMedia: fetched.missing },
    { defaultCountry: context.defaultCountry, now: context.now() },
  );
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
