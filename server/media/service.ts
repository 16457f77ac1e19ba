import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Kysely, Transaction } from 'kysely';
import {
  MAX_MEDIA_BYTES,
  mediaKindOf,
  type MediaLimits,
  type MediaSnapshot,
  type MediaVariant,
} from '../../shared/protocol/media';
import { fail, ok, type Result } from '../../shared/result';
import type { Database } from '../db/schema';
import {
  cleanFilename,
  ensureBlob,
  insertMedia,
  keyOf,
  mediaSnapshot,
  plainType,
  selectMedia,
  type StoredFile,
} from './records';
import { prepareForSending } from './sending';
import { isValidSignature, signedPath } from './signing';
import { sweepMedia } from './sweep';
import type {
  BlobStore,
  IncomingFile,
  MediaDownload,
  MediaError,
  MediaService,
  Shrunk,
  SweepResult,
} from './types';

export interface MediaServiceOptions {
  readonly db: Kysely<Database>;
  readonly store: BlobStore;
  /** Signs media addresses; at least 32 bytes. */
  readonly secret: Buffer;
  /** PUBLIC_URL (known once the server listens when unset): signed addresses are under it. */
  readonly publicUrl: () => string;
  /** Where incoming files are written while they are hashed and sniffed. */
  readonly tempDir: string;
  readonly now?: () => Date;
}

/** Past this a stream over MAX_MEDIA_BYTES is no longer read to its end, but cut. */
const DRAIN_LIMIT = 2 * MAX_MEDIA_BYTES;

/** How long a desktop's signed address lasts unless told. */
const DEFAULT_TTL_SECONDS = 5 * 60;

/**
 * Reads a stream to `path`, hashing and counting as it goes. Past
 * MAX_MEDIA_BYTES nothing more is written, but the stream is read on (to
 * twice that, then cut), so an upload can still be answered "too large".
 */
async function receive(
  body: NodeJS.ReadableStream,
  path: string,
): Promise<Result<{ sha256: string; size: number }, MediaError>> {
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      // Read on a little so the sender can be answered "too large"; a body that never ends is cut.
      if (size > DRAIN_LIMIT) {
        done(new Error('too large'));
        return;
      }
      if (size > MAX_MEDIA_BYTES) {
        done();
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(body, meter, createWriteStream(path));
  } catch (error) {
    if (size > MAX_MEDIA_BYTES) {
      return fail({ code: 'too-large', message: 'Files can be at most 25 MB.' });
    }
    return fail({
      code: 'unreachable',
      message: `The file could not be read to its end (${error instanceof Error ? error.message : String(error)}).`,
    });
  }
  if (size > MAX_MEDIA_BYTES) {
    return fail({ code: 'too-large', message: 'Files can be at most 25 MB.' });
  }
  if (size === 0) return fail({ code: 'empty', message: 'The file is empty.' });
  return ok({ sha256: hash.digest('hex'), size });
}

export function createMediaService(options: MediaServiceOptions): MediaService {
  const { db, store, secret } = options;
  const now = options.now ?? (() => new Date());

  /** Runs `work` with a fresh folder for its files, removed afterwards whatever happens. */
  async function inWorkDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
    await mkdir(options.tempDir, { recursive: true });
    const dir = await mkdtemp(join(options.tempDir, 'media-'));
    try {
      return await work(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  const service: MediaService = {
    store,

    ingest: (file: IncomingFile) =>
      inWorkDir(async (workDir) => {
        const path = join(workDir, 'original');
        const received = await receive(file.body, path);
        if (!received.ok) return received;
        const stored: StoredFile = { path, workDir, ...received.value };
        const at = now();
        const blob = await ensureBlob(db, store, stored, at);
        return ok(
          await insertMedia(
            db,
            blob,
            {
              accountId: file.accountId,
              source: file.source,
              filename: cleanFilename(file.filename),
              claimedType: plainType(file.claimedType),
              createdBy: file.createdBy ?? null,
            },
            at,
          ),
        );
      }),

    async find(accountId: string, mediaId: string): Promise<MediaSnapshot | null> {
      const row = await selectMedia(db)
        .where('media.id', '=', mediaId)
        .where('media.account_id', '=', accountId)
        .executeTakeFirst();
      return row === undefined ? null : mediaSnapshot(row);
    },

    forSending: (
      accountId: string,
      ids: readonly string[],
      limits: MediaLimits,
    ): Promise<Result<{ media: MediaSnapshot[]; shrunk: Shrunk[] }, MediaError>> =>
      inWorkDir((workDir) =>
        prepareForSending({ db, store, workDir, now: now() }, accountId, ids, limits),
      ),

    async attach(
      trx: Transaction<Database> | Kysely<Database>,
      messageId: string,
      media: readonly MediaSnapshot[],
    ): Promise<string> {
      if (media.length > 0) {
        await trx
          .insertInto('message_media')
          .values(
            media.map((item, position) => ({ message_id: messageId, position, media_id: item.id })),
          )
          .execute();
      }
      return JSON.stringify(media);
    },

    signedUrl(mediaId: string, variant: MediaVariant, ttlSeconds = DEFAULT_TTL_SECONDS): string {
      const expires = Math.floor(now().getTime() / 1000) + ttlSeconds;
      const base = options.publicUrl().replace(/\/+$/u, '');
      return `${base}${signedPath(secret, mediaId, variant, expires)}`;
    },

    async openSigned(
      mediaId: string,
      variant: MediaVariant,
      query: { readonly expires?: string; readonly signature?: string },
      at: Date,
    ): Promise<MediaDownload | null> {
      if (!isValidSignature(secret, mediaId, variant, query, at)) return null;
      const row = await selectMedia(db).where('media.id', '=', mediaId).executeTakeFirst();
      if (row?.expired_at !== null) return null;
      if (variant !== 'original' && row.preview_type === null) return null;
      const found = await store.get(keyOf[variant](row.sha256));
      if (found === null) return null;
      const kind = mediaKindOf(row.type);
      // A picture with no preview could not be decoded (damaged, too many pixels): a download.
      const inline =
        kind === 'image' ? row.preview_type !== null : kind === 'audio' || kind === 'video';
      return {
        body: found.body,
        size: found.size,
        type: variant === 'original' ? row.type : (row.preview_type ?? row.type),
        filename: row.filename,
        attachment: variant === 'original' && !inline,
      };
    },

    sweep: (at: Date): Promise<SweepResult> => sweepMedia(db, store, at),
  };
  return service;
}
