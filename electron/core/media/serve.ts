import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { MEDIA_VARIANTS, type MediaKind, type MediaVariant } from '../../../shared/protocol/media';
import type { CacheAnswer } from './mediaCache';
import type { StagedRecord } from './staging';

/**
 * The answer to a renderer's request for `/media/<id>/<variant>` or
 * `/media/staged/<id>`, the same for Electron's app:// handler and the
 * preview host. Only the types the server sniffed are sent, never sniffed
 * again by the browser (nosniff); a file of no shown kind is always a
 * download; and each answer carries a CSP of its own, so a file opened as a
 * page can run nothing.
 */
export interface MediaResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The bytes, or a short plain-text reason. */
  readonly body: Readable | string;
}

export interface MediaSources {
  /** The signed-in account's media cache; null when signed out. */
  readonly get: ((mediaId: string, variant: MediaVariant) => Promise<CacheAnswer>) | null;
  readonly staged: {
    find(id: string): Promise<StagedRecord | null>;
    path(id: string): string;
  };
}

/**
 * Originals played or shown as they are; everything else only as a
 * download. A picture is displayed by its re-encoded preview, so its
 * original is for "save as" only.
 */
const INLINE: ReadonlySet<MediaKind> = new Set(['audio', 'video', 'pdf']);

const BASE_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; sandbox",
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function text(status: number, reason: string): MediaResponse {
  return {
    status,
    headers: {
      ...BASE_HEADERS,
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
    },
    body: reason,
  };
}

type Target =
  | { readonly staged: true; readonly id: string }
  | { readonly staged: false; readonly id: string; readonly variant: MediaVariant };

/** The file a path names, or null for anything else (other paths, bad escapes, unknown variants). */
export function mediaTarget(pathname: string): Target | null {
  const parts = pathname.split('/');
  if (parts[0] !== '' || parts[1] !== 'media' || parts.length !== 4) return null;
  let first: string;
  let second: string;
  try {
    first = decodeURIComponent(parts[2] ?? '');
    second = decodeURIComponent(parts[3] ?? '');
  } catch {
    return null;
  }
  if (first === 'staged') return second === '' ? null : { staged: true, id: second };
  const variant = MEDIA_VARIANTS.find((known) => known === second);
  return variant === undefined || first === '' ? null : { staged: false, id: first, variant };
}

/** `attachment` (or `inline`) with the file's name, quoted for any characters. */
function disposition(kind: MediaKind, filename: string | null, download: boolean): string {
  const how = download || !INLINE.has(kind) ? 'attachment' : 'inline';
  if (filename === null || filename === '') return how;
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/gu, '_');
  return `${how}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** A `Range: bytes=a-b` header as start and end (inclusive), or null to send the whole file. */
function byteRange(
  header: string | null | undefined,
  size: number,
): [number, number] | 'bad' | null {
  if (header == null || header === '') return null;
  const match = /^bytes=(\d*)-(\d*)$/u.exec(header.trim());
  if (match === null) return null;
  const [, from = '', to = ''] = match;
  if (from === '' && to === '') return 'bad';
  let start: number;
  let end: number;
  if (from === '') {
    start = Math.max(0, size - Number(to));
    end = size - 1;
  } else {
    start = Number(from);
    end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  }
  return start > end || start >= size ? 'bad' : [start, end];
}

function fileResponse(
  file: { readonly path: string; readonly type: string; readonly size: number },
  headers: Record<string, string>,
  range: string | null | undefined,
  release: () => void,
): MediaResponse {
  const wanted = byteRange(range, file.size);
  if (wanted === 'bad') {
    release();
    return {
      status: 416,
      headers: { ...BASE_HEADERS, 'Content-Range': `bytes */${String(file.size)}` },
      body: '',
    };
  }
  const [start, end] = wanted ?? [0, file.size - 1];
  const body = createReadStream(file.path, file.size === 0 ? {} : { start, end });
  body.once('close', release);
  return {
    status: wanted === null ? 200 : 206,
    headers: {
      ...BASE_HEADERS,
      ...headers,
      'Content-Type': file.type,
      'Content-Length': String(file.size === 0 ? 0 : end - start + 1),
      'Accept-Ranges': 'bytes',
      ...(wanted !== null && {
        'Content-Range': `bytes ${String(start)}-${String(end)}/${String(file.size)}`,
      }),
    },
    body,
  };
}

/**
 * Serves `/media/…` from the media cache (downloading on a miss) or the
 * staged folder. `download` is true for "save as", which always gets
 * `attachment`; `range` is the request's Range header, for audio and video.
 */
export async function serveMedia(
  pathname: string,
  sources: MediaSources,
  request: { readonly range?: string | null; readonly download?: boolean } = {},
): Promise<MediaResponse> {
  const target = mediaTarget(pathname);
  if (target === null) return text(404, 'Not found');
  if (target.staged) {
    const record = await sources.staged.find(target.id);
    if (record === null) return text(404, 'Not found');
    return fileResponse(
      { path: sources.staged.path(record.id), type: record.type, size: record.size },
      {
        'Cache-Control': 'private, no-cache',
        'Content-Disposition': disposition(record.kind, record.filename, request.download === true),
      },
      request.range,
      () => undefined,
    );
  }
  if (sources.get === null) return text(503, 'Not signed in');
  const answer = await sources.get(target.id, target.variant);
  if (!answer.ok) return text(answer.status, answer.reason);
  const { file } = answer;
  const original = target.variant === 'original';
  return fileResponse(
    file,
    {
      // A file's bytes never change under its id.
      'Cache-Control': 'private, max-age=31536000, immutable',
      'Content-Disposition': original
        ? disposition(file.media.kind, file.media.filename, request.download === true)
        : 'inline',
    },
    request.range,
    file.release,
  );
}
