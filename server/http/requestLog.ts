import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/** An incoming X-Request-Id is kept when it looks like one (a proxy's or a client's id). */
const SANE_ID = /^[\w.:@-]{1,128}$/u;

/** Fastify's genReqId: the caller's X-Request-Id when sane, else a fresh UUID. */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
}

/**
 * One line per request, when it is answered: its id, method, route pattern
 * (never the URL itself, which may hold a token), status, milliseconds and
 * who signed it, a person's id or an API key's name (probes only at debug). A `:phone` in the path is logged through the logger's
 * phone serializer, masked.
 */
export class RequestLog extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'reqId' });
  }

  override incomingRequest(): void {
    // The line is written once the request is answered.
  }

  override routeNotFound(): void {
    // Answered (404 or 405) and logged like any other request.
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const params = request.params as Readonly<Record<string, string>> | undefined;
    const line = {
      method: request.method,
      route: request.routeOptions.url ?? null,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      // An API key's request names the key (never its secret), not the admin it acts for.
      userId: request.user?.apiKey === undefined ? (request.user?.id ?? null) : null,
      ...(request.user?.apiKey !== undefined && { apiKey: request.user.apiKey.name }),
      ...(params?.phone !== undefined && { phone: params.phone }),
    };
    // Health checks and scrapes come every few seconds: their lines only at debug.
    const level = request.routeOptions.config.probe === true ? 'debug' : 'info';
    if (error === null || error === undefined) reply.log[level](line, 'request');
    else reply.log.warn({ ...line, err: error }, 'request cut off');
  }
}
