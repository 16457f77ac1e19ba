/**
 * The media cache against a small HTTP server that answers as the media
 * REST API does (the real server's routes are tested in serverMedia.test.ts):
 * downloads kept whole, one download for many requests, a lapsed signed
 * address asked for again, originals evicted least recently used first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { MediaSnapshot } from '../../../shared/protocol/media';
import { MediaCache, type CacheAnswer } from './mediaCache';

const TOKEN = 'session-token';

const record = (id: string, fields: Partial<MediaSnapshot> = {}): MediaSnapshot => ({
  id,
  sha256: 'b'.repeat(64),
  type: 'application/pdf',
  kind: 'pdf',
  size: 1000,
  filename: `${id}.pdf`,
  claimedType: null,
  width: null,
  height: null,
  hasPreview: false,
  expired: false,
  createdAt: '2026-12-07T10:00:00.000Z',
  ...fields,
});

interface FakeServer {
  readonly url: string;
  readonly files: Map<string, { media: MediaSnapshot; bytes: Buffer }>;
  /** Requests for each path, counted. */
  readonly hits: Map<string, number>;
  /** Signed addresses made before this generation are refused, as lapsed ones are. */
  generation: number;
  /** What the info answers as the original's address, instead of the real one. */
  originalAddress: string | null;
  /** Held downloads: released by calling the function. */
  hold: Promise<void> | null;
  close(): Promise<void>;
}

async function fakeServer(): Promise<FakeServer> {
  const fake: FakeServer = {
    url: '',
    files: new Map(),
    hits: new Map(),
    generation: 1,
    originalAddress: null,
    hold: null,
    close: () =>
      new Promise((done) => {
        server.close(() => {
          done();
        });
      }),
  };
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    fake.hits.set(url.pathname, (fake.hits.get(url.pathname) ?? 0) + 1);
    const info = /^\/api\/v1\/media\/([^/]+)$/u.exec(url.pathname);
    if (info !== null) {
      if (request.headers.authorization !== `Bearer ${TOKEN}`) {
        response.writeHead(401).end();
        return;
      }
      const file = fake.files.get(info[1] ?? '');
      if (file === undefined) {
        response.writeHead(404, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ error: { code: 'not-found', message: 'No such file.' } }));
        return;
      }
      const signed = (variant: string) =>
        `${fake.url}/signed/${file.media.id}/${variant}?g=${String(fake.generation)}`;
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(
        JSON.stringify({
          media: file.media,
          urls: {
            original: fake.originalAddress ?? signed('original'),
            preview: file.media.hasPreview ? signed('preview') : null,
            thumbnail: file.media.hasPreview ? signed('thumbnail') : null,
          },
          expiresAt: new Date(Date.now() + 300_000).toISOString(),
        }),
      );
      return;
    }
    const signed = /^\/signed\/([^/]+)\/([a-z]+)$/u.exec(url.pathname);
    const file = fake.files.get(signed?.[1] ?? '');
    if (signed === null || file === undefined) {
      response.writeHead(404).end();
      return;
    }
    if (Number(url.searchParams.get('g')) < fake.generation) {
      response.writeHead(403).end('expired');
      return;
    }
    const send = () => {
      const preview = signed[2] !== 'original';
      const body = preview ? Buffer.from(`${signed[2] ?? ''} of ${file.media.id}`) : file.bytes;
      response.writeHead(200, {
        'Content-Type': preview ? 'image/jpeg' : 'application/octet-stream',
        'Content-Length': String(body.length),
      });
      response.end(body);
    };
    if (fake.hold === null) send();
    else void fake.hold.then(send);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  (fake as { url: string }).url =
    `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  return fake;
}

let folder: string;
let fake: FakeServer;
beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), 'textdesk-media-'));
  fake = await fakeServer();
});
afterEach(async () => {
  await fake.close();
  rmSync(folder, { recursive: true, force: true });
});

const open = (cap?: number) =>
  new MediaCache({
    root: folder,
    session: () => ({ serverUrl: fake.url, token: TOKEN }),
    ...(cap !== undefined && { originalsCap: cap }),
  });

function add(id: string, size: number, fields: Partial<MediaSnapshot> = {}): Buffer {
  const bytes = Buffer.alloc(size, id.charCodeAt(id.length - 1));
  fake.files.set(id, { media: record(id, { size, ...fields }), bytes });
  return bytes;
}

async function bytesOf(answer: CacheAnswer): Promise<Buffer> {
  if (!answer.ok) throw new Error(`${String(answer.status)}: ${answer.reason}`);
  answer.file.release();
  return readFile(answer.file.path);
}

describe('the media cache', () => {
  test('downloads a file once, keeps it whole with its type, and serves it from disk after', async () => {
    const bytes = add('m1', 3000);
    const cache = open();
    const first = await cache.get('m1', 'original');
    expect(await bytesOf(first)).toEqual(bytes);
    expect(first.ok && first.file.type).toBe('application/pdf');
    expect(await bytesOf(await cache.get('m1', 'original'))).toEqual(bytes);
    expect(fake.hits.get('/signed/m1/original')).toBe(1);
    expect(fake.hits.get('/api/v1/media/m1')).toBe(1);

    // A new start finds it on disk, without asking the server.
    fake.files.delete('m1');
    expect(await bytesOf(await open().get('m1', 'original'))).toEqual(bytes);
  });

  test('many requests for the same file share one download, and its variants one question', async () => {
    add('m1', 5000, { type: 'image/jpeg', kind: 'image', hasPreview: true });
    let release: () => void = () => undefined;
    fake.hold = new Promise((done) => {
      release = done;
    });
    const cache = open();
    const answers = Promise.all([1, 2, 3, 4].map(() => cache.get('m1', 'thumbnail')));
    const preview = cache.get('m1', 'preview');
    // Nothing is answered until the server sends the bytes; then everyone has them.
    release();
    const all = await answers;
    expect((await bytesOf(await preview)).toString()).toBe('preview of m1');
    expect(all.map((answer) => answer.ok && answer.file.type)).toEqual(Array(4).fill('image/jpeg'));
    expect(fake.hits.get('/signed/m1/thumbnail')).toBe(1);
    expect(fake.hits.get('/api/v1/media/m1')).toBe(1);
    expect((await bytesOf(all[0] ?? { ok: false, status: 404, reason: 'none' })).toString()).toBe(
      'thumbnail of m1',
    );
  });

  test('asks for a fresh address when the signed one lapsed', async () => {
    add('m1', 100, { type: 'image/png', kind: 'image', hasPreview: true });
    const cache = open();
    expect((await bytesOf(await cache.get('m1', 'thumbnail'))).toString()).toBe('thumbnail of m1');
    // The preview's address came with the first answer; it has lapsed since.
    fake.generation = 2;
    expect((await bytesOf(await cache.get('m1', 'preview'))).toString()).toBe('preview of m1');
    expect(fake.hits.get('/signed/m1/preview')).toBe(2);
    expect(fake.hits.get('/api/v1/media/m1')).toBe(2);
  });

  test('says what is missing: unknown files, no preview, unsafe ids, addresses that are not http', async () => {
    add('m1', 100);
    const cache = open();
    expect(await cache.get('nope', 'original')).toMatchObject({ ok: false, status: 404 });
    expect(await cache.get('m1', 'thumbnail')).toMatchObject({ ok: false, status: 404 });
    expect(await cache.get('../m1', 'original')).toMatchObject({ ok: false, status: 404 });
    add('m2', 100, { expired: true });
    fake.originalAddress = 'file:///etc/passwd';
    expect(await cache.get('m2', 'original')).toMatchObject({ ok: false, status: 502 });
    const signedOut = new MediaCache({ root: folder, session: () => null });
    expect(await signedOut.get('m2', 'original')).toMatchObject({ ok: false, status: 503 });
  });

  test('keeps originals under the cap, evicting the least recently used, never thumbnails', async () => {
    for (const id of ['m1', 'm2', 'm3'])
      add(id, 400, { type: 'image/jpeg', kind: 'image', hasPreview: true });
    const cache = open(1000);
    await bytesOf(await cache.get('m1', 'thumbnail'));
    await bytesOf(await cache.get('m1', 'original'));
    await bytesOf(await cache.get('m2', 'original'));
    // m1 is read again: m2 is now the least recently used.
    await bytesOf(await cache.get('m1', 'original'));
    await bytesOf(await cache.get('m3', 'original'));
    expect(await cache.originals()).toEqual({ ids: ['m1', 'm3'], bytes: 800 });
    await expect(stat(join(folder, 'm2', 'original'))).rejects.toThrow();
    expect((await stat(join(folder, 'm1', 'thumbnail'))).isFile()).toBe(true);

    // After a restart, in the same order (by last use on disk).
    const again = open(1000);
    expect(await again.originals()).toEqual({ ids: ['m1', 'm3'], bytes: 800 });
    // A file bigger than the cap is still kept while it is the newest.
    add('m4', 1500);
    await bytesOf(await again.get('m4', 'original'));
    expect(await again.originals()).toEqual({ ids: ['m4'], bytes: 1500 });
  });

  test('forgets every variant of a file whose retention ended', async () => {
    add('m1', 300, { type: 'image/jpeg', kind: 'image', hasPreview: true });
    const cache = open();
    await bytesOf(await cache.get('m1', 'thumbnail'));
    await bytesOf(await cache.get('m1', 'original'));
    await cache.forget('m1');
    expect(await cache.originals()).toEqual({ ids: [], bytes: 0 });
    await expect(stat(join(folder, 'm1'))).rejects.toThrow();
  });

  test('never removes an original that is being read', async () => {
    add('m1', 600);
    add('m2', 600);
    const cache = open(1000);
    const reading = await cache.get('m1', 'original');
    await bytesOf(await cache.get('m2', 'original'));
    expect((await cache.originals()).ids).toEqual(['m1', 'm2']);
    if (reading.ok) reading.file.release();
    add('m3', 100);
    await bytesOf(await cache.get('m3', 'original'));
    expect((await cache.originals()).ids).toEqual(['m2', 'm3']);
  });
});
