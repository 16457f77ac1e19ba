import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { buffer } from 'node:stream/consumers';
import sharp from 'sharp';
import { beforeAll, describe, expect, test } from 'vitest';
import type { MediaLimits } from '../../shared/protocol/media';
import type { DialectName } from '../db/connect';
import { DIALECTS } from '../testing/storage';
import { mediaTestbeds } from './testbed';
import type { IncomingFile } from './types';

const MB = 1024 * 1024;
const FIVE_MB: MediaLimits = { maxCount: 10, maxTotalBytes: 5 * MB };

const testbeds = mediaTestbeds();

/** A migrated database (SQLite unless told) with two accounts and a media service over a temp folder. */
async function testbed(dialect: DialectName = 'sqlite') {
  const {
    accountId,
    otherAccountId,
    media,
    incoming,
    clock,
    ingest: take,
  } = await testbeds(dialect);
  const ingest = (file: Omit<IncomingFile, 'source' | 'body'>, bytes: Buffer) => take(bytes, file);
  /** The bytes of a file, through its signed address. */
  const bytesOf = async (id: string): Promise<Buffer> => {
    const query = Object.fromEntries(new URL(media.signedUrl(id, 'original')).searchParams);
    const opened = await media.openSigned(id, 'original', query, clock.now);
    if (opened === null) throw new Error(`${id} cannot be opened.`);
    return buffer(opened.body);
  };
  return { accountId, otherAccountId, media, ingest, bytesOf, incoming };
}

/** A PNG of random pixels, about 6 MB: noise does not compress, so it is as large as it looks. */
let noisePng: Buffer;
beforeAll(async () => {
  const side = 1450;
  noisePng = await sharp(randomBytes(side * side * 3), {
    raw: { width: side, height: side, channels: 3 },
  })
    .png({ compressionLevel: 1 })
    .toBuffer();
});

const smallJpeg = () =>
  sharp({ create: { width: 800, height: 600, channels: 3, background: '#47a' } })
    .jpeg()
    .toBuffer();

/** A PDF of `bytes` bytes: its header, then filler. */
const pdf = (bytes: number) =>
  Buffer.concat([Buffer.from('%PDF-1.7\n%âãÏÓ\n'), randomBytes(bytes - 16)]);

test('a 6 MB picture is shrunk to a JPEG under a 5 MB limit, and the agent is told by how much', async () => {
  const { accountId, media, ingest, bytesOf, incoming } = await testbed();
  expect(noisePng.length).toBeGreaterThan(6 * MB);
  const original = await ingest({ accountId, filename: 'noise.png' }, noisePng);
  expect(original).toMatchObject({ type: 'image/png', size: noisePng.length });

  const result = await media.forSending(accountId, [original.id], FIVE_MB);
  if (!result.ok) throw new Error(result.error.message);
  const [sent] = result.value.media;
  if (sent === undefined) throw new Error('Nothing to send.');
  expect(sent.id).not.toBe(original.id);
  expect(sent).toMatchObject({ type: 'image/jpeg', kind: 'image', filename: 'noise.jpg' });
  expect(sent.size).toBeLessThanOrEqual(5 * MB);
  expect(result.value.shrunk).toEqual([
    { mediaId: sent.id, fromBytes: noisePng.length, toBytes: sent.size },
  ]);
  const jpeg = await bytesOf(sent.id);
  expect(jpeg.length).toBe(sent.size);
  expect((await sharp(jpeg).metadata()).format).toBe('jpeg');
  // The original stays as it was; the shrunk copy fits as it is; no work files are left.
  expect((await bytesOf(original.id)).equals(noisePng)).toBe(true);
  const again = await media.forSending(accountId, [sent.id], FIVE_MB);
  expect(again).toMatchObject({ ok: true, value: { media: [{ id: sent.id }], shrunk: [] } });
  expect(await readdir(incoming)).toEqual([]);
});

test('files that fit go as they are; beside a large picture, a small one and a PDF are untouched', async () => {
  const { accountId, media, ingest } = await testbed();
  const photo = await ingest({ accountId, filename: 'crown.jpg' }, await smallJpeg());
  const form = await ingest({ accountId, filename: 'form.pdf' }, pdf(200_000));
  const fits = await media.forSending(accountId, [form.id, photo.id], FIVE_MB);
  expect(fits).toEqual({ ok: true, value: { media: [form, photo], shrunk: [] } });

  const noise = await ingest({ accountId, filename: 'noise.png' }, noisePng);
  const mixed = await media.forSending(accountId, [photo.id, noise.id, form.id], FIVE_MB);
  if (!mixed.ok) throw new Error(mixed.error.message);
  const [first, second, third] = mixed.value.media;
  expect(first).toEqual(photo);
  expect(third).toEqual(form);
  expect(second).toMatchObject({ type: 'image/jpeg' });
  expect(mixed.value.shrunk).toEqual([
    { mediaId: second?.id, fromBytes: noise.size, toBytes: second?.size },
  ]);
  const total = mixed.value.media.reduce((sum, item) => sum + item.size, 0);
  expect(total).toBeLessThanOrEqual(5 * MB);
});

test('more files than the carrier takes are refused, saying how many to remove', async () => {
  const { accountId, media, ingest } = await testbed();
  const ids = [];
  for (const color of ['#a00', '#0a0', '#00a']) {
    const bytes = await sharp({ create: { width: 8, height: 8, channels: 3, background: color } })
      .png()
      .toBuffer();
    ids.push((await ingest({ accountId }, bytes)).id);
  }
  expect(await media.forSending(accountId, ids, { maxCount: 2, maxTotalBytes: 5 * MB })).toEqual({
    ok: false,
    error: { code: 'too-many', message: 'At most 2 files fit in one message; remove 1.' },
  });
});

test('an unknown file, another account’s, or the same one twice is refused', async () => {
  const { accountId, otherAccountId, media, ingest } = await testbed();
  const mine = await ingest({ accountId, filename: 'mine.jpg' }, await smallJpeg());
  const theirs = await ingest({ accountId: otherAccountId, filename: 'x.jpg' }, await smallJpeg());
  for (const ids of [['no-such-media'], [mine.id, theirs.id]]) {
    expect(await media.forSending(accountId, ids, FIVE_MB)).toMatchObject({
      ok: false,
      error: {
        code: 'not-found',
        message: expect.stringContaining('attach the file again') as unknown,
      },
    });
  }
  expect(await media.forSending(accountId, [mine.id, mine.id], FIVE_MB)).toMatchObject({
    ok: false,
    error: { code: 'invalid-input' },
  });
  expect(await media.forSending(otherAccountId, [theirs.id], FIVE_MB)).toMatchObject({ ok: true });
});

test('a file that is not a picture is never shrunk: too large, it is refused by name', async () => {
  const { accountId, media, ingest } = await testbed();
  const scan = await ingest({ accountId, filename: 'scan.pdf' }, pdf(6 * MB));
  const photo = await ingest({ accountId, filename: 'crown.jpg' }, await smallJpeg());
  const refused = await media.forSending(accountId, [photo.id, scan.id], FIVE_MB);
  expect(refused).toMatchObject({ ok: false, error: { code: 'too-large' } });
  if (refused.ok) return;
  expect(refused.error.message).toContain('“scan.pdf” (6.0 MB)');
  expect(refused.error.message).toContain('5.0 MB in all');

  // A file phones would not show at all is refused by name too, whatever its size.
  const page = Buffer.from('<!doctype html><title>invoice</title>');
  const html = await ingest(
    { accountId, filename: 'invoice.jpg', claimedType: 'image/jpeg' },
    page,
  );
  expect(await media.forSending(accountId, [html.id], FIVE_MB)).toMatchObject({
    ok: false,
    error: {
      code: 'unsupported',
      message: expect.stringContaining('“invoice.jpg” is not a picture') as unknown,
    },
  });
});

test('a WebP picture, which not every phone shows, goes as a JPEG even when it fits', async () => {
  const { accountId, media, ingest, bytesOf } = await testbed();
  const webp = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#c60' } })
    .webp()
    .toBuffer();
  const sticker = await ingest({ accountId, filename: 'sticker.webp' }, webp);
  const result = await media.forSending(accountId, [sticker.id], FIVE_MB);
  if (!result.ok) throw new Error(result.error.message);
  const [sent] = result.value.media;
  expect(sent).toMatchObject({ type: 'image/jpeg', filename: 'sticker.jpg', width: 400 });
  expect((await sharp(await bytesOf(sent?.id ?? '')).metadata()).format).toBe('jpeg');
  // Told only when it came out smaller.
  expect(result.value.shrunk.every((item) => item.toBytes < item.fromBytes)).toBe(true);
});

describe.each(DIALECTS)('on %s', (dialect) => {
  test('a text with no files has nothing to prepare', async () => {
    const { accountId, media } = await testbed(dialect);
    expect(await media.forSending(accountId, [], FIVE_MB)).toEqual({
      ok: true,
      value: { media: [], shrunk: [] },
    });
  });
});
