import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  MAX_MEDIA_BYTES,
  MediaSchema,
  type MediaSnapshot,
  type MediaVariant,
} from '../../../shared/protocol/media';
import { isSafeId, streamWhole, TooLargeError, writeWhole } from './files';
import { DEFAULT_ORIGINALS_CAP, OriginalsLru } from './originals';
import {
  fetchableUrl,
  fetchMediaInfo,
  type MediaInfo,
  MediaRefusedError,
  type MediaSession,
  MediaUnreachableError,
} from './serverMedia';

/** One variant of a file, on this computer's disk. */
export interface CachedFile {
  readonly path: string;
  /** The Content-Type to serve it with. */
  readonly type: string;
  readonly size: number;
  readonly media: MediaSnapshot;
  /** Call when done reading: until then an original is never evicted. */
  readonly release: () => void;
}

export interface CacheMiss {
  readonly ok: false;
  readonly status: 404 | 410 | 502 | 503;
  readonly reason: string;
}

export type CacheAnswer = { readonly ok: true; readonly file: CachedFile } | CacheMiss;

export interface MediaCacheOptions {
  /** This account's media folder: `<id>/media.json`, `<id>/<variant>` (+ `.type`). */
  readonly root: string;
  /** The signed-in server and token, or null when signed out. */
  readonly session: () => MediaSession | null;
  /** Bytes of originals kept (500 MB by default); thumbnails and previews do not count. */
  readonly originalsCap?: number;
  readonly now?: () => Date;
}

/** Pictures re-encoded by the server are JPEG or PNG; anything else as a "preview" is refused. */
const DISPLAY_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif']);
/** A signed address is taken as expired a little early, so it does not lapse mid-request. */
const EXPIRY_MARGIN_MS = 30_000;
/** Signed addresses remembered, newest kept. */
const MAX_INFOS = 1000;

const notFound: CacheMiss = { ok: false, status: 404, reason: 'No such file.' };

/**
 * The media cache: files of this account's messages under the desktop's
 * data folder. Thumbnails and previews are kept for good; originals are
 * fetched when asked for and kept under a size cap, least recently used
 * going first. A miss asks the server for the file's signed address
 * (`GET /api/v1/media/:id`), fetches it (asking again once when it lapsed)
 * and stores it whole; requests for the same file share one download.
 */
export class MediaCache {
  readonly #options: MediaCacheOptions;
  readonly #originals: OriginalsLru;
  readonly #loaded: Promise<void>;
  readonly #downloads = new Map<string, Promise<CacheMiss | null>>();
  readonly #infos = new Map<string, MediaInfo>();
  readonly #asking = new Map<string, Promise<MediaInfo | null>>();

  constructor(options: MediaCacheOptions) {
    this.#options = options;
    this.#originals = new OriginalsLru(options.root, options.originalsCap ?? DEFAULT_ORIGINALS_CAP);
    this.#loaded = this.#originals.load();
  }

  /** The originals kept, least recently used first (for tests and the status of the cache). */
  async originals(): Promise<{ readonly ids: readonly string[]; readonly bytes: number }> {
    await this.#loaded;
    return { ids: this.#originals.ids, bytes: this.#originals.total };
  }

  /** One variant of a file: from disk, or downloaded first. */
  async get(mediaId: string, variant: MediaVariant): Promise<CacheAnswer> {
    if (!isSafeId(mediaId)) return notFound;
    await this.#loaded;
    const kept = await this.#kept(mediaId, variant);
    if (kept !== null) return { ok: true, file: kept };
    const key = `${mediaId}/${variant}`;
    let download = this.#downloads.get(key);
    if (download === undefined) {
      download = this.#download(mediaId, variant).finally(() => {
        this.#downloads.delete(key);
      });
      this.#downloads.set(key, download);
    }
    const miss = await download;
    if (miss !== null) return miss;
    // Each caller reads under its own hold.
    const file = await this.#kept(mediaId, variant);
    return file === null ? notFound : { ok: true, file };
  }

  /** Keeps bytes this desktop already has (a file it just uploaded) as a file's original. */
  async adopt(media: MediaSnapshot, bytes: Uint8Array): Promise<void> {
    if (!isSafeId(media.id)) return;
    await this.#loaded;
    const folder = join(this.#options.root, media.id);
    await writeWhole(join(folder, 'media.json'), JSON.stringify(media));
    await writeWhole(join(folder, 'original.type'), media.type);
    await writeWhole(join(folder, 'original'), bytes);
    await this.#originals.added(media.id, bytes.byteLength);
  }

  /** Removes every variant of a file (its retention ended on the server). */
  async forget(mediaId: string): Promise<void> {
    if (!isSafeId(mediaId)) return;
    await this.#loaded;
    this.#infos.delete(mediaId);
    this.#originals.forgot(mediaId);
    await rm(join(this.#options.root, mediaId), { recursive: true, force: true });
  }

  async #kept(mediaId: string, variant: MediaVariant): Promise<CachedFile | null> {
    const folder = join(this.#options.root, mediaId);
    const path = join(folder, variant);
    const release = variant === 'original' ? this.#originals.hold(mediaId) : () => undefined;
    try {
      const [info, type, media] = await Promise.all([
        stat(path),
        readFile(`${path}.type`, 'utf8'),
        readFile(join(folder, 'media.json'), 'utf8'),
      ]);
      const parsed = MediaSchema.safeParse(JSON.parse(media));
      if (!info.isFile() || !parsed.success) {
        release();
        return null;
      }
      if (variant === 'original') await this.#originals.used(mediaId);
      return { path, type, size: info.size, media: parsed.data, release };
    } catch {
      release();
      return null;
    }
  }

  /** The file's record and signed addresses, asked again when they lapsed or `fresh`. */
  async #info(mediaId: string, fresh: boolean): Promise<MediaInfo | null> {
    const known = this.#infos.get(mediaId);
    const now = (this.#options.now?.() ?? new Date()).getTime();
    if (!fresh && known !== undefined && Date.parse(known.expiresAt) - EXPIRY_MARGIN_MS > now) {
      return known;
    }
    const session = this.#options.session();
    if (session === null) throw new MediaUnreachableError('Not signed in.');
    // A thumbnail and a preview asked for at once share one question to the server.
    let asking = this.#asking.get(mediaId);
    if (asking === undefined) {
      asking = fetchMediaInfo(session, mediaId).finally(() => {
        this.#asking.delete(mediaId);
      });
      this.#asking.set(mediaId, asking);
    }
    const info = await asking;
    this.#infos.delete(mediaId);
    if (info !== null) this.#infos.set(mediaId, info);
    // Addresses last minutes: only the most recent files' are worth keeping.
    for (const stale of this.#infos.keys()) {
      if (this.#infos.size <= MAX_INFOS) break;
      this.#infos.delete(stale);
    }
    return info;
  }

  /** Stores the variant; null when done, else why not. */
  async #download(mediaId: string, variant: MediaVariant): Promise<CacheMiss | null> {
    try {
      for (const fresh of [false, true]) {
        const info = await this.#info(mediaId, fresh);
        if (info === null) return notFound;
        const address = info.urls[variant];
        if (address === null) {
          return info.media.expired
            ? {
                ok: false,
                status: 410,
                reason: 'This file was removed under the retention period.',
              }
            : notFound;
        }
        const session = this.#options.session();
        const url = fetchableUrl(address, session?.serverUrl ?? 'http://invalid');
        if (url === null)
          return { ok: false, status: 502, reason: 'The server gave a bad address.' };
        let response: Response;
        try {
          response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
        } catch {
          throw new MediaUnreachableError('Could not download the file.');
        }
        // A lapsed or refused signature: ask for a fresh address, once.
        if (!response.ok || response.body === null) {
          await response.body?.cancel();
          if (!fresh && response.status < 500) continue;
          return {
            ok: false,
            status: 502,
            reason: `The file server answered ${String(response.status)}.`,
          };
        }
        await this.#store(info.media, variant, response);
        return null;
      }
      return notFound;
    } catch (error) {
      if (error instanceof MediaRefusedError && error.status === 401) {
        return { ok: false, status: 503, reason: 'Your session has ended. Sign in again.' };
      }
      if (error instanceof MediaRefusedError) return notFound;
      if (error instanceof TooLargeError) return { ok: false, status: 502, reason: error.message };
      if (error instanceof MediaUnreachableError)
        return { ok: false, status: 503, reason: error.message };
      throw error;
    }
  }

  async #store(media: MediaSnapshot, variant: MediaVariant, response: Response): Promise<void> {
    const given =
      (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    // The original is what the server sniffed; a preview must be a picture the app shows.
    const type = variant === 'original' ? media.type : given;
    if (variant !== 'original' && !DISPLAY_TYPES.has(type)) {
      await response.body?.cancel();
      throw new MediaUnreachableError('The server sent a preview that is not a picture.');
    }
    const folder = join(this.#options.root, media.id);
    const path = join(folder, variant);
    await writeWhole(join(folder, 'media.json'), JSON.stringify(media));
    await writeWhole(`${path}.type`, type);
    const body: ReadableStream<Uint8Array> | null = response.body;
    const size = await streamWhole(body, path, MAX_MEDIA_BYTES).catch((error: unknown) => {
      if (error instanceof TooLargeError) throw error;
      // The connection dropped mid-file: nothing is kept, and the next request tries again.
      throw new MediaUnreachableError('The download was cut off.');
    });
    if (variant === 'original') await this.#originals.added(media.id, size);
  }
}
