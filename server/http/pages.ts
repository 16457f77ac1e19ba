import type { FastifyReply } from 'fastify';

/**
 * Answers with a page or script of our own under its own Content-Security-
 * Policy, stricter than (or different from) the API's: helmet's headers
 * stay, this one replaces the API's policy.
 */
export function sendPage(
  reply: FastifyReply,
  status: number,
  contentType: string,
  body: string,
  csp: string,
): FastifyReply {
  return reply
    .code(status)
    .header('Content-Type', contentType)
    .header('Content-Security-Policy', csp)
    .send(body);
}
