import { z } from 'zod';
import { MediaSchema, type MediaSnapshot } from '../../../shared/protocol/media';

/**
 * The server's media REST API, with the session's bearer token:
 * `POST /api/v1/media` takes a file's bytes, `GET /api/v1/media/:id` gives
 * its record and short-lived signed addresses, which need no token.
 */

export interface MediaSession {
  readonly serverUrl: string;
  readonly token: string;
}

const UrlsSchema = z.object({
  original: z.string().nullable(),
  preview: z.string().nullable(),
  thumbnail: z.string().nullable(),
});

const InfoSchema = z.object({ media: MediaSchema, urls: UrlsSchema, expiresAt: z.string() });
export type MediaInfo = z.infer<typeof InfoSchema>;

const UploadedSchema = z.object({ media: MediaSchema });
const ErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** The server could not be asked (offline, or it failed): try again later. */
export class MediaUnreachableError extends Error {}

/** The server said no (4xx), with its own sentence: trying again will not help. */
export class MediaRefusedError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function refusal(response: Response): Promise<MediaRefusedError | MediaUnreachableError> {
  const json: unknown = await response.json().catch(() => null);
  const error = ErrorSchema.safeParse(json);
  if (response.status >= 500 || response.status === 429) {
    return new MediaUnreachableError(`The server answered ${String(response.status)}.`);
  }
  if (error.success) {
    return new MediaRefusedError(response.status, error.data.error.code, error.data.error.message);
  }
  const fallback: Readonly<Record<number, string>> = {
    401: 'Your session has ended. Sign in again.',
    413: 'Files can be at most 25 MB.',
  };
  return new MediaRefusedError(
    response.status,
    response.status === 413 ? 'too-large' : 'refused',
    fallback[response.status] ?? `The server refused the file (${String(response.status)}).`,
  );
}

async function send(url: URL, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch {
    throw new MediaUnreachableError('Could not reach the server.');
  }
}

/** The record and signed addresses of one file; null when the server has no such file for this account. */
export async function fetchMediaInfo(
  session: MediaSession,
  mediaId: string,
): Promise<MediaInfo | null> {
  const response = await send(
    new URL(`/api/v1/media/${encodeURIComponent(mediaId)}`, session.serverUrl),
    {
      headers: { Authorization: `Bearer ${session.token}` },
      signal: AbortSignal.timeout(15_000),
    },
  );
  if (response.status === 404) return null;
  if (!response.ok) throw await refusal(response);
  const parsed = InfoSchema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) throw new MediaUnreachableError('The server’s answer did not make sense.');
  return parsed.data;
}

/** Uploads one file's bytes; the server sniffs, stores and records it. */
export async function uploadMedia(
  session: MediaSession,
  file: { readonly filename: string; readonly type: string; readonly bytes: Uint8Array },
): Promise<MediaSnapshot> {
  const url = new URL('/api/v1/media', session.serverUrl);
  url.searchParams.set('filename', file.filename);
  const response = await send(url, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${session.token}`,
      'Content-Type': file.type === '' ? 'application/octet-stream' : file.type,
    },
    // A copy typed as plain ArrayBuffer bytes, which every fetch typing (Node's and the DOM's) takes.
    body: new Uint8Array(file.bytes),
    // 25 MB over a slow uplink takes a while; a stuck upload is retried later.
    signal: AbortSignal.timeout(10 * 60_000),
  });
  if (!response.ok) throw await refusal(response);
  const parsed = UploadedSchema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) throw new MediaUnreachableError('The server’s answer did not make sense.');
  return parsed.data.media;
}

/** Only http(s) addresses are fetched, wherever the server says its files are (its PUBLIC_URL may differ). */
export function fetchableUrl(address: string, base: string): URL | null {
  try {
    const url = new URL(address, base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.username !== '' || url.password !== '') return null;
    return url;
  } catch {
    return null;
  }
}
