import { test as base, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve } from 'node:path';
import { createCoreHandlers, createIpcDispatch, type IpcDispatch } from '../../electron/core';
import { CONTENT_SECURITY_POLICY, resolveAppAsset } from '../../electron/core/security';
import { IPC_METHODS } from '../../shared/ipc';

const RENDERER_ROOT = resolve(import.meta.dirname, '../../out/renderer');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
};

/**
 * Serves the built renderer (`npm run build`) on loopback the way Electron's
 * app:// handler does: same files, same CSP header.
 */
async function serveRenderer(): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const file = resolveAppAsset(RENDERER_ROOT, `app://textdesk${request.url ?? '/'}`);
    if (file === null) {
      response.writeHead(404).end('Not found');
      return;
    }
    readFile(file).then(
      (body) => {
        response.writeHead(200, {
          'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
          'Content-Security-Policy': CONTENT_SECURITY_POLICY,
          'X-Content-Type-Options': 'nosniff',
        });
        response.end(body);
      },
      () => response.writeHead(404).end('Not found'),
    );
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, server };
}

/**
 * Gives the page the same `window.textdesk` the preload builds, with calls
 * carried to the real main-process core running in this test process.
 */
async function bridge(page: Page, dispatch: IpcDispatch): Promise<void> {
  await page.exposeFunction('__textdeskInvoke', dispatch);
  await page.addInitScript((methods: readonly string[]) => {
    const invoke = (
      window as unknown as { __textdeskInvoke: (m: string, i: unknown) => Promise<unknown> }
    ).__textdeskInvoke;
    const api: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
    for (const method of methods) {
      const [namespace = '', name = ''] = method.split('.');
      (api[namespace] ??= {})[name] = (input?: unknown) => invoke(method, input);
    }
    Object.defineProperty(window, 'textdesk', { value: Object.freeze(api) });
  }, IPC_METHODS);
}

export const test = base.extend<{ appUrl: string }, { rendererServer: { url: string } }>({
  rendererServer: [
    // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies first.
    async ({}, use) => {
      const { url, server } = await serveRenderer();
      await use({ url });
      await new Promise((closed) => server.close(closed));
    },
    { scope: 'worker' },
  ],
  appUrl: async ({ page, rendererServer }, use) => {
    const dispatch = createIpcDispatch(
      createCoreHandlers({
        appInfo: {
          name: 'Textdesk',
          version: '0.1.0-test',
          platform: 'browser',
          versions: { electron: 'none', chrome: 'browser', node: process.versions.node },
        },
      }),
    );
    await bridge(page, dispatch);
    await use(rendererServer.url);
  },
});

export { expect } from '@playwright/test';
