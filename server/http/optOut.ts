import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../domain/context';
import { readOptOutLink, useOptOutLink, type OptOutLink } from '../domain/optOutLinks';
import { readBody, sendPage } from './io';

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

/**
 * GET /u/:token: asks before doing anything. Link scanners in mail and
 * messaging apps open links by themselves, so opening one changes nothing.
 */
export async function optOutPage(
  context: ServerContext,
  _request: IncomingMessage,
  response: ServerResponse,
  params: Readonly<Record<string, string>>,
): Promise<void> {
  const link = await readOptOutLink(context, params.token ?? '');
  if (link === null) {
    sendPage(response, 404, 'text/html; charset=utf-8', notFound(), PAGE_CSP);
    return;
  }
  if (link.optedOut) {
    sendPage(response, 200, 'text/html; charset=utf-8', done(link), PAGE_CSP);
    return;
  }
  const html = page(
    `Stop texts from ${link.businessName}`,
    `<h1>Stop all texts from ${escape(link.businessName)}?</h1>
<p>You will get no more texts from them, of any kind, until you reply START.</p>
<form method="post">
  <button type="submit">Stop all texts</button>
</form>
<p class="small">You can also reply STOP to any text.</p>`,
  );
  sendPage(response, 200, 'text/html; charset=utf-8', html, PAGE_CSP);
}

/** POST /u/:token: the page's button. Opts out (source `link`), then confirms. */
export async function optOutConfirm(
  context: ServerContext,
  request: IncomingMessage,
  response: ServerResponse,
  params: Readonly<Record<string, string>>,
): Promise<void> {
  // The form sends nothing; read and drop whatever came, within the size limit.
  await readBody(request);
  const link = await useOptOutLink(context, params.token ?? '');
  if (link === null) {
    sendPage(response, 404, 'text/html; charset=utf-8', notFound(), PAGE_CSP);
    return;
  }
  sendPage(response, 200, 'text/html; charset=utf-8', done(link), PAGE_CSP);
}
