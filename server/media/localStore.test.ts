import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterEach, expect, test } from 'vitest';
import { blobStoreContract } from './blobStore.contract';
import { LocalBlobStore } from './localStore';

const folders: string[] = [];
afterEach(async () => {
  await Promise.all(
    folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })),
  );
});

async function folder(): Promise<string> {
  const made = await mkdtemp(join(tmpdir(), 'textdesk-media-'));
  folders.push(made);
  return made;
}

const sha = (value: string) => createHash('sha256').update(value).digest('hex');

blobStoreContract('local folder', async () => {
  const root = await mkdtemp(join(tmpdir(), 'textdesk-media-'));
  return {
    store: new LocalBlobStore(join(root, 'media')),
    close: () => rm(root, { recursive: true, force: true }),
  };
});

test('a file is kept once under its hash, read back as a stream, and removed', async () => {
  const root = await folder();
  const store = new LocalBlobStore(join(root, 'media'));
  const source = join(await folder(), 'upload');
  await writeFile(source, 'the bytes of a receipt');
  const key = sha('the bytes of a receipt');
  await store.putFile(key, source);
  await store.putFile(key, source);
  expect(await store.has(key)).toBe(true);
  const found = await store.get(key);
  if (found === null) throw new Error('The file was not kept.');
  expect(found.size).toBe(22);
  expect(await text(found.body)).toBe('the bytes of a receipt');
  expect(await readdir(join(root, 'media', key.slice(0, 2)))).toEqual([key]);
  await store.delete(key);
  await store.delete(key);
  expect(await store.get(key)).toBeNull();
});

test('a key that is not a hash is refused, so nothing outside the folder is read or written', async () => {
  const store = new LocalBlobStore(await folder());
  for (const key of ['../../etc/passwd', 'abc', `${sha('x')}/../x`, `${sha('x')}.html`]) {
    await expect(store.get(key)).rejects.toThrow('Not a media key');
  }
  expect(await store.has(`${sha('x')}.thumbnail`)).toBe(false);
});
