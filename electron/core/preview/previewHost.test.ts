/**
 * The preview host serves message files only to a page opened with its
 * run's token: the page gets a cookie for /media, and an <img> request
 * without it is refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { startPreview, type PreviewHost } from './previewHost';

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const folders: string[] = [];
let host: PreviewHost | null = null;
afterEach(async () => {
  await host?.close();
  host = null;
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

test('message files need the cookie a page opened with the run’s token gets', async () => {
  const rendererRoot = mkdtempSync(join(tmpdir(), 'textdesk-renderer-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'textdesk-preview-'));
  folders.push(rendererRoot, dataDir);
  writeFileSync(join(rendererRoot, 'index.html'), '<html><head></head><body></body></html>');
  host = await startPreview({ dataDir, rendererRoot });
  const url = new URL(host.url);
  const staged = await host.core.handlers['media.stage']({
    filename: 'dot.png',
    type: 'image/png',
    data: PNG,
  });
  const path = `${url.origin}/media/staged/${staged.id}`;

  expect((await fetch(path)).status).toBe(403);
  expect((await fetch(path, { headers: { Cookie: 'textdesk-preview=wrong' } })).status).toBe(403);
  const without = await fetch(`${url.origin}/`);
  expect(without.headers.get('set-cookie')).toBeNull();
  await without.text();

  const page = await fetch(host.url);
  const cookie = page.headers.get('set-cookie') ?? '';
  expect(cookie).toMatch(/^textdesk-preview=[^;]+; Path=\/media; HttpOnly; SameSite=Strict$/u);
  await page.text();
  const file = await fetch(path, { headers: { Cookie: cookie.split(';')[0] ?? '' } });
  expect(file.status).toBe(200);
  expect(file.headers.get('content-type')).toBe('image/png');
  expect(file.headers.get('x-content-type-options')).toBe('nosniff');
  expect(Buffer.from(await file.arrayBuffer())).toEqual(Buffer.from(PNG, 'base64'));
  const unknown = await fetch(`${url.origin}/media/staged/staged_nope`, {
    headers: { Cookie: cookie.split(';')[0] ?? '' },
  });
  expect(unknown.status).toBe(404);
  await unknown.text();
});
