/**
 * What an operator's tooling asks: GET /healthz (the process answers),
 * GET /readyz (the database answers and every migration has run), and
 * GET /metrics (Prometheus's text format) — for METRICS_TOKEN's bearer, or
 * without one only from this machine. None is rate limited; their request
 * lines are logged at debug.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import ipaddr from 'ipaddr.js';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Storage } from '../db/connect';
import { pendingMigrations } from '../db/migrate';
import type { Metrics } from '../metrics';
import { HttpError } from './errors';

export interface OperationsOptions {
  readonly storage: Storage;
  readonly metrics: Metrics;
  /** METRICS_TOKEN: the bearer token /metrics asks for; null: only loopback callers. */
  readonly metricsToken: string | null;
}

const ReadySchema = z.object({
  ready: z.boolean(),
  database: z.enum(['ok', 'unreachable']),
  /** Migrations this server knows that the database has not run yet. */
  pendingMigrations: z.array(z.string()),
});

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether the caller may read /metrics: the token's bearer, or anyone on this machine when there is none. */
function mayReadMetrics(request: FastifyRequest, token: string | null): boolean {
  if (token !== null) {
    const header = request.headers.authorization ?? '';
    return header.startsWith('Bearer ') && sameSecret(header.slice('Bearer '.length), token);
  }
  try {
    // request.ip: behind TRUST_PROXY the client the proxy names, not the proxy itself.
    const address = ipaddr.process(request.ip);
    return address.range() === 'loopback';
  } catch {
    return false;
  }
}

export const healthArea: FastifyPluginAsyncZod<OperationsOptions> = (app, options) => {
  const quiet = { config: { probe: true } };
  app.get(
    '/healthz',
    {
      ...quiet,
      schema: {
        tags: ['operations'],
        summary: 'Whether the server process answers (for load balancers).',
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    () => Promise.resolve({ ok: true as const }),
  );

  app.get(
    '/readyz',
    {
      ...quiet,
      schema: {
        tags: ['operations'],
        summary: 'Whether the server can take work: its database answers and is fully migrated.',
        response: { 200: ReadySchema, 503: ReadySchema },
      },
    },
    async (request, reply) => {
      let pending: string[] = [];
      let database: 'ok' | 'unreachable' = 'ok';
      try {
        await sql`select 1`.execute(options.storage.db);
        pending = await pendingMigrations(options.storage);
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check: the database did not answer');
        database = 'unreachable';
      }
      const ready = database === 'ok' && pending.length === 0;
      return reply.code(ready ? 200 : 503).send({ ready, database, pendingMigrations: pending });
    },
  );

  app.get(
    '/metrics',
    {
      ...quiet,
      schema: {
        tags: ['operations'],
        summary:
          'Prometheus metrics: texts in and out, opt-outs, webhook deliveries, ingest latency, desktops, outbound queue, database pool.',
        description:
          'With METRICS_TOKEN set, send it as a bearer token; without, only callers on the server’s own machine are answered.',
        produces: ['text/plain'],
      },
    },
    async (request, reply) => {
      if (!mayReadMetrics(request, options.metricsToken)) {
        throw options.metricsToken === null
          ? new HttpError(
              403,
              'not-allowed',
              'Metrics are served only to this machine unless METRICS_TOKEN is set.',
            )
          : new HttpError(401, 'unauthenticated', 'Send the metrics token as a bearer token.', {
              'WWW-Authenticate': 'Bearer',
            });
      }
      const text = await options.metrics.registry.metrics();
      return reply.type(options.metrics.registry.contentType).send(text);
    },
  );
  return Promise.resolve();
};
