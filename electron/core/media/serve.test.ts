/**
 * What the renderer gets for `/media/…`: staged files as sniffed, message
 * files from the cache with their exact type, nosniff, private caching,
 * downloads for what is not shown inline, byte ranges for audio and video.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { isStagedId, mediaPath } from '../../../shared/ipc/media';
import { MAX_MEDIA_BYTES, type MediaSnapshot } from '../../../shared/protocol/media';
import type { CacheAnswer } from './mediaCache';
import { mediaTarget, serveMedia, type MediaResponse } from './serve';
import { StagedFiles } from './staging';

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

let folder: string;
let staged: StagedFiles;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'textdesk-serve-'));
  staged = new StagedFiles(join(folder, 'staged'));
});
afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

async function bytes(response: MediaResponse): Promise<Buffer> {
  if (typeof response.body === 'string') return Buffer.from(response.body);
  const chunks: Buffer[] = [];
  for await (const chunk of response.body as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const record = (fields: Partial<MediaSnapshot>): MediaSnapshot => ({
  id: 'media-1',
  sha256: 'c'.repeat(64),
  type: 'application/pdf',
  kind: 'pdf',
  size: 10,
  filename: 'Invoice – März.pdf',
  claimedType: null,
  width: null,
  height: null,
  hasPreview: false,
  expired: false,
  createdAt: '2026-12-07T10:00:00.000Z',
  ...fields,
});

/** A media cache that has one file of each variant, of `media`'s type. */
async function cacheWith(media: MediaSnapshot, content = '0123456789') {
  const path = join(folder, 'file');
  await writeFile(path, content);
  const released: string[] = [];
  const get = (id: string, variant: string): Promise<CacheAnswer> =>
    Promise.resolve(
      id !== media.id
        ? { ok: false, status: 404, reason: 'No such file.' }
        : {
            ok: true,
            file: {
              path,
              type: variant === 'original' ? media.type : 'image/jpeg',
              size: content.length,
              media,
              release: () => released.push(variant),
            },
          },
    );
  return { sources: { get, staged }, released };
}

describe('staging', () => {
  test('keeps the bytes, sniffed: a PNG is a picture whatever it claimed', async () => {
    const png = await staged.stage({
      filename: 'C:\\photos\\dot.png',
      type: 'text/plain',
      data: PNG,
    });
    expect(png).toMatchObject({ filename: 'dot.png', type: 'image/png', kind: 'image', size: 68 });
    expect(isStagedId(png.id)).toBe(true);
    const served = await serveMedia(mediaPath(png.id, 'original'), { get: null, staged });
    expect(served.status).toBe(200);
    expect(served.headers).toMatchObject({
      'Content-Type': 'image/png',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, no-cache',
      'Content-Length': '68',
    });
    expect(await bytes(served)).toEqual(Buffer.from(PNG, 'base64'));

    await staged.remove(png.id);
    expect(await staged.find(png.id)).toBeNull();
  });

  test('HTML calling itself a JPEG is a download, never a picture', async () => {
    const html = Buffer.from('<html><script>alert(1)</script></html>').toString('base64');
    const file = await staged.stage({ filename: 'cat.jpg', type: 'image/jpeg', data: html });
    expect(file).toMatchObject({ type: 'application/octet-stream', kind: 'file' });
    const served = await serveMedia(`/media/staged/${file.id}`, { get: null, staged });
    expect(served.headers['Content-Type']).toBe('application/octet-stream');
    expect(served.headers['Content-Disposition']).toMatch(/^attachment; filename="cat\.jpg"/u);
    expect(served.headers['Content-Security-Policy']).toBe("default-src 'none'; sandbox");
    await bytes(served);
  });

  test('refuses empty and oversized files, and forgets a removed one', async () => {
    await expect(staged.stage({ filename: 'a', type: '', data: '' })).rejects.toThrow(/empty/u);
    const big = Buffer.alloc(MAX_MEDIA_BYTES + 1).toString('base64');
    await expect(staged.stage({ filename: 'big.bin', type: '', data: big })).rejects.toThrow(
      /at most 25 MB/u,
    );
    const vcard = Buffer.from('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEND:VCARD\r\n').toString(
      'base64',
    );
    const card = await staged.stage({ filename: 'ada.vcf', type: 'text/x-vcard', data: vcard });
    expect(card).toMatchObject({ type: 'text/vcard', kind: 'vcard' });
    await staged.remove(card.id);
    expect((await serveMedia(`/media/staged/${card.id}`, { get: null, staged })).status).toBe(404);
  });
});

test('staged files a week old that no waiting text names are swept; newer ones and named ones stay', async () => {
  const old = await staged.stage({ filename: 'a.png', type: '', data: PNG });
  const named = await staged.stage({ filename: 'b.png', type: '', data: PNG });
  const fresh = await staged.stage({ filename: 'c.png', type: '', data: PNG });
  const weekAgo = new Date(Date.now() - 8 * 24 * 60 * 60 * 1000);
  for (const id of [old.id, named.id]) {
    await utimes(join(folder, 'staged', `${id}.json`), weekAgo, weekAgo);
  }
  const removed = await staged.sweep(new Set([named.id]), new Date(Date.now() - 7 * 86_400_000));
  expect(removed).toBe(1);
  expect(await staged.find(old.id)).toBeNull();
  expect(await staged.find(named.id)).not.toBeNull();
  expect(await staged.find(fresh.id)).not.toBeNull();
});

describe('message files', () => {
  test('a PDF opens inline with its name; a picture’s original and other files only download', async () => {
    const pdf = await cacheWith(record({}));
    const shown = await serveMedia('/media/media-1/original', pdf.sources);
    expect(shown.headers).toMatchObject({
      'Content-Type': 'application/pdf',
      'Content-Disposition': `inline; filename="Invoice _ M_rz.pdf"; filename*=UTF-8''${encodeURIComponent('Invoice – März.pdf')}`,
      'Cache-Control': 'private, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
    });
    expect((await bytes(shown)).toString()).toBe('0123456789');
    expect(pdf.released).toEqual(['original']);
    const saved = await serveMedia('/media/media-1/original', pdf.sources, { download: true });
    expect(saved.headers['Content-Disposition']).toMatch(/^attachment;/u);
    await bytes(saved);

    const picture = await cacheWith(
      record({ type: 'image/jpeg', kind: 'image', filename: 'a.jpg' }),
    );
    const original = await serveMedia('/media/media-1/original', picture.sources);
    expect(original.headers['Content-Disposition']).toMatch(/^attachment;/u);
    await bytes(original);
    const thumbnail = await serveMedia('/media/media-1/thumbnail', picture.sources);
    expect(thumbnail.headers).toMatchObject({
      'Content-Type': 'image/jpeg',
      'Content-Disposition': 'inline',
    });
    await bytes(thumbnail);

    const other = await cacheWith(
      record({ type: 'application/zip', kind: 'file', filename: null }),
    );
    const zip = await serveMedia('/media/media-1/original', other.sources);
    expect(zip.headers['Content-Disposition']).toBe('attachment');
    await bytes(zip);
  });

  test('answers byte ranges, for audio and video to seek', async () => {
    const video = await cacheWith(record({ type: 'video/mp4', kind: 'video' }));
    const part = await serveMedia('/media/media-1/original', video.sources, { range: 'bytes=2-5' });
    expect(part.status).toBe(206);
    expect(part.headers).toMatchObject({ 'Content-Range': 'bytes 2-5/10', 'Content-Length': '4' });
    expect((await bytes(part)).toString()).toBe('2345');
    const tail = await serveMedia('/media/media-1/original', video.sources, { range: 'bytes=-3' });
    expect((await bytes(tail)).toString()).toBe('789');
    const bad = await serveMedia('/media/media-1/original', video.sources, { range: 'bytes=20-' });
    expect(bad.status).toBe(416);
  });

  test('anything else is not found; signed out, nothing is fetched', async () => {
    const { sources } = await cacheWith(record({}));
    for (const path of [
      '/media/media-1',
      '/media/media-1/original/more',
      '/media/media-1/secret',
      '/media/%E0%A4%A/original',
      '/media/staged/..%2F..%2Fsettings.json',
      '/media/unknown/original',
      '/index.html',
    ]) {
      expect((await serveMedia(path, sources)).status, path).toBe(404);
    }
    expect(mediaTarget('/media/staged/staged_1')).toEqual({ staged: true, id: 'staged_1' });
    expect((await serveMedia('/media/media-1/original', { get: null, staged })).status).toBe(503);
  });
});
