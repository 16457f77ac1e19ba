import rateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findNul, nulMessage } from '../../shared/protocol/commands';
import {
  deliveryStatusOf,
  TWILIO_SMS_PATH,
  TWILIO_STATUS_PATH,
  twilioErrorMessage,
} from '../carriers/twilio';
import { fetchTwilioMedia, twilioMediaRefs } from '../carriers/twilioMedia';
import { isValidTwilioSignature, parseForm, type FormParams } from '../carriers/twilioSignature';
import { ok } from '../../shared/result';
import type { StatusUpdate } from '../carriers/types';
import { applyDeliveryStatus } from '../domain/outbound';
import { HttpError } from './errors';
import { acceptInbound, sendRepliesOf, type InboundFile } from './inbound';
import { BODY_LIMITS, MINUTE_MS, requestsLimited } from './limits';
import type { AreaOptions } from './types';

export interface TwilioWebhookOptions {
  /** With the auth token, fetches an MMS's files from Twilio's API. */
  readonly accountSid: string;
  /** Signs every webhook Twilio sends. */
  readonly authToken: string;
  /** TWILIO_API_BASE: the only host an MMS's files are fetched from (then Twilio's media hosts). */
  readonly apiBase: string;
  /** The address Twilio is configured with; signatures are computed against it. */
  readonly publicUrl: string;
}

export interface TwilioAreaOptions extends AreaOptions {
  readonly twilio: TwilioWebhookOptions;
  /** Requests a minute per address (WEBHOOK_RATE_LIMIT); 0: no limit. */
  readonly perMinute: number;
}

/**
 * How long an inbound MMS's files may take to arrive: Twilio waits about 15
 * seconds for the webhook's answer, so a slower file is noted as missing
 * and the text stored in time, rather than the webhook failing and retried.
 */
const MEDIA_DEADLINE_MS = 12_000;

/** An empty TwiML document: Twilio sends no reply of its own. */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/**
 * Checks Twilio signed this webhook for this address with this account's
 * auth token, over the form body exactly as it arrived: anything else is
 * refused before it is read any further.
 */
function signedForm(options: TwilioWebhookOptions, request: FastifyRequest): FormParams {
  const params = parseForm(typeof request.body === 'string' ? request.body : '');
  const header = request.headers['x-twilio-signature'];
  const signature = Array.isArray(header) ? header[0] : header;
  if (signature === undefined || signature === '') {
    throw new HttpError(
      403,
      'missing-signature',
      'The request has no X-Twilio-Signature header, so it cannot be shown to come from Twilio.',
    );
  }
  const url = `${options.publicUrl.replace(/\/+$/u, '')}${request.url}`;
  if (!isValidTwilioSignature(options.authToken, signature, url, params)) {
    throw new HttpError(
      403,
      'invalid-signature',
      `The X-Twilio-Signature does not match this request: it was not signed with this server's TWILIO_AUTH_TOKEN for ${url}. If Twilio sent it, check that PUBLIC_URL is the address configured in the Twilio console.`,
    );
  }
  const nul = findNul(params);
  if (nul !== null) throw new HttpError(422, 'invalid-input', nulMessage(nul));
  return params;
}

/** The one value of a parameter; a missing one is refused with its name. */
function required(params: FormParams, name: string): string {
  const value = params[name]?.[0];
  if (value === undefined) {
    throw new HttpError(422, 'invalid-input', `${name} is required.`);
  }
  return value;
}

function optional(params: FormParams, name: string): string | undefined {
  const value = params[name]?.[0];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * POST /webhooks/twilio/sms: a customer texted the Twilio number. Answered
 * with empty TwiML only once the text is stored, so Twilio retries until it
 * is; a retry (same MessageSid) is answered the same and stores nothing
 * again. Trigger replies (HELP, STOP confirmations) are sent afterwards.
 */
async function twilioInbound(
  { context, twilio }: TwilioAreaOptions,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const params = signedForm(twilio, request);
  const from = required(params, 'From');
  const refs = twilioMediaRefs(params);
  // An MMS of pictures only comes with an empty Body, or none.
  const body = refs.length > 0 ? (params.Body?.[0] ?? '') : required(params, 'Body');
  const carrierId = required(params, 'MessageSid');
  if (carrierId.trim() === '') throw new HttpError(422, 'invalid-input', 'MessageSid is empty.');
  const files = refs.map((ref): InboundFile => async () => {
    const fetched = await fetchTwilioMedia(ref.url, { ...twilio, timeoutMs: MEDIA_DEADLINE_MS });
    if (!fetched.ok) return fetched;
    const { body: stream, claimedType, filename } = fetched.value;
    return ok({ body: stream, claimedType: ref.claimedType ?? claimedType, filename });
  });
  const ingested = await acceptInbound(
    context,
    { from, to: optional(params, 'To'), body, carrierId },
    files,
    { source: 'carrier', log: request.log },
  );
  void reply.code(200).type('text/xml; charset=utf-8').send(EMPTY_TWIML);
  sendRepliesOf(context, ingested, request.log);
  return reply;
}

/**
 * POST /webhooks/twilio/status?message=<our id>: Twilio's delivery receipt
 * for a text we sent. Answered 204 once applied; statuses that are not about
 * delivery (an inbound text's) are acknowledged and ignored.
 */
async function twilioStatus(
  { context, twilio }: TwilioAreaOptions,
  request: FastifyRequest<{ Querystring: { message?: string } }>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const params = signedForm(twilio, request);
  const carrierId = optional(params, 'MessageSid') ?? optional(params, 'SmsSid');
  if (carrierId === undefined) throw new HttpError(422, 'invalid-input', 'MessageSid is required.');
  const twilioStatus =
    optional(params, 'MessageStatus') ?? optional(params, 'SmsStatus') ?? '(none)';
  const status = deliveryStatusOf(twilioStatus);
  const messageId = request.query.message;
  if (status !== null) {
    const errorCode = optional(params, 'ErrorCode');
    const update: StatusUpdate = {
      carrierId,
      status,
      ...(messageId === undefined || messageId === '' ? {} : { messageId }),
      ...(errorCode === undefined || errorCode === '0'
        ? {}
        : {
            errorCode,
            errorMessage: twilioErrorMessage(errorCode, optional(params, 'ErrorMessage')),
          }),
    };
    await applyDeliveryStatus(context, update);
  }
  return reply.code(204).send();
}

/** Twilio's webhooks (CARRIER=twilio): form-encoded, signed, limited per address. */
export const twilioArea: FastifyPluginAsyncZod<TwilioAreaOptions> = async (app, options) => {
  await app.register(rateLimit, {
    global: options.perMinute > 0,
    max: options.perMinute,
    timeWindow: MINUTE_MS,
    errorResponseBuilder: (_request, limit) => requestsLimited(limit.ttl),
  });
  // The signature covers the parameters as sent: the body is kept as the string that came.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: BODY_LIMITS.default },
    (_request, body, done) => {
      done(null, body);
    },
  );
  const config = { accepts: 'form' } as const;
  app.post(TWILIO_SMS_PATH, { config: { ...config, ingest: 'twilio' } }, (request, reply) =>
    twilioInbound(options, request, reply),
  );
  app.post(
    TWILIO_STATUS_PATH,
    { config, schema: { querystring: z.object({ message: z.string().optional() }) } },
    (request, reply) => twilioStatus(options, request, reply),
  );
};
