/**
 * Pictures and files over REST: uploading, the record and its signed
 * addresses, and fetching the bytes by them. Real server, real HTTP, real
 * sharp, SQLite (the media tables are the same on PostgreSQL, tested with the
 * migrations).
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MAX_MEDIA_BYTES, type MediaSnapshot } from '../../shared/protocol/media';
import { restCall, startTestApp, type TestApp } from '../testing/app';

interface Links {
  media: MediaSnapshot;
  urls: { original: string | null; preview: string | null; thumbnail: string | null };
  expiresAt: string;
}

const OTHER = { email: 'boss@other.test', password: 'another good password' };

/** A small photo with a location in its EXIF, as phones take them. */
const photo = (): Promise<Buffer> =>
  sharp({ create: { width: 640, height: 480, channels: 3, background: '#3a7' } })
    .jpeg()
    .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1' } })
    .toBuffer();

describe('media over REST', () => {
  let app: TestApp;
  let otherToken: string;
  const call = restCall(() => app.server.url);

  const upload = (
    body: Buffer,
    type: string,
    filename = 'photo.jpg',
    token: string = app.adminToken,
  ): Promise<Response> =>
    fetch(`${app.server.url}/api/v1/media?filename=${encodeURIComponent(filename)}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': type },
      body: new Uint8Array(body),
    });

  const uploaded = async (body: Buffer, type: string, filename?: string) => {
    const response = await upload(body, type, filename);
    expect(response.status).toBe(201);
    return ((await response.json()) as { media: MediaSnapshot }).media;
  };

  beforeAll(async () => {
    app = await startTestApp('sqlite');
    await app.addAccount({
      name: 'Other Co',
      businessNumber: '+12015550933',
      ...OTHER,
    });
    otherToken = await app.signIn(OTHER);
  });
  afterAll(() => app.close());

  test('an uploaded photo is recorded by what its bytes are, with a preview and thumbnail', async () => {
    const media = await uploaded(await photo(), 'image/jpeg', 'broken part.jpg');
    expect(media).toMatchObject({
      type: 'image/jpeg',
      kind: 'image',
      filename: 'broken part.jpg',
      width: 640,
      height: 480,
      hasPreview: true,
      expired: false,
      claimedType: null,
    });

    const links = await call('GET', `/api/v1/media/${media.id}`, app.adminToken);
    expect(links.status).toBe(200);
    const { urls } = links.body as unknown as Links;
    for (const url of [urls.original, urls.preview, urls.thumbnail]) expect(url).toMatch(/^http/u);

    const preview = await fetch(urls.preview ?? '');
    expect(preview.status).toBe(200);
    expect(preview.headers.get('x-content-type-options')).toBe('nosniff');
    const shown = await sharp(Buffer.from(await preview.arrayBuffer())).metadata();
    // Re-encoded for display: the location is gone.
    expect(shown.exif).toBeUndefined();
    const thumbnail = await sharp(
      Buffer.from(await (await fetch(urls.thumbnail ?? '')).arrayBuffer()),
    ).metadata();
    expect(Math.max(thumbnail.width, thumbnail.height)).toBeLessThanOrEqual(320);
  });

  test('HTML claiming to be a JPEG is kept as a download, never shown as a picture', async () => {
    const media = await uploaded(
      Buffer.from('<!doctype html><script>alert(1)</script>'),
      'image/jpeg',
      'photo.jpg',
    );
    expect(media).toMatchObject({ kind: 'file', claimedType: 'image/jpeg', hasPreview: false });
    const links = (await call('GET', `/api/v1/media/${media.id}`, app.adminToken))
      .body as unknown as Links;
    expect(links.urls.preview).toBeNull();
    expect(links.urls.thumbnail).toBeNull();
    const original = await fetch(links.urls.original ?? '');
    expect(original.headers.get('content-type')).not.toMatch(/html|image/u);
    expect(original.headers.get('content-disposition')).toMatch(/^attachment/u);
  });

  test('a forged, tampered or expired address is refused', async () => {
    const media = await uploaded(await photo(), 'image/jpeg');
    const links = (await call('GET', `/api/v1/media/${media.id}`, app.adminToken))
      .body as unknown as Links;
    const url = new URL(links.urls.original ?? '');

    const forged = new URL(url);
    forged.searchParams.set('signature', 'A'.repeat(43));
    expect((await fetch(forged)).status).toBe(403);

    const later = new URL(url);
    later.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
    expect((await fetch(later)).status).toBe(403);

    const otherVariant = new URL(url.href.replace('/original?', '/preview?'));
    expect((await fetch(otherVariant)).status).toBe(403);

    const past = new URL(url);
    past.searchParams.set('expires', '1000');
    expect((await fetch(past)).status).toBe(403);

    expect((await fetch(url)).status).toBe(200);
  });

  test("another account's file is not found, and strangers cannot upload", async () => {
    const media = await uploaded(await photo(), 'image/jpeg');
    expect((await call('GET', `/api/v1/media/${media.id}`, otherToken)).status).toBe(404);
    const stranger = await fetch(`${app.server.url}/api/v1/media`, {
      method: 'POST',
      headers: { 'Content-Type': 'image/jpeg' },
      body: new Uint8Array(await photo()),
    });
    expect(stranger.status).toBe(401);
  });

  test('an empty upload and one over 25 MB are refused with a sentence', async () => {
    const empty = await upload(Buffer.alloc(0), 'image/jpeg');
    expect(empty.status).toBe(400);

    const big = await upload(Buffer.alloc(MAX_MEDIA_BYTES + 1, 1), 'application/octet-stream');
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { message: string } }).error.message).toMatch(/25 MB/u);

    // Sent in chunks with no length, and never ending: cut, and refused the same way.
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(1024 * 1024));
      },
    });
    const chunked = await fetch(`${app.server.url}/api/v1/media`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${app.adminToken}`, 'Content-Type': 'image/jpeg' },
      body: endless,
      duplex: 'half',
    });
    expect(chunked.status).toBe(413);

    // The server still takes the next one.
    await uploaded(await photo(), 'image/jpeg');
  });
});
