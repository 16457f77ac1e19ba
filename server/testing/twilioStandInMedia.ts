import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The media side of the Twilio stand-in. Inbound files are hosted as Twilio
 * hosts them: the address in a webhook's MediaUrl{N} is on the API
 * (/2010-04-01/Accounts/{sid}/Messages/{MessageSid}/Media/{MediaSid}),
 * needs HTTP Basic auth, and answers 307 to a media host (here a second path
 * of the same stand-in, /media-host/…) that serves the bytes without auth.
 * Every request for a hosted file is recorded, with its Authorization header.
 */

export interface HostedMediaOptions {
  /** The media host sends it as Content-Disposition: attachment; filename="…". */
  readonly filename?: string | undefined;
  /** Where the API's 307 points instead of the stand-in's own media host. */
  readonly redirectTo?: string | undefined;
  /**
   * The Content-Length the media host announces instead of the real one; it
   * then sends the bytes and never ends the response (only a client that
   * reads the whole body would notice).
   */
  readonly announcedLength?: number | undefined;
}

/** A request the stand-in took for a hosted file, on the API or on the media host. */
export interface MediaRequest {
  readonly leg: 'api' | 'media-host';
  readonly path: string;
  /** The Host header the request came with. */
  readonly host: string | undefined;
  readonly authorization: string | undefined;
  /** What the stand-in answered. */
  readonly status: number;
}

/** What the stand-in got when it fetched a file a send named, as Twilio does before an MMS goes out. */
export interface FetchedSendMedia {
  readonly url: string;
  /** The HTTP status of the last answer; 0 when the address could not be reached. */
  readonly status: number;
  /** The Content-Type it was served with. */
  readonly type: string | null;
  /** Bytes received. */
  readonly size: number;
  /** SHA-256 of the bytes received, hex. */
  readonly sha256: string;
}

interface Hosted {
  readonly bytes: Buffer;
  readonly contentType: string;
  readonly options: HostedMediaOptions;
  readonly token: string;
}

const API_MEDIA = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\/Media\/([^/.]+)$/u;
const MEDIA_HOST = /^\/media-host\/([^/]+)\/([^/]+)$/u;

export class StandInMedia {
  readonly requests: MediaRequest[] = [];
  private readonly files = new Map<string, Hosted>();
  private readonly byToken = new Map<string, Hosted>();

  constructor(
    private readonly base: string,
    private readonly accountSid: string,
    private readonly authorization: string,
  ) {}

  /** Hosts a file of message `messageSid`; returns its API address, as a webhook's MediaUrl{N}. */
  host(
    messageSid: string,
    bytes: Buffer,
    contentType: string,
    options: HostedMediaOptions = {},
  ): string {
    const mediaSid = `ME${randomBytes(16).toString('hex')}`;
    const hosted = { bytes, contentType, options, token: randomBytes(16).toString('hex') };
    this.files.set(`${messageSid}/${mediaSid}`, hosted);
    this.byToken.set(hosted.token, hosted);
    return `${this.base}/2010-04-01/Accounts/${this.accountSid}/Messages/${messageSid}/Media/${mediaSid}`;
  }

  /** Answers a request for a hosted file; false when the request is for something else. */
  handle(request: IncomingMessage, response: ServerResponse): boolean {
    const path = new URL(request.url ?? '/', this.base).pathname;
    const api = API_MEDIA.exec(path);
    const mediaHost = MEDIA_HOST.exec(path);
    if (request.method !== 'GET' || (api === null && mediaHost === null)) return false;
    const record = (status: number): void => {
      this.requests.push({
        leg: api === null ? 'media-host' : 'api',
        path,
        host: request.headers.host,
        authorization: request.headers.authorization,
        status,
      });
    };
    if (api !== null) {
      const [, account, messageSid, mediaSid] = api;
      if (account !== this.accountSid || request.headers.authorization !== this.authorization) {
        record(401);
        twilioError(response, 401, 20003, 'Authenticate');
        return true;
      }
      const hosted = this.files.get(`${messageSid ?? ''}/${mediaSid ?? ''}`);
      if (hosted === undefined) {
        record(404);
        twilioError(response, 404, 20404, 'The requested resource was not found');
        return true;
      }
      const location =
        hosted.options.redirectTo ?? `${this.base}/media-host/${this.accountSid}/${hosted.token}`;
      record(307);
      const xml = `<?xml version='1.0' encoding='UTF-8'?>\n<TwilioResponse><RedirectTo>${location.replaceAll('&', '&amp;')}</RedirectTo></TwilioResponse>`;
      response.writeHead(307, {
        Location: location,
        'Content-Type': 'application/xml',
        'Content-Length': Buffer.byteLength(xml),
      });
      response.end(xml);
      return true;
    }
    const hosted = this.byToken.get(mediaHost?.[2] ?? '');
    if (hosted === undefined) {
      record(403);
      const xml = '<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>';
      response.writeHead(403, { 'Content-Type': 'application/xml' });
      response.end(xml);
      return true;
    }
    record(200);
    const { filename, announcedLength } = hosted.options;
    response.writeHead(200, {
      'Content-Type': hosted.contentType,
      'Content-Length': announcedLength ?? hosted.bytes.length,
      ...(filename === undefined
        ? {}
        : { 'Content-Disposition': `attachment; filename="${filename.replaceAll('"', '')}"` }),
    });
    if (announcedLength === undefined) response.end(hosted.bytes);
    else response.write(hosted.bytes);
    return true;
  }
}

/** A plain GET of a file a send named, as Twilio fetches media: no credentials, redirects followed. */
export async function fetchSendMedia(url: string): Promise<FetchedSendMedia> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    const bytes = Buffer.from(await response.arrayBuffer());
    return {
      url,
      status: response.status,
      type: response.headers.get('content-type'),
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
  } catch {
    return { url, status: 0, type: null, size: 0, sha256: '' };
  }
}

function twilioError(response: ServerResponse, status: number, code: number, message: string) {
  const text = JSON.stringify({
    code,
    message,
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
  });
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}
