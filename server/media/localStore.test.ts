import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, expect, test } from 'vitest';
import { createAccount } from '../accounts/accounts';
import { loadConfig } from '../config';
import { migrate } from '../db/migrate';
import { freshStorage } from '../testing/storage';
import { blobStoreContract } from './blobStore.contract';
import { LocalBlobStore } from './localStore';
import { openMedia } from './setup';

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

test('MEDIA_STORE=local keeps files under MEDIA_DIR, and addresses signed before a restart still open', async () => {
  const storage = await freshStorage('sqlite');
  try {
    await migrate(storage);
    const accountId = await createAccount(
      storage.db,
      { name: 'Acme Dental', defaultCountry: 'US', businessNumber: '+12015550100' },
      new Date(),
    );
    const dir = join(await folder(), 'media');
    const config = loadConfig({ MEDIA_DIR: dir });
    const before = openMedia(config, storage.db, () => 'https://texts.acme.test');
    expect(before.store.kind).toBe('local');
    const ingested = await before.ingest({
      accountId,
      source: 'upload',
      body: Readable.from([Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n')]),
      filename: 'consent form.pdf',
    });
    if (!ingested.ok) throw new Error(ingested.error.message);
    const { id, sha256 } = ingested.value;
    expect(await readdir(join(dir, 'files', sha256.slice(0, 2)))).toEqual([sha256]);
    // The signing key is made once, readable by this user only.
    const key = await stat(join(dir, 'signing.key'));
    if (process.platform !== 'win32') expect(key.mode & 0o077).toBe(0);
    const query = Object.fromEntries(new URL(before.signedUrl(id, 'original')).searchParams);
    const after = openMedia(config, storage.db, () => 'https://texts.acme.test');
    expect(await after.openSigned(id, 'original', query, new Date())).toMatchObject({
      type: 'application/pdf',
      filename: 'consent form.pdf',
      // A PDF is saved, never opened by the app's own pages.
      attachment: true,
    });
  } finally {
    await storage.close();
  }
});
