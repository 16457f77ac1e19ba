import { net, protocol } from 'electron';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { MediaResponse } from '../core/media/serve';
import { APP_SCHEME, APP_HOST, CONTENT_SECURITY_POLICY, resolveAppAsset } from '../core/security';

/** Answers app://textdesk/media/… (the renderer's pictures and files); core decides everything. */
export type MediaServer = (
  pathname: string,
  request: { readonly range: string | null },
) => Promise<MediaResponse>;

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    // stream: messages' audio and video play (and seek) from app://textdesk/media/….
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
    },
  ]);
}

function mediaResponse(request: Request, answer: MediaResponse): Response {
  if (request.method === 'HEAD' && typeof answer.body !== 'string') answer.body.destroy();
  const body =
    typeof answer.body === 'string'
      ? answer.body
      : (Readable.toWeb(answer.body) as ReadableStream<Uint8Array>);
  return new Response(request.method === 'HEAD' ? null : body, {
    status: answer.status,
    headers: answer.headers,
  });
}

/**
 * `npm run dev` only: the renderer comes from Vite's dev server, so its
 * `/media/…` requests go there; they are answered here instead, and every
 * other request goes on to the dev server as it was.
 */
export function serveMediaInDevelopment(devServerUrl: string, media: MediaServer): void {
  const origin = new URL(devServerUrl).origin;
  protocol.handle('http', async (request) => {
    const url = new URL(request.url);
    if (url.origin === origin && url.pathname.startsWith('/media/')) {
      return mediaResponse(
        request,
        await media(url.pathname, { range: request.headers.get('range') }),
      );
    }
    return net.fetch(request, { bypassCustomProtocolHandlers: true });
  });
}

/**
 * Serves the built renderer from app://textdesk/ with the strict CSP as a
 * header, instead of loading file:// pages (which could read any local file).
 */
export function serveRenderer(rendererRoot: string, media: MediaServer): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host === APP_HOST && url.pathname.startsWith('/media/')) {
      return mediaResponse(
        request,
        await media(url.pathname, { range: request.headers.get('range') }),
      );
    }
    const file = resolveAppAsset(rendererRoot, request.url);
    if (file === null) return new Response('Not found', { status: 404 });
    try {
      const response = await net.fetch(pathToFileURL(file).toString());
      const headers = new Headers(response.headers);
      headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      headers.set('X-Content-Type-Options', 'nosniff');
      return new Response(response.body, { status: response.status, headers });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
