import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BlobStore } from './types';

/** A store for one test, and how to let it go afterwards. */
export interface OpenedStore {
  readonly store: BlobStore;
  readonly close?: () => Promise<void>;
}

export const sha256 = (value: string | Buffer): string =>
  createHash('sha256').update(value).digest('hex');

/** Hashes a stream as it comes; never holds more than one chunk. */
async function streamed(body: Readable): Promise<{ sha256: string; size: number; chunk: number }> {
  const hash = createHash('sha256');
  let size = 0;
  let chunk = 0;
  for await (const piece of body as AsyncIterable<Buffer>) {
    hash.update(piece);
    size += piece.length;
    chunk = Math.max(chunk, piece.length);
  }
  return { sha256: hash.digest('hex'), size, chunk };
}

/** A file of `bytes` random bytes written in 1 MB pieces, and its hash. */
async function largeFile(path: string, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  function* pieces() {
    for (let written = 0; written < bytes; written += 1024 * 1024) {
      const piece = randomBytes(Math.min(1024 * 1024, bytes - written));
      hash.update(piece);
      yield piece;
    }
  }
  await pipeline(pieces(), createWriteStream(path));
  return hash.digest('hex');
}

/**
 * What every media store does, whatever it keeps bytes in: registers the
 * tests for the stores `open` makes (one per test).
 */
export function blobStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`${name}: the media store contract`, () => {
    let folder = '';
    beforeAll(async () => {
      folder = await mkdtemp(join(tmpdir(), 'textdesk-contract-'));
    });
    afterAll(async () => {
      await rm(folder, { recursive: true, force: true });
    });

    async function withStore(work: (store: BlobStore) => Promise<void>): Promise<void> {
      const opened = await open();
      try {
        await work(opened.store);
      } finally {
        await opened.close?.();
      }
    }

    async function read(store: BlobStore, key: string): Promise<string | null> {
      const found = await store.get(key);
      return found === null ? null : text(found.body);
    }

    async function source(name: string, content: string | Buffer): Promise<string> {
      const path = join(folder, name);
      await writeFile(path, content);
      return path;
    }

    test('a file put in is read back as a stream with the same bytes and size', () =>
      withStore(async (store) => {
        const bytes = 'a photo of the broken crown, front teeth';
        const key = sha256(bytes);
        await store.putFile(key, await source('photo', bytes), 'image/jpeg');
        const found = await store.get(key);
        if (found === null) throw new Error('The file was not kept.');
        expect(found.size).toBe(Buffer.byteLength(bytes));
        expect(await text(found.body)).toBe(bytes);
        // Derived files live beside the original under their own keys.
        const thumbnail = `${key}.thumbnail`;
        await store.putFile(thumbnail, await source('thumb', 'small'), 'image/jpeg');
        expect(await read(store, thumbnail)).toBe('small');
        expect(await read(store, key)).toBe(bytes);
      }));

    test('putting the same key twice is harmless: the bytes first kept stay', () =>
      withStore(async (store) => {
        const key = sha256('first');
        await store.putFile(key, await source('first', 'first'), 'text/plain');
        await store.putFile(key, await source('first-again', 'first'), 'text/plain');
        // A key is a hash, so a second put under it is the same file: it is not written again.
        await store.putFile(key, await source('other', 'something else'), 'text/plain');
        expect((await store.get(key))?.size).toBe(5);
        expect(await read(store, key)).toBe('first');
      }));

    test('the same file put twice at once is kept once, and both puts succeed', () =>
      withStore(async (store) => {
        const bytes = Buffer.alloc(256 * 1024, 'the same picture, texted twice');
        const key = sha256(bytes);
        const path = await source('same', bytes);
        await Promise.all([1, 2, 3].map(() => store.putFile(key, path, 'image/png')));
        expect((await store.get(key))?.size).toBe(bytes.length);
        expect(await read(store, key)).toBe(bytes.toString());
      }));

    test('a file that cannot be read is an error, and nothing is kept under its key', () =>
      withStore(async (store) => {
        const key = sha256('gone before it was stored');
        await expect(
          store.putFile(key, join(folder, 'no-such-file'), 'image/png'),
        ).rejects.toThrow();
        expect(await store.has(key)).toBe(false);
      }));

    test('has tells what is kept; delete removes it, and deleting nothing is no error', () =>
      withStore(async (store) => {
        const key = sha256('to remove');
        expect(await store.has(key)).toBe(false);
        await store.putFile(key, await source('remove', 'to remove'), 'text/plain');
        expect(await store.has(key)).toBe(true);
        expect(await store.has(`${key}.preview`)).toBe(false);
        await store.delete(key);
        expect(await store.has(key)).toBe(false);
        expect(await store.get(key)).toBeNull();
        await store.delete(key);
        await store.delete(`${sha256('never there')}.preview`);
      }));

    test('a key never stored reads as nothing', () =>
      withStore(async (store) => {
        const key = sha256('never stored');
        expect(await store.get(key)).toBeNull();
        expect(await store.get(`${key}.thumbnail`)).toBeNull();
        expect(await store.has(key)).toBe(false);
      }));

    test('a key that is not a hash (with its variant) is refused by every operation', () =>
      withStore(async (store) => {
        const path = await source('bad', 'x');
        const bad = ['../../etc/passwd', 'abc', `${sha256('x')}/../x`, `${sha256('x')}.html`];
        for (const key of [...bad, sha256('x').toUpperCase(), '']) {
          await expect(store.putFile(key, path, 'text/plain')).rejects.toThrow('Not a media key');
          await expect(store.get(key)).rejects.toThrow('Not a media key');
          await expect(store.has(key)).rejects.toThrow('Not a media key');
          await expect(store.delete(key)).rejects.toThrow('Not a media key');
        }
      }));

    test('a 30 MB file goes in from disk and comes out as a stream in pieces', () =>
      withStore(async (store) => {
        const path = join(folder, 'large');
        const bytes = 30 * 1024 * 1024;
        const key = await largeFile(path, bytes);
        await store.putFile(key, path, 'video/mp4');
        const found = await store.get(key);
        if (found === null) throw new Error('The large file was not kept.');
        expect(found.size).toBe(bytes);
        const read = await streamed(found.body);
        expect(read).toMatchObject({ sha256: key, size: bytes });
        // Streamed, never handed over whole.
        expect(read.chunk).toBeLessThan(8 * 1024 * 1024);
        await store.delete(key);
        expect(await store.has(key)).toBe(false);
      }));
  });
}
