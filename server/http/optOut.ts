/**
 * The opt-out link pages (R8): GET /u/:token asks, POST /u/:token (the
 * page's button) opts out. For customers, not integrations: HTML under a
 * policy that allows no scripts, limited per address.
 */
import formBody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readOptOutLink, useOptOutLink, type OptOutLink } from '../domain/optOutLinks';
import { BODY_LIMITS, MINUTE_MS, PAGE_RATE_LIMIT, requestsLimited } from './limits';
import { sendPage } from './pages';
import type { AreaOptions } from './types';

const TokenParamsSchema = z.object({ token: z.string() });
const HTML = 'text/html; charset=utf-8';

/** No scripts at all; the form may post only back here. */
const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const escape = (text: string): string =>
  text.replace(
    /[&<>"']/gu,
    (character) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] ??
      character,
  );

function page(title: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<title>${escape(title)}</title>
<style>
  body { font: 17px/1.5 system-ui, sans-serif; margin: 0; background: Canvas; color: CanvasText; }
  main { max-width: 28rem; margin: 3rem auto; padding: 0 1.25rem; }
  h1 { font-size: 1.4rem; line-height: 1.3; }
  button { font: inherit; padding: 0.75rem 1.25rem; border-radius: 0.5rem; border: none;
    background: #b3261e; color: white; cursor: pointer; min-height: 44px; }
  button:focus-visible { outline: 3px solid #2457d6; outline-offset: 2px; }
  p.small { font-size: 0.9rem; opacity: 0.8; }
</style>
</head>
<body>
<main>
${content}
</main>
</body>
</html>`;
}

const notFound = (): string =>
  page(
    'Link not found',
    `<h1>This link does not work</h1>
<p>It may have been copied incompletely. To stop texts, reply <strong>STOP</strong> to any of them.</p>`,
  );

const done = (link: OptOutLink): string =>
  page(
    'You are opted out',
    `<h1 role="status">You will not get any more texts from ${escape(link.businessName)}</h1>
<p>To get texts again, reply <strong>START</strong> to any earlier text.</p>`,
  );

const ask = (link: OptOutLink): string =>
  page(
    `Stop texts from ${link.businessName}`,
    `<h1>Stop all texts from ${escape(link.businessName)}?</h1>
<p>You will get no more texts from them, of any kind, until you reply START.</p>
<form method="post">
  <button type="submit">Stop all texts</button>
</form>
<p class="small">You can also reply STOP to any text.</p>`,
  );

export const optOutArea: FastifyPluginAsyncZod<AreaOptions> = async (app, { context }) => {
  await app.register(rateLimit, {
    max: PAGE_RATE_LIMIT,
    timeWindow: MINUTE_MS,
    errorResponseBuilder: (_request, limit) => requestsLimited(limit.ttl),
  });
  // The form sends no fields; whatever a browser posts, in whatever type, is read and dropped.
  await app.register(formBody, { bodyLimit: BODY_LIMITS.empty });
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: BODY_LIMITS.empty },
    (_request, _body, done) => {
      done(null, undefined);
    },
  );

  /**
   * Asks before doing anything. Link scanners in mail and messaging apps
   * open links by themselves, so opening one changes nothing.
   */
  app.get('/u/:token', { schema: { params: TokenParamsSchema } }, async (request, reply) => {
    const link = await readOptOutLink(context, request.params.token);
    if (link === null) return sendPage(reply, 404, HTML, notFound(), PAGE_CSP);
    return sendPage(reply, 200, HTML, link.optedOut ? done(link) : ask(link), PAGE_CSP);
  });

  /** The page's button. Opts out (source `link`), then confirms. */
  app.post(
    '/u/:token',
    { bodyLimit: BODY_LIMITS.empty, schema: { params: TokenParamsSchema } },
    async (request, reply) => {
      const link = await useOptOutLink(context, request.params.token);
      if (link === null) return sendPage(reply, 404, HTML, notFound(), PAGE_CSP);
      return sendPage(reply, 200, HTML, done(link), PAGE_CSP);
    },
  );
};
