/**
 * Pictures and files: uploading one (to send it with a text), asking for the
 * signed addresses of one, and the signed addresses themselves, which the
 * desktops and the carrier fetch bytes from without signing in.
 */
import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  MAX_MEDIA_BYTES,
  MEDIA_VARIANTS,
  MediaSchema,
  type MediaSnapshot,
} from '../../shared/protocol/media';
import type { MediaError, MediaService } from '../media/types';
import { signedIn, userOf } from './auth';
import { HttpError } from './errors';
import type { AreaOptions } from './types';

/** How long the addresses GET /api/v1/media/:id gives out last. */
export const MEDIA_URL_TTL_SECONDS = 5 * 60;

const STATUS_OF: Readonly<Record<MediaError['code'], number>> = {
  'too-large': 413,
  empty: 400,
  unreachable: 422,
  'forbidden-host': 422,
  'not-found': 404,
  'too-many': 422,
  unsupported: 422,
  'invalid-input': 422,
};

/** A media service refusal as the HTTP error it is. */
export const mediaRefused = (error: MediaError): HttpError =>
  new HttpError(STATUS_OF[error.code], error.code, error.message);

const TOO_LARGE = mediaRefused({
  code: 'too-large',
  message: `Files can be at most ${String(MAX_MEDIA_BYTES / (1024 * 1024))} MB.`,
});

const MediaIdParams = z.object({ id: z.string().min(1).max(100) });

const MediaLinksSchema = z.object({
  media: MediaSchema,
  urls: z.object({
    original: z.string().nullable(),
    preview: z.string().nullable(),
    thumbnail: z.string().nullable(),
  }),
  expiresAt: z.string(),
});

/** The signed addresses of a file's variants; none for expired media, no preview for non-pictures. */
function linksOf(media: MediaService, snapshot: MediaSnapshot, now: Date) {
  const url = (variant: (typeof MEDIA_VARIANTS)[number]): string | null =>
    snapshot.expired || (variant !== 'original' && !snapshot.hasPreview)
      ? null
      : media.signedUrl(snapshot.id, variant, MEDIA_URL_TTL_SECONDS);
  return {
    media: snapshot,
    urls: { original: url('original'), preview: url('preview'), thumbnail: url('thumbnail') },
    expiresAt: new Date(now.getTime() + MEDIA_URL_TTL_SECONDS * 1000).toISOString(),
  };
}

/** `filename*` of Content-Disposition, for any name (RFC 6266 / 8187), plus an ASCII fallback. */
function disposition(kind: 'inline' | 'attachment', filename: string | null): string {
  if (filename === null) return kind;
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/gu, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export const mediaArea: FastifyPluginAsyncZod<AreaOptions> = (app, { context }) => {
  const { media } = context;
  if (media === undefined) return Promise.resolve();

  // Uploads are the file's own bytes, whatever their type: handed over as the stream.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => {
    done(null, payload);
  });

  app.post(
    '/api/v1/media',
    {
      onRequest: [
        signedIn(context),
        async (request) => {
          const length = Number(request.headers['content-length'] ?? '0');
          if (length > MAX_MEDIA_BYTES) throw TOO_LARGE;
          return Promise.resolve();
        },
      ],
      // The media service counts the bytes and stops at MAX_MEDIA_BYTES itself.
      bodyLimit: MAX_MEDIA_BYTES + 1024,
      schema: {
        summary: 'Upload a picture or file to send with a text',
        description:
          'The body is the file itself, with its Content-Type. The type is then decided by ' +
          'the bytes, not by the header. Send the returned id in POST /api/v1/messages mediaIds.',
        querystring: z.object({ filename: z.string().max(255).optional() }),
        response: { 201: z.object({ media: MediaSchema }) },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      const body = request.body as Readable | undefined;
      if (body === undefined) {
        throw new HttpError(400, 'empty', 'Send the file as the request body.');
      }
      const stored = await media.ingest({
        accountId: user.accountId,
        source: 'upload',
        body,
        filename: request.query.filename,
        claimedType: request.headers['content-type'],
        createdBy: user.apiKey === undefined ? user.id : `key:${user.apiKey.id}`,
      });
      if (!stored.ok) throw mediaRefused(stored.error);
      return reply.code(201).send({ media: stored.value });
    },
  );

  app.get(
    '/api/v1/media/:id',
    {
      onRequest: signedIn(context),
      schema: {
        summary: "A file's record and short-lived addresses to fetch it by",
        params: MediaIdParams,
        response: { 200: MediaLinksSchema },
      },
    },
    async (request) => {
      const found = await media.find(userOf(request).accountId, request.params.id);
      if (found === null) {
        throw new HttpError(404, 'not-found', 'There is no such file in this account.');
      }
      return linksOf(media, found, context.now());
    },
  );

  app.get(
    '/media/:id/:variant',
    {
      schema: {
        summary: 'The bytes of a file, by a signed address',
        description:
          'Addresses come from GET /api/v1/media/:id (and go to the carrier with an MMS); ' +
          'they expire. Files that are not pictures, audio or video come as downloads.',
        params: MediaIdParams.extend({ variant: z.enum(MEDIA_VARIANTS) }),
        querystring: z.object({
          expires: z.string().max(20).optional(),
          signature: z.string().max(100).optional(),
        }),
      },
    },
    async (request, reply) => {
      const { id, variant } = request.params;
      const opened = await media.openSigned(id, variant, request.query, context.now());
      if (opened === null) {
        throw new HttpError(
          403,
          'not-allowed',
          'This address is not valid, has expired or its file is no longer kept. Ask for a new one.',
        );
      }
      return reply
        .header('Content-Type', opened.type)
        .header('Content-Length', String(opened.size))
        .header('X-Content-Type-Options', 'nosniff')
        .header('Cache-Control', 'private, max-age=300')
        .header(
          'Content-Disposition',
          disposition(opened.attachment ? 'attachment' : 'inline', opened.filename),
        )
        .send(opened.body);
    },
  );
  return Promise.resolve();
};
