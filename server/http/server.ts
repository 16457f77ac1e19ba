/**
 * The HTTP server: Fastify with one plugin per area, each owning its routes
 * and their zod schemas. Here: what every response shares — security
 * headers (helmet), CORS (none unless CORS_ORIGINS allows an origin), the
 * request id, one log line per request — and the error shape, 404 and 405.
 */
import cors, { type FastifyCorsOptions } from '@fastify/cors';
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { PhoneSimulator } from '../carriers/simulator';
import type { Storage } from '../db/connect';
import type { ServerContext } from '../domain/context';
import type { Metrics } from '../metrics';
import type { UrlPolicy } from '../net/webhookUrl';
import { AllowedMethods } from './allowedMethods';
import { accessArea } from './access';
import { authArea } from './auth';
import { commandsArea } from './commands';
import { contactsArea } from './contacts';
import { HttpError, httpErrorOf, INTERNAL, NOT_FOUND, sendError } from './errors';
import { healthArea } from './health';
import { BODY_LIMITS } from './limits';
import { mediaArea } from './media';
import { messagesArea } from './messages';
import { registerOpenApi } from './openapi';
import { optOutArea } from './optOut';
import { RequestLog, requestIdOf } from './requestLog';
import { settingsArea } from './settings';
import { simulatorArea } from './simulator';
import { twilioArea, type TwilioWebhookOptions } from './twilio';
import type { HttpApp } from './types';
import { usersArea } from './users';
import {
  formatSchemaErrors,
  mediaTypeCheck,
  serializerCompiler,
  validatorWithNulCheck,
} from './validation';

export interface HttpOptions {
  readonly context: ServerContext;
  readonly storage: Storage;
  readonly metrics: Metrics;
  /** METRICS_TOKEN: the bearer token /metrics asks for; null: only this machine may read it. */
  readonly metricsToken: string | null;
  /** Where the opt-out webhook may point (WEBHOOK_ALLOW_LOOPBACK). */
  readonly webhookPolicy: UrlPolicy;
  readonly logger: FastifyBaseLogger;
  /** TRUST_PROXY: the client is the address the proxy appended to X-Forwarded-For. */
  readonly trustProxy: boolean;
  /** CORS_ORIGINS: the web origins allowed to call the API from a browser. */
  readonly corsOrigins: readonly string[];
  /** WEBHOOK_RATE_LIMIT: requests a minute per address on carrier webhooks; 0: no limit. */
  readonly webhookRateLimit: number;
  /** The phone network, when CARRIER=simulator: its routes are served. */
  readonly simulator: PhoneSimulator | null;
  /** When CARRIER=twilio: its webhooks are served. */
  readonly twilio: TwilioWebhookOptions | null;
}

/**
 * Fastify's trustProxy for TRUST_PROXY: trust one hop, so the client is the
 * last address in X-Forwarded-For (the one the proxy appended); earlier
 * ones are whatever the client claimed and are never believed.
 */
export const trustProxyHops = (
  trust: boolean,
): ((address: string, hop: number) => boolean) | false =>
  trust ? (_address, hop) => hop === 0 : false;

/**
 * Helmet's headers on every response. The API answers JSON, so its policy
 * allows nothing; the simulator and opt-out pages send their own.
 */
const HELMET: FastifyHelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
      frameAncestors: ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  // Only over HTTPS does a browser heed it; other names under the same domain are not ours to pin.
  strictTransportSecurity: { maxAge: 180 * 24 * 60 * 60, includeSubDomains: false },
};

function corsPolicy(origins: readonly string[]): FastifyCorsOptions {
  const allowed = new Set(origins);
  return {
    // No origin at all unless configured: then no CORS header is ever sent, preflights included.
    origin:
      allowed.size === 0
        ? false
        : (origin, callback) => {
            callback(null, origin !== undefined && allowed.has(origin));
          },
    methods: ['GET', 'POST', 'PUT', 'PATCH'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
    exposedHeaders: ['Idempotent-Replayed', 'Retry-After', 'X-Request-Id'],
    // Bearer tokens, never cookies: a browser sends no credentials on its own.
    credentials: false,
    maxAge: 600,
  };
}

/** The server's Fastify instance with every area registered; not yet listening. */
export async function buildHttpServer(options: HttpOptions): Promise<HttpApp> {
  const { context } = options;
  const app = Fastify({
    loggerInstance: options.logger,
    logController: new RequestLog(),
    genReqId: requestIdOf,
    trustProxy: trustProxyHops(options.trustProxy),
    bodyLimit: BODY_LIMITS.default,
    // A GET route answers GET; HEAD, like any other method, is a 405 with Allow.
    exposeHeadRoutes: false,
    // A long `:phone` or `:token` is the handler's to refuse (422, or the page's 404), not a 414.
    routerOptions: { maxParamLength: 1000 },
    schemaErrorFormatter: formatSchemaErrors,
    // A broken %-escape in a path: answered before any hook runs.
    frameworkErrors: (error, request, reply) => {
      void sendError(
        reply
          .header('X-Request-Id', request.id)
          .header('Cache-Control', 'no-store')
          .header('X-Content-Type-Options', 'nosniff'),
        httpErrorOf(error, request) ?? INTERNAL,
      );
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorWithNulCheck);
  app.setSerializerCompiler(serializerCompiler);
  // Bodies are JSON unless an area says otherwise; text/plain is refused with a 415.
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('user', null);

  const methods = new AllowedMethods();
  app.addHook('onRoute', methods.onRoute);
  app.addHook('onRoute', mediaTypeCheck);
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('X-Request-Id', request.id).header('Cache-Control', 'no-store');
    done();
  });
  // Carrier webhooks' answer times, arrival to acknowledgement, for the ingest histogram.
  app.addHook('onResponse', (request, reply, done) => {
    const carrier = request.routeOptions.config.ingest;
    if (carrier !== undefined && reply.statusCode < 300) {
      options.metrics.observeIngest(carrier, reply.elapsedTime / 1000);
    }
    done();
  });
  await app.register(helmet, HELMET);
  await app.register(cors, corsPolicy(options.corsOrigins));
  // First, so the document sees every route the areas add.
  await registerOpenApi(app);

  const notFound = (method: string, url: string): HttpError => {
    const allowed = methods.at(url);
    return allowed.length === 0
      ? NOT_FOUND
      : new HttpError(405, 'method-not-allowed', `${method} is not allowed here.`, {
          Allow: allowed.join(', '),
        });
  };
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, notFound(request.method, request.url)),
  );
  app.setErrorHandler((error, request, reply) => {
    // An unknown address stays a 404 (or 405) whatever its body was.
    if (request.is404) return sendError(reply, notFound(request.method, request.url));
    const known = httpErrorOf(error, request);
    if (known === null) request.log.error({ err: error }, 'request failed');
    return sendError(reply, known ?? INTERNAL);
  });

  await app.register(healthArea, {
    storage: options.storage,
    metrics: options.metrics,
    metricsToken: options.metricsToken,
  });
  await app.register(authArea, { context });
  await app.register(accessArea, { context });
  await app.register(contactsArea, { context });
  await app.register(mediaArea, { context });
  await app.register(messagesArea, { context });
  await app.register(commandsArea, { context });
  await app.register(usersArea, { context });
  await app.register(settingsArea, { context, webhookPolicy: options.webhookPolicy });
  await app.register(optOutArea, { context });
  if (options.simulator !== null) {
    await app.register(simulatorArea, {
      context,
      simulator: options.simulator,
      inboundPerMinute: options.webhookRateLimit,
    });
  }
  if (options.twilio !== null) {
    await app.register(twilioArea, {
      context,
      twilio: options.twilio,
      perMinute: options.webhookRateLimit,
    });
  }
  return app;
}
