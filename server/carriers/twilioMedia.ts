import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { MAX_MEDIA_BYTES, MAX_MEDIA_PER_MESSAGE, formatBytes } from '../../shared/protocol/media';
import { fail, ok, type Result } from '../../shared/result';
import type { MediaError } from '../media/types';

/**
 * The files of an inbound Twilio MMS. Twilio's messaging webhook names them
 * (NumMedia, MediaUrl{N}, MediaContentType{N}); each address is on Twilio's
 * API, needs HTTP Basic auth with the account's SID and auth token, and
 * answers with a redirect to a short-lived address on Twilio's media host
 * that serves the bytes. Only those hosts are ever fetched from, and the
 * credentials go to the API host only.
 */

/** A file an inbound webhook names. */
export interface TwilioMediaRef {
  readonly url: string;
  /** MediaContentType{N}: what Twilio says the file is (a claim; the bytes are sniffed). */
  readonly claimedType: string | undefined;
}

/** A file being downloaded from Twilio: stream `body` into the media store. */
export interface FetchedMedia {
  readonly body: Readable;
  /** The Content-Type the media host served, unless it was a generic one (then undefined). */
  readonly claimedType: string | undefined;
  /** From the media host's Content-Disposition, without any folder part. */
  readonly filename: string | undefined;
  /** The announced Content-Length, when there was one. */
  readonly size: number | undefined;
}

export interface FetchTwilioMediaOptions {
  readonly accountSid: string;
  readonly authToken: string;
  /** https://api.twilio.com, or a stand-in's address in tests (whose media host is itself). */
  readonly apiBase: string;
  readonly fetch?: typeof fetch;
  /** For the whole download, body included; 30 s unless given. */
  readonly timeoutMs?: number;
}

/** Twilio's own API: its media redirects are trusted only to Twilio's media hosts. */
export const TWILIO_API_ORIGIN = 'https://api.twilio.com';
/** Hosts Twilio's media addresses redirect to (media.twiliocdn.com, mms.twiliocdn.com…). */
const TWILIO_MEDIA_HOST_SUFFIXES = ['.twilio.com', '.twiliocdn.com'];
/**
 * Twilio's media bucket on Amazon S3, where its media addresses often end
 * up (https://s3-external-1.amazonaws.com/media.twiliocdn.com/AC…/…): only
 * that bucket, by path or by bucket host name, never S3 in general.
 */
const TWILIO_MEDIA_BUCKET = 'media.twiliocdn.com';
const S3_HOST = /^s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com$/u;

function isTwilioBucket(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  if (S3_HOST.test(host)) return url.pathname.startsWith(`/${TWILIO_MEDIA_BUCKET}/`);
  const bucket = `${TWILIO_MEDIA_BUCKET}.`;
  return host.startsWith(bucket) && S3_HOST.test(host.slice(bucket.length));
}
const MAX_REDIRECTS = 3;
const DEFAULT_TIMEOUT_MS = 30_000;
/** Types that say nothing about the file: the webhook's MediaContentType is the better claim. */
const GENERIC_TYPES = new Set(['application/octet-stream', 'binary/octet-stream']);

type Params = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The files an inbound webhook names, in order. A missing or malformed
 * NumMedia counts as none; at most MAX_MEDIA_PER_MESSAGE (10, Twilio's own
 * limit) are taken; a file without an address is skipped. Takes the form
 * as one value per name or as every value (parseForm's shape).
 */
export function twilioMediaRefs(params: Params): TwilioMediaRef[] {
  const count = first(params, 'NumMedia')?.trim() ?? '';
  const numMedia = /^\d{1,6}$/u.test(count) ? Number(count) : 0;
  const refs: TwilioMediaRef[] = [];
  for (let index = 0; index < Math.min(numMedia, MAX_MEDIA_PER_MESSAGE); index++) {
    const url = first(params, `MediaUrl${index}`)?.trim() ?? '';
    if (url === '') continue;
    const claimedType = first(params, `MediaContentType${index}`)?.trim().toLowerCase();
    refs.push({ url, claimedType: claimedType === '' ? undefined : claimedType });
  }
  return refs;
}

/**
 * Starts downloading one file an inbound webhook names. The address must be
 * a message's media on this account at the API (`apiBase`): anything else
 * is refused without a request. The API is asked with Basic auth; its
 * redirect (at most 3) is followed only to Twilio's media hosts over HTTPS
 * (or, with a stand-in's apiBase, to the stand-in itself), without the
 * credentials. A file announced as larger than MAX_MEDIA_BYTES is refused
 * unread. Resolves once the bytes start to arrive; the deadline still holds
 * while `body` is read, and ends it with an error when it passes.
 */
export async function fetchTwilioMedia(
  url: string,
  options: FetchTwilioMediaOptions,
): Promise<Result<FetchedMedia, MediaError>> {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let api: URL;
  let target: URL;
  try {
    api = new URL(options.apiBase);
    target = new URL(url);
  } catch {
    return fail({ code: 'invalid-input', message: 'The file’s address is not a valid URL.' });
  }
  if (target.origin !== api.origin || target.username !== '' || target.password !== '') {
    return fail({
      code: 'forbidden-host',
      message: `The file is not on Twilio’s API (${api.origin}), so it was not fetched.`,
    });
  }
  if (!isMediaPath(target.pathname, api.pathname, options.accountSid)) {
    return fail({
      code: 'invalid-input',
      message:
        'The address is not a file of a message on this Twilio account, so it was not fetched.',
    });
  }

  const deadline = new AbortController();
  const seconds = timeoutMs / 1000;
  const late = new Error(
    `Twilio’s file did not arrive within ${seconds} second${seconds === 1 ? '' : 's'}.`,
  );
  const timer = setTimeout(() => {
    deadline.abort(late);
  }, timeoutMs);
  // A download left unread must not keep the process alive: the deadline still ends it.
  timer.unref();
  const done = (): void => {
    clearTimeout(timer);
  };
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;

  let response: Response;
  let fromApi = true;
  try {
    for (let redirects = 0; ; redirects++) {
      response = await doFetch(target, {
        method: 'GET',
        // The credentials are for the API only, never for where it redirects.
        headers: fromApi ? { Authorization: authorization } : {},
        redirect: 'manual',
        signal: deadline.signal,
      });
      const location = response.headers.get('location');
      if (!isRedirect(response.status) || location === null) break;
      await response.body?.cancel();
      if (redirects === MAX_REDIRECTS) {
        done();
        return fail({
          code: 'unreachable',
          message: `Twilio redirected the file more than ${MAX_REDIRECTS} times, so it was not fetched.`,
        });
      }
      const next = resolve(location, target);
      if (next === null || !isMediaHost(next, api)) {
        done();
        return fail({
          code: 'forbidden-host',
          message: `Twilio redirected the file to ${next?.host ?? 'an invalid address'}, which is not one of Twilio’s media hosts, so it was not fetched.`,
        });
      }
      target = next;
      fromApi = false;
    }
  } catch (error) {
    done();
    const reason =
      deadline.signal.aborted || (error instanceof Error && error.name === 'TimeoutError')
        ? late.message
        : `${fromApi ? 'Twilio' : 'Twilio’s media host'} could not be reached (${describe(error)}).`;
    return fail({ code: 'unreachable', message: reason });
  }

  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    done();
    return fail(httpFailure(response.status, fromApi));
  }
  const size = contentLength(response.headers.get('content-length'));
  if (size !== undefined && size > MAX_MEDIA_BYTES) {
    await response.body?.cancel().catch(() => undefined);
    done();
    return fail({
      code: 'too-large',
      message: `Twilio’s file is larger than ${formatBytes(MAX_MEDIA_BYTES)}, the most a file may be.`,
    });
  }
  if (response.body === null || size === 0) {
    done();
    return fail({ code: 'empty', message: 'Twilio’s file is empty.' });
  }

  const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  const onLate = (): void => {
    body.destroy(late);
  };
  deadline.signal.addEventListener('abort', onLate, { once: true });
  body.once('close', () => {
    deadline.signal.removeEventListener('abort', onLate);
    done();
  });
  return ok({
    body,
    claimedType: mediaType(response.headers.get('content-type')),
    filename: dispositionFilename(response.headers.get('content-disposition')),
    size,
  });
}

/** /2010-04-01/Accounts/{this account}/Messages/{sid}/Media/{sid}, under the base's path. */
function isMediaPath(path: string, basePath: string, accountSid: string): boolean {
  const prefix = basePath.replace(/\/+$/u, '');
  if (!path.startsWith(`${prefix}/`)) return false;
  const parts = path.slice(prefix.length + 1).split('/');
  return (
    parts.length === 7 &&
    parts[0] === '2010-04-01' &&
    parts[1] === 'Accounts' &&
    parts[2] === accountSid &&
    parts[3] === 'Messages' &&
    /^[A-Za-z0-9]+$/u.test(parts[4] ?? '') &&
    parts[5] === 'Media' &&
    /^[A-Za-z0-9]+$/u.test(parts[6] ?? '')
  );
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function resolve(location: string, base: URL): URL | null {
  try {
    return new URL(location, base);
  } catch {
    return null;
  }
}

/** Twilio's media hosts over HTTPS; with a stand-in's apiBase, the stand-in itself too. */
function isMediaHost(url: URL, api: URL): boolean {
  if (url.username !== '' || url.password !== '') return false;
  if (api.origin !== TWILIO_API_ORIGIN && url.origin === api.origin) return true;
  const host = url.hostname.toLowerCase();
  return (
    url.protocol === 'https:' &&
    (url.port === '' || url.port === '443') &&
    (TWILIO_MEDIA_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix)) || isTwilioBucket(url))
  );
}

function httpFailure(status: number, fromApi: boolean): MediaError {
  if (status === 404 || status === 410) {
    return {
      code: 'not-found',
      message: 'Twilio no longer has this file: it may have been deleted from the Twilio account.',
    };
  }
  if (fromApi && (status === 401 || status === 403)) {
    return {
      code: 'unreachable',
      message: `Twilio refused to hand over the file (HTTP ${status}): check that TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are this number’s account’s.`,
    };
  }
  if (status >= 500) {
    return {
      code: 'unreachable',
      message: `Twilio could not hand over the file just now (HTTP ${status}); it may work later.`,
    };
  }
  return {
    code: 'unreachable',
    message: fromApi
      ? `Twilio refused to hand over the file (HTTP ${status}).`
      : `Twilio’s media host refused the file (HTTP ${status}); its address may have expired.`,
  };
}

function contentLength(header: string | null): number | undefined {
  if (header === null || !/^\d{1,15}$/u.test(header.trim())) return undefined;
  return Number(header.trim());
}

function mediaType(header: string | null): string | undefined {
  const type = header?.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === '' || GENERIC_TYPES.has(type) ? undefined : type;
}

// eslint-disable-next-line no-control-regex -- control characters are what it removes
const CONTROL = /[\u0000-\u001f\u007f]/gu;

/** The name in a Content-Disposition header (filename* preferred), reduced to a plain file name. */
export function dispositionFilename(header: string | null): string | undefined {
  if (header === null) return undefined;
  let name: string | undefined;
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/iu.exec(header);
  if (extended?.[2] !== undefined) {
    try {
      name = decodeURIComponent(extended[2].trim());
    } catch {
      name = undefined;
    }
  }
  if (name === undefined) {
    const plain = /filename\s*=\s*(?:"((?:\\.|[^"\\])*)"|([^;\s]+))/iu.exec(header);
    name = plain?.[1]?.replace(/\\(["\\])/gu, '$1') ?? plain?.[2];
  }
  const base = name?.split(/[/\\]/u).at(-1)?.replace(CONTROL, '').trim();
  return base === undefined || base === '' || base === '.' || base === '..'
    ? undefined
    : base.slice(0, 255);
}

function first(params: Params, name: string): string | undefined {
  const value = Object.hasOwn(params, name) ? params[name] : undefined;
  return typeof value === 'string' ? value : value?.[0];
}

function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}
