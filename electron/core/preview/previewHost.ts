import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { IPC_EVENTS, IPC_METHODS } from '../../../shared/ipc';
import { DesktopCore, type DesktopCoreOptions } from '../desktopCore';
import { createIpcDispatch } from '../ipcDispatch';
import { CONTENT_SECURITY_POLICY, resolveAppAsset } from '../security';
import { bridgeScript } from './bridgeScript';

/**
 * The preview host: the real DesktopCore and solo backend under Node, and
 * the built renderer served on loopback, with `window.textdesk` carried
 * over a WebSocket instead of Electron's IPC. It lets anyone use and test
 * the real app in a browser without Electron. Development only: nothing in
 * electron/main imports it, so it is never in a packaged build.
 *
 * Safety: it listens on 127.0.0.1 only; the bridge needs a random token
 * made for this run (in the printed URL) and a page from this very origin;
 * every call is parsed with the IPC contract's schemas, as in Electron.
 */
export interface PreviewOptions {
  readonly dataDir: string;
  /** The built renderer (out/renderer). */
  readonly rendererRoot: string;
  /** 0 (the default) for any free port. */
  readonly port?: number;
  readonly onError?: (error: unknown) => void;
}

export interface PreviewHost {
  /** Opens the app, signed in: carries the run's token. */
  readonly url: string;
  /** The phone simulator of the solo backend. */
  readonly simulatorUrl: string | null;
  readonly core: DesktopCore;
  close(): Promise<void>;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

const BRIDGE_PATH = '/__preview/bridge.js';
const SOCKET_PATH = '/__preview/socket';
/** Carries the run's token to `/media/…` requests, which an <img> makes without the bridge. */
const MEDIA_COOKIE = 'textdesk-preview';

/** The value of one cookie of a request, or null. */
function cookie(request: IncomingMessage, name: string): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return null;
}

const sameToken = (given: string | null, token: string): boolean => {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
};

export async function startPreview(options: PreviewOptions): Promise<PreviewHost> {
  const token = randomBytes(32).toString('base64url');
  const sockets = new Set<WebSocket>();
  const broadcast = (event: string, payload: unknown): void => {
    const frame = JSON.stringify({ event, payload });
    for (const socket of sockets) socket.send(frame);
  };
  const coreOptions: DesktopCoreOptions = {
    dataDir: options.dataDir,
    appInfo: {
      name: 'Textdesk',
      version: process.env.npm_package_version ?? '0.0.0',
      platform: `${process.platform} (preview)`,
      versions: { electron: 'none (preview)', chrome: 'your browser', node: process.versions.node },
    },
    emit: broadcast,
    onError: options.onError,
  };
  const core = await DesktopCore.start(coreOptions);
  const dispatch = createIpcDispatch(core.handlers, (_method, error) => options.onError?.(error));

  const http = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      options.onError?.(error);
      if (!response.headersSent) response.writeHead(500).end('Something went wrong.');
    });
  });
  let origin = '';

  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://preview');
    const path = url.pathname;
    if (path.startsWith('/media/')) {
      await serveMedia(request, response, path);
      return;
    }
    if (path === BRIDGE_PATH) {
      response.writeHead(200, {
        'Content-Type': TYPES['.js'],
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      response.end(bridgeScript([...IPC_METHODS], [...IPC_EVENTS], SOCKET_PATH));
      return;
    }
    const file = resolveAppAsset(options.rendererRoot, `app://textdesk${path}`);
    if (file === null) {
      response.writeHead(404).end('Not found');
      return;
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      response.writeHead(404).end('Not found');
      return;
    }
    const headers = {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    };
    if (extname(file) === '.html') {
      // The bridge runs first, as a classic script, before the app's module.
      const html = body
        .toString('utf8')
        .replace('<head>', `<head><script src="${BRIDGE_PATH}"></script>`);
      // Opened with the run's token: pictures and files may be fetched from now on.
      const given = url.searchParams.get('token');
      const media = sameToken(given, token)
        ? { 'Set-Cookie': `${MEDIA_COOKIE}=${token}; Path=/media; HttpOnly; SameSite=Strict` }
        : {};
      response.writeHead(200, { ...headers, ...media }).end(html);
      return;
    }
    response.writeHead(200, headers).end(body);
  };

  /** Message files, for a page opened with this run's token only (its cookie). */
  const serveMedia = async (
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
  ): Promise<void> => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405).end();
      return;
    }
    if (!sameToken(cookie(request, MEDIA_COOKIE), token)) {
      response.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Forbidden');
      return;
    }
    const answer = await core.serveMedia(path, { range: request.headers.range ?? null });
    response.writeHead(answer.status, answer.headers);
    if (typeof answer.body === 'string' || request.method === 'HEAD') {
      if (typeof answer.body !== 'string') answer.body.destroy();
      response.end(typeof answer.body === 'string' ? answer.body : undefined);
      return;
    }
    const body = answer.body;
    response.once('close', () => body.destroy());
    body.once('error', () => response.destroy());
    body.pipe(response);
  };

  const wss = new WebSocketServer({
    server: http,
    path: SOCKET_PATH,
    // Room for one staged file: 25 MB as base64 in its JSON message.
    maxPayload: 36 * 1024 * 1024,
    verifyClient: ({ origin: from, req }: { origin: string; req: IncomingMessage }) => {
      const given = new URL(req.url ?? '/', 'http://preview').searchParams.get('token');
      return from === origin && sameToken(given, token);
    },
  });
  wss.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('message', (data) => {
      let call: { id?: unknown; method?: unknown; input?: unknown };
      try {
        call = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : '') as typeof call;
      } catch {
        return;
      }
      if (typeof call.id !== 'number' || typeof call.method !== 'string') return;
      const { id } = call;
      void dispatch(call.method, call.input).then((result) => {
        socket.send(JSON.stringify({ id, result }));
      });
    });
  });

  await new Promise<void>((ready, failed) => {
    http.once('error', failed);
    http.listen(options.port ?? 0, '127.0.0.1', () => {
      ready();
    });
  });
  const { port } = http.address() as AddressInfo;
  origin = `http://127.0.0.1:${String(port)}`;
  return {
    url: `${origin}/?token=${token}`,
    simulatorUrl: core.solo?.simulatorUrl ?? null,
    core,
    close: async () => {
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((closed) => {
        wss.close(() => {
          closed();
        });
      });
      http.closeAllConnections();
      await new Promise<void>((closed) =>
        http.close(() => {
          closed();
        }),
      );
      await core.stop();
    },
  };
}
