import { readdir } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import { DIALECTS } from '../testing/storage';
import { mediaTestbeds, TESTBED_URL } from './testbed';
import type { IncomingFile, MediaService } from './types';

const PUBLIC_URL = TESTBED_URL;
const testbed = mediaTestbeds();

async function ingested(media: MediaService, file: Omit<IncomingFile, 'source'>) {
  const result = await media.ingest({ source: 'upload', ...file });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

const photo = (width = 640, height = 480) =>
  sharp({ create: { width, height, channels: 3, background: '#2a7' } })
    .jpeg()
    .toBuffer();

/** A 1-bit PNG of side × side pixels, all black: tiny as a file, huge decoded. */
function bomb(side: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([1, 0, 0, 0, 0], 8); // 1 bit, greyscale
  const rows = Buffer.alloc((1 + Math.ceil(side / 8)) * side);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const queryOf = (url: string) => Object.fromEntries(new URL(url).searchParams);

describe.each(DIALECTS)('media service on %s', (dialect) => {
  test('the same bytes sent twice, by two accounts, are kept once, each upload its own file', async () => {
    const { db, accountId, otherAccountId, media, stored } = await testbed(dialect);
    const bytes = await photo();
    const first = await ingested(media, {
      accountId,
      body: Readable.from([bytes]),
      filename: 'a.jpg',
    });
    const again = await ingested(media, {
      accountId,
      body: Readable.from([bytes]),
      filename: 'b.jpg',
    });
    const other = await ingested(media, {
      accountId: otherAccountId,
      body: Readable.from([bytes]),
      filename: 'c.jpg',
    });
    expect(new Set([first.id, again.id, other.id]).size).toBe(3);
    expect(new Set([first.sha256, again.sha256, other.sha256]).size).toBe(1);
    expect([first, again, other].map((item) => item.filename)).toEqual(['a.jpg', 'b.jpg', 'c.jpg']);
    expect(again).toMatchObject({ type: 'image/jpeg', kind: 'image', size: bytes.length });
    const hash = first.sha256;
    expect((await stored()).sort()).toEqual([hash, `${hash}.preview`, `${hash}.thumbnail`]);
    expect(await db.selectFrom('media_blobs').select('sha256').execute()).toEqual([
      { sha256: hash },
    ]);
    const rows = await db.selectFrom('media').select(['id', 'account_id', 'sha256']).execute();
    expect(Object.fromEntries(rows.map((row) => [row.id, row.account_id]))).toEqual({
      [first.id]: accountId,
      [again.id]: accountId,
      [other.id]: otherAccountId,
    });
  });

  test('the same picture arriving twice at once is taken in both times, kept once', async () => {
    const { db, accountId, otherAccountId, media, stored } = await testbed(dialect);
    const bytes = await photo(900, 700);
    const [one, two] = await Promise.all(
      [accountId, otherAccountId].map((id) =>
        media.ingest({ accountId: id, source: 'carrier', body: Readable.from([bytes]) }),
      ),
    );
    expect(one).toMatchObject({ ok: true, value: { kind: 'image', hasPreview: true } });
    expect(two).toMatchObject({ ok: true, value: { kind: 'image', hasPreview: true } });
    expect(await stored()).toHaveLength(3);
    expect(await db.selectFrom('media_blobs').select('sha256').execute()).toHaveLength(1);
  });

  test('an HTML page claiming to be image/jpeg is kept as a download, never shown', async () => {
    const { accountId, media, clock } = await testbed(dialect);
    const html = '<!doctype html><html><body><script>alert(document.cookie)</script></body></html>';
    const file = await ingested(media, {
      accountId,
      body: Readable.from([Buffer.from(html)]),
      filename: 'photo.jpg',
      claimedType: 'image/jpeg; charset=binary',
    });
    expect(file).toMatchObject({
      type: 'application/octet-stream',
      kind: 'file',
      claimedType: 'image/jpeg',
      hasPreview: false,
      width: null,
      height: null,
    });
    const at = media.signedUrl(file.id, 'original');
    const original = await media.openSigned(file.id, 'original', queryOf(at), clock.now);
    expect(original).toMatchObject({
      type: 'application/octet-stream',
      filename: 'photo.jpg',
      attachment: true,
    });
    expect((await buffer(original?.body ?? Readable.from([]))).toString()).toBe(html);
    const preview = media.signedUrl(file.id, 'preview');
    expect(await media.openSigned(file.id, 'preview', queryOf(preview), clock.now)).toBeNull();
  });

  test('a picture of too many pixels (a decompression bomb) is never decoded, only downloaded', async () => {
    const { accountId, media, clock } = await testbed(dialect);
    const file = await ingested(media, { accountId, body: Readable.from([bomb(20_000)]) });
    expect(file).toMatchObject({ type: 'image/png', hasPreview: false, width: null });
    const query = queryOf(media.signedUrl(file.id, 'original'));
    const original = await media.openSigned(file.id, 'original', query, clock.now);
    expect(original).toMatchObject({ attachment: true });
    original?.body.destroy();
    const sending = await media.forSending(accountId, [file.id], { maxCount: 1, maxTotalBytes: 1 });
    expect(sending).toMatchObject({ ok: false, error: { code: 'too-large' } });
  });

  test('a picture that cannot be decoded is kept as a download only', async () => {
    const { accountId, media, clock } = await testbed(dialect);
    const damaged = (await photo(800, 600)).subarray(0, 600);
    const file = await ingested(media, { accountId, body: Readable.from([damaged]) });
    expect(file).toMatchObject({ type: 'image/jpeg', hasPreview: false });
    const query = queryOf(media.signedUrl(file.id, 'original'));
    expect(await media.openSigned(file.id, 'original', query, clock.now)).toMatchObject({
      type: 'image/jpeg',
      attachment: true,
    });
  });

  test('a photo’s location and other metadata never reach its preview or thumbnail', async () => {
    const { accountId, media, clock } = await testbed(dialect);
    // Taken sideways (EXIF orientation 6), with where it was taken.
    const bytes = await sharp({
      create: { width: 1200, height: 900, channels: 3, background: '#888' },
    })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExifMerge({
        IFD0: { Make: 'PhoneCo', Model: 'Pocket 12' },
        IFD3: {
          GPSLatitudeRef: 'N',
          GPSLatitude: '40/1 44/1 54/1',
          GPSLongitudeRef: 'W',
          GPSLongitude: '73/1 59/1 9/1',
        },
      })
      .toBuffer();
    const taken = await sharp(bytes).metadata();
    expect(taken.orientation).toBe(6);
    expect(taken.exif?.toString('latin1')).toContain('PhoneCo');
    const file = await ingested(media, { accountId, body: Readable.from([bytes]) });
    // Upright: the recorded size is how the photo is seen.
    expect(file).toMatchObject({ kind: 'image', hasPreview: true, width: 900, height: 1200 });
    for (const variant of ['preview', 'thumbnail'] as const) {
      const url = media.signedUrl(file.id, variant);
      const opened = await media.openSigned(file.id, variant, queryOf(url), clock.now);
      if (opened === null) throw new Error(`No ${variant}.`);
      expect(opened).toMatchObject({ type: 'image/jpeg', attachment: false });
      const meta = await sharp(await buffer(opened.body)).metadata();
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.orientation).toBeUndefined();
      expect(meta.height).toBeGreaterThan(meta.width);
      expect(Math.max(meta.width, meta.height)).toBe(variant === 'preview' ? 1200 : 320);
    }
    // The original is kept as it came, for "save as…".
    const url = media.signedUrl(file.id, 'original');
    const original = await media.openSigned(file.id, 'original', queryOf(url), clock.now);
    expect((await buffer(original?.body ?? Readable.from([]))).equals(bytes)).toBe(true);
  });

  test('an animated GIF keeps its animation in its preview and thumbnail', async () => {
    const { accountId, media, clock } = await testbed(dialect);
    const frame = (background: string) =>
      sharp({ create: { width: 400, height: 300, channels: 3, background } })
        .png()
        .toBuffer();
    const frames = await Promise.all(['#f00', '#0f0', '#00f'].map(frame));
    const gif = await sharp(frames, { join: { animated: true } })
      .gif({ loop: 0 })
      .toBuffer();
    const file = await ingested(media, { accountId, body: Readable.from([gif]) });
    expect(file).toMatchObject({ type: 'image/gif', width: 400, height: 300, hasPreview: true });
    const query = queryOf(media.signedUrl(file.id, 'thumbnail'));
    const opened = await media.openSigned(file.id, 'thumbnail', query, clock.now);
    expect(opened).toMatchObject({ type: 'image/webp' });
    const meta = await sharp(await buffer(opened?.body ?? Readable.from([])), {
      animated: true,
    }).metadata();
    expect(meta).toMatchObject({ format: 'webp', pages: 3, width: 320, pageHeight: 240 });
  });

  test('a picture with transparency keeps it, as a PNG preview', async () => {
    const { accountId, media, clock } = await testbed(dialect);
    const logo = await sharp({
      create: { width: 300, height: 100, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    const file = await ingested(media, { accountId, body: Readable.from([logo]) });
    const query = queryOf(media.signedUrl(file.id, 'preview'));
    const opened = await media.openSigned(file.id, 'preview', query, clock.now);
    expect(opened).toMatchObject({ type: 'image/png', attachment: false });
    const meta = await sharp(await buffer(opened?.body ?? Readable.from([]))).metadata();
    expect(meta).toMatchObject({ format: 'png', hasAlpha: true, width: 300, height: 100 });
  });

  test('a file over 25 MB is refused, and nothing of it is left behind', async () => {
    const { db, accountId, media, incoming, stored } = await testbed(dialect);
    function* tooLarge() {
      for (let i = 0; i < 26; i += 1) yield Buffer.alloc(1024 * 1024, i);
    }
    const result = await media.ingest({
      accountId,
      source: 'carrier',
      body: Readable.from(tooLarge()),
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'too-large' } });
    expect(await readdir(incoming)).toEqual([]);
    expect(await stored()).toEqual([]);
    expect(await db.selectFrom('media').select('id').execute()).toEqual([]);
    expect(await db.selectFrom('media_blobs').select('sha256').execute()).toEqual([]);
    const empty = await media.ingest({ accountId, source: 'upload', body: Readable.from([]) });
    expect(empty).toMatchObject({ ok: false, error: { code: 'empty' } });
  });

  test('a signed address opens its one file and variant for five minutes, and nothing else', async () => {
    const { accountId, media, clock } = await testbed(dialect);
    const file = await ingested(media, { accountId, body: Readable.from([await photo()]) });
    const other = await ingested(media, { accountId, body: Readable.from([await photo(64, 64)]) });
    const url = new URL(media.signedUrl(file.id, 'thumbnail'));
    expect(`${url.origin}${url.pathname}`).toBe(`${PUBLIC_URL}/media/${file.id}/thumbnail`);
    const query = queryOf(url.href);
    expect(Number(query.expires)).toBe(clock.now.getTime() / 1000 + 5 * 60);
    const at = (seconds: number) => new Date(clock.now.getTime() + seconds * 1000);
    expect(await media.openSigned(file.id, 'thumbnail', query, at(0))).toMatchObject({
      type: 'image/jpeg',
    });
    expect(await media.openSigned(file.id, 'thumbnail', query, at(300))).not.toBeNull();
    expect(await media.openSigned(file.id, 'thumbnail', query, at(301))).toBeNull();
    // Another variant, another file, a changed expiry or signature: refused.
    expect(await media.openSigned(file.id, 'original', query, at(0))).toBeNull();
    expect(await media.openSigned(other.id, 'thumbnail', query, at(0))).toBeNull();
    const later = { ...query, expires: String(Number(query.expires) + 3600) };
    expect(await media.openSigned(file.id, 'thumbnail', later, at(0))).toBeNull();
    const signature = query.signature ?? '';
    const forged = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    expect(
      await media.openSigned(file.id, 'thumbnail', { ...query, signature: forged }, at(0)),
    ).toBeNull();
    expect(await media.openSigned(file.id, 'thumbnail', {}, at(0))).toBeNull();
    // A carrier fetching an MMS is given longer.
    const carrier = queryOf(media.signedUrl(file.id, 'original', 3600));
    expect(await media.openSigned(file.id, 'original', carrier, at(3000))).not.toBeNull();
  });
});
