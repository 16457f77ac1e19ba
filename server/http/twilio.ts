import type { IncomingMessage, ServerResponse } from 'node:http';
import { findNul, nulMessage } from '../../shared/protocol/commands';
import { deliveryStatusOf, twilioErrorMessage } from '../carriers/twilio';
import { isValidTwilioSignature, parseForm, type FormParams } from '../carriers/twilioSignature';
import type { StatusUpdate } from '../carriers/types';
import type { ServerContext } from '../domain/context';
import { applyDeliveryStatus } from '../domain/outbound';
import { acceptInbound, sendRepliesOf } from './inbound';
import { HttpError, readBody } from './io';

export interface TwilioWebhookOptions {
  /** Signs every webhook Twilio sends. */
  readonly authToken: string;
  /** The address Twilio is configured with; signatures are computed against it. */
  readonly publicUrl: string;
}

/** An empty TwiML document: Twilio sends no reply of its own. */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/**
 * Reads a webhook's form body and checks Twilio signed it for this address
 * with this account's auth token: anything else is refused before it is read
 * any further.
 */
async function readSignedForm(
  options: TwilioWebhookOptions,
  request: IncomingMessage,
): Promise<FormParams> {
  const type = request.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    throw new HttpError(
      415,
      'unsupported-media-type',
      'Twilio webhooks are form-encoded (Content-Type: application/x-www-form-urlencoded).',
    );
  }
  const params = parseForm(await readBody(request));
  const header = request.headers['x-twilio-signature'];
  const signature = Array.isArray(header) ? header[0] : header;
  if (signature === undefined || signature === '') {
    throw new HttpError(
      403,
      'missing-signature',
      'The request has no X-Twilio-Signature header, so it cannot be shown to come from Twilio.',
    );
  }
  const url = `${options.publicUrl.replace(/\/+$/u, '')}${request.url ?? '/'}`;
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
export async function twilioInbound(
  context: ServerContext,
  options: TwilioWebhookOptions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const params = await readSignedForm(options, request);
  const from = required(params, 'From');
  const body = required(params, 'Body');
  const carrierId = required(params, 'MessageSid');
  if (carrierId.trim() === '') throw new HttpError(422, 'invalid-input', 'MessageSid is empty.');
  const ingested = await acceptInbound(context, {
    from,
    to: optional(params, 'To'),
    body,
    carrierId,
  });
  response.writeHead(200, {
    'Content-Type': 'text/xml; charset=utf-8',
    'Content-Length': Buffer.byteLength(EMPTY_TWIML),
    'Cache-Control': 'no-store',
  });
  response.end(EMPTY_TWIML);
  sendRepliesOf(context, ingested);
}

/**
 * POST /webhooks/twilio/status?message=<our id>: Twilio's delivery receipt
 * for a text we sent. Answered 204 once applied; statuses that are not about
 * delivery (an inbound text's) are acknowledged and ignored.
 */
export async function twilioStatus(
  context: ServerContext,
  options: TwilioWebhookOptions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const params = await readSignedForm(options, request);
  const carrierId = optional(params, 'MessageSid') ?? optional(params, 'SmsSid');
  if (carrierId === undefined) throw new HttpError(422, 'invalid-input', 'MessageSid is required.');
  const twilioStatus =
    optional(params, 'MessageStatus') ?? optional(params, 'SmsStatus') ?? '(none)';
  const status = deliveryStatusOf(twilioStatus);
  const messageId =
    new URL(request.url ?? '/', 'http://localhost').searchParams.get('message') ?? undefined;
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
  response.writeHead(204, { 'Cache-Control': 'no-store' });
  response.end();
}
