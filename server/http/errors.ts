/**
 * Every error the HTTP API answers has one shape,
 * `{ "error": { "code", "message" } }`, with a sentence a person can read.
 * Errors Fastify raises itself (a body too large, broken JSON, no parser
 * for the media type) are translated here into the same shape and codes.
 */
import type {
  FastifyError,
  FastifyReply,
  FastifyRequest,
  FastifySchemaValidationError,
} from 'fastify';
import { z } from 'zod';
import type { MediaKind } from './types';

/** An error the client caused, answered with its status and a sentence. */
export class HttpError extends Error {
  /** Fastify reads the status from here. */
  readonly statusCode: number;

  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.statusCode = status;
  }
}

export const ErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export const INTERNAL = new HttpError(500, 'internal', 'Something went wrong on the server.');
export const NOT_FOUND = new HttpError(404, 'not-found', 'There is nothing at this address.');

const MEDIA_TYPES: Readonly<Record<MediaKind, { type: string; message: string }>> = {
  json: {
    type: 'application/json',
    message: 'Send the body as JSON (Content-Type: application/json).',
  },
  form: {
    type: 'application/x-www-form-urlencoded',
    message: 'Twilio webhooks are form-encoded (Content-Type: application/x-www-form-urlencoded).',
  },
};

export const unsupportedMediaType = (kind: MediaKind): HttpError =>
  new HttpError(415, 'unsupported-media-type', MEDIA_TYPES[kind].message);

/** Whether the request says its body is of this kind (a missing Content-Type is not). */
export function sendsMediaType(request: FastifyRequest, kind: MediaKind): boolean {
  const type = request.headers['content-type'] ?? '';
  return type.toLowerCase().startsWith(MEDIA_TYPES[kind].type);
}

export const tooLarge = (limit: number): HttpError =>
  new HttpError(413, 'too-large', `The request body is larger than ${limit / 1024} KiB.`);

/**
 * The zod issues of a request part, as one line: "path: message; …" (the
 * path left out for issues about the whole value).
 */
export function invalidInput(issues: readonly FastifySchemaValidationError[]): HttpError {
  const details = issues
    .map((issue) => {
      const path = issue.instancePath.replace(/^\//u, '').replaceAll('/', '.');
      return path === '' ? (issue.message ?? '') : `${path}: ${issue.message ?? ''}`;
    })
    .join('; ');
  return new HttpError(422, 'invalid-input', details);
}

const isFastifyError = (error: unknown): error is FastifyError =>
  error instanceof Error && typeof (error as Partial<FastifyError>).code === 'string';

/**
 * The answer for an error thrown while handling `request`, or null when it
 * is the server's fault (answered 500 and logged by the caller).
 */
export function httpErrorOf(error: unknown, request: FastifyRequest): HttpError | null {
  if (error instanceof HttpError) return error;
  if (!isFastifyError(error)) return null;
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType(request.routeOptions.config.accepts ?? 'json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new HttpError(400, 'malformed-json', 'The body is not valid JSON.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return tooLarge(request.routeOptions.bodyLimit);
    case 'FST_ERR_BAD_URL':
      return new HttpError(400, 'bad-path', 'The address has a broken %-escape.');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new HttpError(414, 'too-long', 'The address is too long.');
    default: {
      const status = error.statusCode ?? 500;
      // Other mistakes of the request's own (a bad Content-Length, say) keep Fastify's sentence.
      return status >= 400 && status < 500
        ? new HttpError(status, 'bad-request', error.message)
        : null;
    }
  }
}

export function sendError(reply: FastifyReply, error: HttpError): FastifyReply {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  return reply
    .code(error.statusCode)
    .headers(error.headers)
    .type('application/json; charset=utf-8')
    .send(body);
}
