import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { SessionUser } from '../auth/sessions';
import type { ServerContext } from '../domain/context';

/** What a route reads its body as; a request sending anything else is a 415 that says so. */
export type MediaKind = 'json' | 'form';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on routes that read a body other than JSON (routes with a body schema read JSON). */
    accepts?: MediaKind;
    /** Set on carrier webhooks that deliver texts: their answer times go to the ingest histogram. */
    ingest?: string;
    /** Health checks and metrics scrapes: their request lines are logged at debug, not info. */
    probe?: boolean;
  }
  interface FastifyRequest {
    /** Who signed the request, once the route's sign-in hook has run; null before or without. */
    user: SessionUser | null;
  }
}

/** The Fastify instance every area plugin is registered on: zod schemas, typed by zod. */
export type HttpApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** What each area plugin is given. */
export interface AreaOptions {
  readonly context: ServerContext;
}
