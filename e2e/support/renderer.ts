import { test as base } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startPreview, type PreviewHost } from '../../electron/core/preview/previewHost';

const RENDERER_ROOT = resolve(import.meta.dirname, '../../out/renderer');

/**
 * Each test gets the preview host (`npm run preview`): the real desktop
 * core with its solo backend on a fresh data folder, and the built renderer
 * (`npm run build`) served with the app's CSP, `window.textdesk` carried
 * over the host's WebSocket bridge.
 */
export const test = base.extend<{ preview: PreviewHost; appUrl: string }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies first.
  preview: async ({}, use) => {
    const host = await startPreview({
      dataDir: mkdtempSync(join(tmpdir(), 'textdesk-e2e-')),
      rendererRoot: RENDERER_ROOT,
      onError: (error) => {
        console.error(error);
      },
    });
    await use(host);
    await host.close();
  },
  appUrl: async ({ preview }, use) => {
    await use(preview.url);
  },
});

export { expect } from '@playwright/test';
