import { expect, test as base, type Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startPreview, type PreviewHost } from '../../electron/core/preview/previewHost';
import { writeSettings } from '../../electron/core/session';
import { addPerson, soloUrl } from './simulator';

const RENDERER_ROOT = resolve(import.meta.dirname, '../../out/renderer');

async function openPreview(team: boolean): Promise<PreviewHost> {
  const dataDir = mkdtempSync(join(tmpdir(), 'textdesk-e2e-'));
  // A team desktop starts signed out, at the sign-in screen, instead of running its own backend.
  if (team) await writeSettings(dataDir, { mode: 'team', serverUrl: null, session: null });
  return startPreview({
    dataDir,
    rendererRoot: RENDERER_ROOT,
    onError: (error) => {
      console.error(error);
    },
  });
}

/**
 * Each test gets the preview host (`npm run preview`): the real desktop
 * core with its solo backend on a fresh data folder, and the built renderer
 * (`npm run build`) served with the app's CSP, `window.textdesk` carried
 * over the host's WebSocket bridge. `teamDesk()` starts more desktops,
 * signed out, for other people of the team to sign in to the first one's
 * backend; `teammate(name, role)` adds such a person to the account and
 * gives their desktop's page, signed in through the sign-in screen.
 */
export const test = base.extend<{
  preview: PreviewHost;
  appUrl: string;
  teamDesk: () => Promise<PreviewHost>;
  teammate: (name: string, role?: 'agent' | 'supervisor' | 'admin') => Promise<Page>;
}>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies first.
  preview: async ({}, use) => {
    const host = await openPreview(false);
    await use(host);
    await host.close();
  },
  appUrl: async ({ preview }, use) => {
    await use(preview.url);
  },
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies first.
  teamDesk: async ({}, use) => {
    const hosts: PreviewHost[] = [];
    await use(async () => {
      const host = await openPreview(true);
      hosts.push(host);
      return host;
    });
    for (const host of hosts) await host.close();
  },
  teammate: async ({ browser, preview, teamDesk }, use) => {
    await use(async (name, role = 'agent') => {
      const credentials = await addPerson(preview, { name, role });
      const desk = await teamDesk();
      const page = await (await browser.newContext()).newPage();
      await page.goto(desk.url);
      await page.getByRole('textbox', { name: 'Server address' }).fill(soloUrl(preview));
      await page.getByRole('textbox', { name: 'Email' }).fill(credentials.email);
      await page.getByLabel('Password').fill(credentials.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByTestId('connection')).toHaveText('Live');
      return page;
    });
  },
});

export { expect };
