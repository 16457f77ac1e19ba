import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadConfig } from '../config';
import { migrate } from '../db/migrate';
import { createAccount } from '../accounts/accounts';
import { freshStorage } from '../testing/storage';
import { blobStoreContract, sha256 } from './blobStore.contract';
import { S3BlobStore, s3ClientConfig, type S3StoreOptions } from './s3Store';
import { openMedia } from './setup';

/** The little of s3rver (a local S3-compatible server, untyped) these tests use. */
interface S3rverServer {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string }[];
}) => S3rverServer;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

const BUCKET = 'textdesk-media';
let server: S3rverServer | undefined;
let folder = '';
let endpoint = '';

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'textdesk-s3rver-'));
  server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: join(folder, 'buckets'),
    configureBuckets: [{ name: BUCKET }],
  });
  const address = await server.run();
  endpoint = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await server?.close();
  await rm(folder, { recursive: true, force: true });
});

/** How the tests reach the local server: as MinIO would be, path-style with its keys. */
const options = (prefix: string, accessKeyId = 'S3RVER'): S3StoreOptions => ({
  bucket: BUCKET,
  prefix,
  region: 'us-east-1',
  endpoint,
  forcePathStyle: true,
  credentials: { accessKeyId, secretAccessKey: 'S3RVER' },
});

/** Each store its own prefix, so tests sharing the bucket never see each other's objects. */
blobStoreContract('S3-compatible bucket', () => {
  const store = new S3BlobStore(options(`test-${randomUUID()}/`));
  const close = (): Promise<void> => {
    store.destroy();
    return Promise.resolve();
  };
  return Promise.resolve({ store, close });
});

async function objectKeys(prefix: string): Promise<string[]> {
  const client = new S3Client(s3ClientConfig(options('')));
  try {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
    return (listed.Contents ?? []).map((object) => object.Key ?? '').sort();
  } finally {
    client.destroy();
  }
}

test('objects are named by their hash under S3_PREFIX, and another prefix sees none of them', async () => {
  const prefix = `tenant-${randomUUID()}/`;
  const store = new S3BlobStore(options(prefix));
  const other = new S3BlobStore(options(`other-${randomUUID()}/`));
  const path = join(folder, 'prefixed');
  await writeFile(path, 'a scanned insurance card');
  const key = sha256('a scanned insurance card');
  await store.putFile(key, path, 'image/png');
  await store.putFile(`${key}.preview`, path, 'image/png');
  expect(await objectKeys(prefix)).toEqual([`${prefix}${key}`, `${prefix}${key}.preview`]);
  expect(await other.has(key)).toBe(false);
  expect(await other.get(key)).toBeNull();
  store.destroy();
  other.destroy();
});

// s3rver checks the access key only (not SigV4 signatures): an unknown key is refused with 403.
test('refused credentials are an error, never taken for a missing file', async () => {
  const store = new S3BlobStore(options('', 'NOT-A-KEY'));
  const key = sha256('anything');
  await expect(store.has(key)).rejects.toThrow();
  await expect(store.get(key)).rejects.toThrow();
  store.destroy();
});

test('a bucket that does not exist is an error when reading or storing, not a missing file', async () => {
  const store = new S3BlobStore({ ...options(''), bucket: 'no-such-bucket' });
  const path = join(folder, 'for-a-missing-bucket');
  await writeFile(path, 'bytes with nowhere to go');
  const key = sha256('bytes with nowhere to go');
  await expect(store.get(key)).rejects.toThrow();
  await expect(store.putFile(key, path, 'text/plain')).rejects.toThrow();
  store.destroy();
});

test('checksums are only sent where required off AWS, and left to the SDK on AWS itself', () => {
  expect(s3ClientConfig(options(''))).toMatchObject({
    endpoint,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const aws = s3ClientConfig({ bucket: BUCKET, region: 'eu-west-1' });
  expect(aws).toEqual({ region: 'eu-west-1', forcePathStyle: false });
});

test('MEDIA_STORE=s3 keeps a picture and its preview in the bucket and serves them signed', async () => {
  const storage = await freshStorage('sqlite');
  await migrate(storage);
  const accountId = await createAccount(
    storage.db,
    { name: 'Acme Dental', defaultCountry: 'US', businessNumber: '+12015550100' },
    new Date(),
  );
  const prefix = `setup-${randomUUID()}/`;
  const config = loadConfig({
    MEDIA_STORE: 's3',
    MEDIA_DIR: join(folder, 'media-dir'),
    MEDIA_SECRET: 'a-secret-of-at-least-thirty-two-characters',
    S3_BUCKET: BUCKET,
    S3_ENDPOINT: endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    S3_PREFIX: prefix,
  });
  const media = openMedia(config, storage.db, () => 'https://texts.acme.test');
  try {
    expect(media.store.kind).toBe('s3');
    const jpeg = await sharp({
      create: { width: 640, height: 480, channels: 3, background: '#3a6' },
    })
      .jpeg()
      .toBuffer();
    const ingested = await media.ingest({
      accountId,
      source: 'upload',
      body: Readable.from([jpeg]),
      filename: 'x-ray.jpg',
    });
    if (!ingested.ok) throw new Error(ingested.error.message);
    const { id, sha256: hash } = ingested.value;
    expect(await objectKeys(prefix)).toEqual(
      [hash, `${hash}.preview`, `${hash}.thumbnail`].map((key) => `${prefix}${key}`),
    );
    const url = new URL(media.signedUrl(id, 'original'));
    const query = Object.fromEntries(url.searchParams);
    const original = await media.openSigned(id, 'original', query, new Date());
    expect(original).toMatchObject({ type: 'image/jpeg', size: jpeg.length, attachment: false });
    expect((await buffer(original?.body ?? Readable.from([]))).equals(jpeg)).toBe(true);
  } finally {
    if (media.store instanceof S3BlobStore) media.store.destroy();
    await storage.close();
  }
});
