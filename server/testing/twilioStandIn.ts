import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import {
  fetchSendMedia,
  StandInMedia,
  type FetchedSendMedia,
  type HostedMediaOptions,
  type MediaRequest,
} from './twilioStandInMedia';

export type { FetchedSendMedia, HostedMediaOptions, MediaRequest } from './twilioStandInMedia';

/** A text the stand-in took, as Twilio would have it. */
export interface TwilioSentText {
  readonly sid: string;
  readonly to: string;
  readonly from: string | null;
  readonly messagingServiceSid: string | null;
  /** '' when the send had no Body (an MMS of files only). */
  readonly body: string;
  readonly statusCallback: string | null;
  /** Every MediaUrl form field, in order. */
  readonly mediaUrls: readonly string[];
}

/** How Twilio refuses a send: an error code, its message and the HTTP status. */
export interface TwilioRefusal {
  readonly code: number;
  readonly message: string;
  readonly status: number;
}

/** A refusal, or the connection dropped before any answer (the network failed). */
export type StandInFailure = TwilioRefusal | 'network';

export const TWILIO_REFUSALS = {
  optedOut: { code: 21610, message: 'Attempt to send to unsubscribed recipient', status: 400 },
  invalidNumber: {
    code: 21211,
    message: "The 'To' number is not a valid phone number.",
    status: 400,
  },
} as const satisfies Record<string, TwilioRefusal>;

/** A file a customer's MMS carries. */
export interface InboundMedia {
  readonly bytes: Buffer;
  /** What Twilio says it is (MediaContentType{N}). */
  readonly contentType: string;
  readonly filename?: string;
}

export interface InboundFields {
  readonly from: string;
  readonly to: string;
  /** '' (the default) for an MMS of files only: Twilio then sends Body empty. */
  readonly body?: string;
  /** The same sid again plays Twilio retrying its webhook. */
  readonly sid?: string;
  /** Hosted on the stand-in and posted as NumMedia, MediaUrl{N} and MediaContentType{N}. */
  readonly media?: readonly InboundMedia[];
}

export interface SignOptions {
  /** 'forged' signs with another token; 'missing' sends no signature. */
  readonly signature?: 'valid' | 'forged' | 'missing';
}

const sid = (prefix: string): string => `${prefix}${randomBytes(16).toString('hex')}`;

/**
 * A local stand-in for Twilio's REST API and webhooks: it answers
 * POST /2010-04-01/Accounts/{sid}/Messages.json as Twilio does (Basic auth,
 * form fields, Twilio-shaped JSON), records what it was asked to send, and
 * posts signed inbound texts and status callbacks to the server, signed with
 * the auth token by Twilio's own library. `'sent'` events carry every text taken.
 * Inbound files are hosted as Twilio hosts them (see twilioStandInMedia); a
 * send's MediaUrls are fetched as Twilio fetches them, and `'mediaFetched'`
 * says what came back.
 */
export class TwilioStandIn extends EventEmitter<{
  sent: [TwilioSentText];
  mediaFetched: [TwilioSentText, readonly FetchedSendMedia[]];
}> {
  readonly sent: TwilioSentText[] = [];
  /** Where inbound texts are posted: the number's messaging webhook in the console. */
  smsUrl = '';
  private readonly failures = new Map<string, StandInFailure>();
  private readonly media: StandInMedia;
  /** What was fetched for each sent text with media, by its sid. */
  private readonly fetched = new Map<string, readonly FetchedSendMedia[]>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly accountSid: string,
    private readonly authToken: string,
  ) {
    super();
    this.media = new StandInMedia(url, accountSid, basicAuth(accountSid, authToken));
  }

  static async start(accountSid: string, authToken: string): Promise<TwilioStandIn> {
    let standIn: TwilioStandIn | null = null;
    const server = createServer((request, response) => {
      standIn?.handle(request, response).catch((error: unknown) => {
        console.error(error);
        response.destroy();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    standIn = new TwilioStandIn(server, `http://127.0.0.1:${port}`, accountSid, authToken);
    return standIn;
  }

  /**
   * Hosts a file of message `messageSid` as Twilio does; returns its address
   * on the API (Basic auth, then a 307 to the media host).
   */
  hostMedia(
    messageSid: string,
    bytes: Buffer,
    contentType: string,
    options: HostedMediaOptions = {},
  ): string {
    return this.media.host(messageSid, bytes, contentType, options);
  }

  /** Every request for a hosted file so far, API and media host, with its Authorization. */
  get mediaRequests(): readonly MediaRequest[] {
    return this.media.requests;
  }

  /** What the stand-in got fetching a sent text's MediaUrls, once it has fetched them all. */
  mediaFetchedFor(text: TwilioSentText): Promise<readonly FetchedSendMedia[]> {
    const already = this.fetched.get(text.sid);
    if (already !== undefined) return Promise.resolve(already);
    return new Promise((resolve) => {
      const listener = (fetchedFor: TwilioSentText, media: readonly FetchedSendMedia[]): void => {
        if (fetchedFor.sid !== text.sid) return;
        this.off('mediaFetched', listener);
        resolve(media);
      };
      this.on('mediaFetched', listener);
    });
  }

  /** Sends to `to` fail this way, until cleared with null. */
  failFor(to: string, failure: StandInFailure | null): void {
    if (failure === null) this.failures.delete(to);
    else this.failures.set(to, failure);
  }

  /** The first text sent to `to`, now or when it is sent. */
  sentTo(to: string): Promise<TwilioSentText> {
    const already = this.sent.find((text) => text.to === to);
    if (already !== undefined) return Promise.resolve(already);
    return new Promise((resolve) => {
      const listener = (text: TwilioSentText): void => {
        if (text.to !== to) return;
        this.off('sent', listener);
        resolve(text);
      };
      this.on('sent', listener);
    });
  }

  /** Twilio posting an inbound text to the number's messaging webhook. */
  inbound(fields: InboundFields, options: SignOptions = {}): Promise<Response> {
    const files = fields.media ?? [];
    const messageSid = fields.sid ?? sid(files.length === 0 ? 'SM' : 'MM');
    const media: Record<string, string> = { NumMedia: String(files.length) };
    files.forEach((file, index) => {
      media[`MediaContentType${index}`] = file.contentType;
      media[`MediaUrl${index}`] = this.hostMedia(messageSid, file.bytes, file.contentType, {
        filename: file.filename,
      });
    });
    return this.post(
      this.smsUrl,
      {
        ToCountry: 'US',
        ToState: 'NJ',
        SmsMessageSid: messageSid,
        ...media,
        ToCity: '',
        FromZip: '',
        SmsSid: messageSid,
        FromState: 'NJ',
        SmsStatus: 'received',
        FromCity: '',
        Body: fields.body ?? '',
        FromCountry: 'US',
        To: fields.to,
        ToZip: '',
        NumSegments: '1',
        MessageSid: messageSid,
        AccountSid: this.accountSid,
        From: fields.from,
        ApiVersion: '2010-04-01',
      },
      options,
    );
  }

  /** Twilio's delivery receipt for a text it took, to the StatusCallback it was given. */
  status(
    text: TwilioSentText,
    messageStatus: string,
    errorCode?: number,
    options: SignOptions = {},
  ): Promise<Response> {
    if (text.statusCallback === null) throw new Error('The text had no StatusCallback.');
    return this.post(
      text.statusCallback,
      {
        AccountSid: this.accountSid,
        ApiVersion: '2010-04-01',
        From: text.from ?? '',
        To: text.to,
        MessageSid: text.sid,
        SmsSid: text.sid,
        MessageStatus: messageStatus,
        SmsStatus: messageStatus,
        ...(errorCode === undefined ? {} : { ErrorCode: String(errorCode) }),
        ...(text.messagingServiceSid === null
          ? {}
          : { MessagingServiceSid: text.messagingServiceSid }),
      },
      options,
    );
  }

  /** A signed form POST, exactly as Twilio makes its webhook requests. */
  post(url: string, params: Record<string, string>, options: SignOptions = {}): Promise<Response> {
    const headers: Record<string, string> = {
      'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
      'User-Agent': 'TwilioProxy/1.1',
    };
    const signature = options.signature ?? 'valid';
    if (signature !== 'missing') {
      const token = signature === 'forged' ? `${this.authToken}-not` : this.authToken;
      headers['X-Twilio-Signature'] = twilio.getExpectedTwilioSignature(token, url, params);
    }
    return fetch(url, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve, reject) => {
      this.server.close((error) => {
        if (error === undefined) resolve();
        else reject(error);
      });
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (this.media.handle(request, response)) return;
    const path = `/2010-04-01/Accounts/${this.accountSid}/Messages.json`;
    if (request.method !== 'POST' || new URL(request.url ?? '/', this.url).pathname !== path) {
      answer(response, 404, {
        code: 20404,
        message: 'The requested resource was not found',
        more_info: 'https://www.twilio.com/docs/errors/20404',
        status: 404,
      });
      return;
    }
    if (request.headers.authorization !== basicAuth(this.accountSid, this.authToken)) {
      answer(response, 401, refusal({ code: 20003, message: 'Authenticate', status: 401 }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const to = form.get('To');
    const body = form.get('Body');
    const from = form.get('From');
    const service = form.get('MessagingServiceSid');
    const mediaUrls = form.getAll('MediaUrl');
    const missing: TwilioRefusal | null =
      to === null || to === ''
        ? { code: 21604, message: "A 'To' phone number is required.", status: 400 }
        : (body === null || body === '') && mediaUrls.length === 0
          ? { code: 21602, message: 'Message body is required.', status: 400 }
          : (from === null || from === '') && (service === null || service === '')
            ? { code: 21603, message: "A 'From' phone number is required.", status: 400 }
            : null;
    if (missing !== null || to === null) {
      answer(response, 400, refusal(missing ?? { code: 21604, message: '', status: 400 }));
      return;
    }
    const failure = this.failures.get(to);
    if (failure === 'network') {
      request.socket.destroy();
      return;
    }
    if (failure !== undefined) {
      answer(response, failure.status, refusal(failure));
      return;
    }
    const text: TwilioSentText = {
      sid: sid('SM'),
      to,
      from: from === '' ? null : from,
      messagingServiceSid: service === '' ? null : service,
      body: body ?? '',
      statusCallback: form.get('StatusCallback'),
      mediaUrls,
    };
    this.sent.push(text);
    const now = new Date().toUTCString().replace('GMT', '+0000');
    answer(response, 201, {
      account_sid: this.accountSid,
      api_version: '2010-04-01',
      body: text.body,
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: text.from,
      messaging_service_sid: text.messagingServiceSid,
      num_media: String(mediaUrls.length),
      num_segments: '1',
      price: null,
      price_unit: 'USD',
      sid: text.sid,
      status: text.messagingServiceSid === null ? 'queued' : 'accepted',
      subresource_uris: {
        media: `/2010-04-01/Accounts/${this.accountSid}/Messages/${text.sid}/Media.json`,
      },
      to,
      uri: `/2010-04-01/Accounts/${this.accountSid}/Messages/${text.sid}.json`,
    });
    this.emit('sent', text);
    if (mediaUrls.length > 0) {
      // Twilio takes the send, then fetches each file before the MMS goes out.
      void Promise.all(mediaUrls.map(fetchSendMedia)).then((fetched) => {
        this.fetched.set(text.sid, fetched);
        this.emit('mediaFetched', text, fetched);
      });
    }
  }
}

function basicAuth(accountSid: string, authToken: string): string {
  return `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
}

function refusal(failure: TwilioRefusal) {
  return {
    code: failure.code,
    message: failure.message,
    more_info: `https://www.twilio.com/docs/errors/${failure.code}`,
    status: failure.status,
  };
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}
