/**
 * The API's description, made from the routes' own zod schemas: OpenAPI
 * 3.1 at GET /api/openapi.json and a reading page at /api/docs. Registered
 * before the areas, so it sees every route they add.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { HttpApp } from './types';

/** The version the document states: that of the REST API under /api/v1. */
export const API_VERSION = '1.0.0';

/** Routes anyone may call: no bearer token (carriers sign theirs; the opt-out pages are the link's). */
const PUBLIC = [
  /^\/healthz$/u,
  /^\/readyz$/u,
  /^\/api\/v1\/login$/u,
  /^\/u\//u,
  /^\/simulator/u,
  /^\/webhooks\//u,
  // The signature in the address is the permission (desktops and carriers fetch files by it).
  /^\/media\//u,
];

/** Pages for people, not the API: left out of the document. */
const PAGES = [/^\/simulator$/u, /^\/simulator\/app\.js$/u, /^\/u\/:token$/u];

const TAGS = [
  { name: 'auth', description: 'Signing in and out.' },
  { name: 'contacts', description: 'Contacts and their consent.' },
  { name: 'messages', description: 'Sending texts.' },
  {
    name: 'media',
    description:
      'Pictures and files (MMS): upload one, then send it with POST /api/v1/messages mediaIds; fetch one by its signed address.',
  },
  {
    name: 'commands',
    description:
      'Every command the desktop app sends, one route each, with the same rules: roles, the send gate, idempotency keys.',
  },
  { name: 'people', description: 'The account’s team.' },
  { name: 'settings', description: 'Account settings: time zone, the opt-out webhook.' },
  {
    name: 'carrier webhooks',
    description: 'What carriers call: inbound texts, delivery receipts.',
  },
  { name: 'simulator', description: 'The built-in phone network (CARRIER=simulator only).' },
  { name: 'operations', description: 'Health, readiness and metrics.' },
];

/** The tag of a route its area did not tag, from its address. */
function tagOf(url: string): string {
  if (url.startsWith('/api/v1/contacts')) return 'contacts';
  if (url.startsWith('/api/v1/messages')) return 'messages';
  if (url.startsWith('/api/v1/media') || url.startsWith('/media/')) return 'media';
  if (url.startsWith('/api/v1/users')) return 'people';
  if (url.startsWith('/api/v1/settings')) return 'settings';
  if (url.startsWith('/api/v1/log')) return 'auth';
  if (url.startsWith('/simulator')) return 'simulator';
  if (url.startsWith('/webhooks/') || url.startsWith('/u/')) return 'carrier webhooks';
  return 'operations';
}

export async function registerOpenApi(app: HttpApp): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Textdesk API',
        version: API_VERSION,
        description:
          'The REST API of a Textdesk server: the same commands and consent rules as the desktop app. Errors are `{"error": {"code", "message"}}` with a sentence a person can act on. Send `Idempotency-Key` on writes to make retries safe.',
      },
      tags: TAGS,
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'A session token from POST /api/v1/login, or an API key.',
          },
        },
      },
      security: [{ bearer: [] }],
    },
    transform: (input) => {
      const { schema, url } = jsonSchemaTransform(input);
      const documented = { ...schema } as Record<string, unknown>;
      if (PAGES.some((page) => page.test(url))) documented.hide = true;
      if (PUBLIC.some((open) => open.test(url))) documented.security = [];
      if (documented.tags === undefined) documented.tags = [tagOf(url)];
      return { schema: documented, url };
    },
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    uiConfig: { url: '/api/openapi.json', deepLinking: true },
    // The page's own scripts and styles, nothing from elsewhere.
    staticCSP:
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, () => Promise.resolve(app.swagger()));
}
