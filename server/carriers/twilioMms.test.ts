/**
 * MMS through Twilio, end to end: a customer's photo arrives by webhook, is
 * fetched from Twilio behind its Basic auth and redirect, kept once and
 * served only by signed addresses; an agent answers with a picture, shrunk
 * to Twilio's 5 MB when needed, which Twilio fetches from us. Real server,
 * real HTTP, the Twilio stand-in for Twilio's side.
 */
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MediaSnapshot } from '../../shared/protocol/media';
import { restCall } from '../testing/app';
import {
  startTwilioTestServer,
  TWILIO_BUSINESS,
  type TwilioTestServer,
} from '../testing/twilioServer';

const photo = (width = 800, height = 600): Promise<Buffer> =>
  sharp({ create: { width, height, channels: 3, background: '#c84' } })
    .jpeg()
    .toBuffer();

/** A picture that barely compresses: random pixels, about `megabytes` as a PNG. */
const noisyPng = (megabytes: number): Promise<Buffer> => {
  const side = Math.ceil(Math.sqrt((megabytes * 1024 * 1024) / 3));
  return sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer();
};

interface StoredMessage {
  id: string;
  body: string;
  status: string;
  media: string | null;
}

describe('MMS with Twilio', () => {
  let twilio: TwilioTestServer;
  const call = restCall(() => twilio.server.url);

  beforeAll(async () => {
    twilio = await startTwilioTestServer('sqlite');
  });
  afterAll(() => twilio.close());

  const stored = (carrierId: string): Promise<StoredMessage | undefined> =>
    twilio.server.storage.db
      .selectFrom('messages')
      .select(['id', 'body', 'status', 'media'])
      .where('carrier_id', '=', carrierId)
      .executeTakeFirst();

  const upload = async (bytes: Buffer, type: string, filename: string): Promise<MediaSnapshot> => {
    const response = await fetch(`${twilio.server.url}/api/v1/media?filename=${filename}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${twilio.token}`, 'Content-Type': type },
      body: new Uint8Array(bytes),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { media: MediaSnapshot }).media;
  };

  test('a photo with no words is a real message, its file fetched once and kept by what it is', async () => {
    const picture = await photo();
    const fake = Buffer.from('<html><script>alert(1)</script></html>');
    const text = {
      from: '+12015550161',
      to: TWILIO_BUSINESS,
      sid: `MM${'a'.repeat(32)}`,
      media: [
        { bytes: picture, contentType: 'image/jpeg' },
        { bytes: fake, contentType: 'image/jpeg' },
      ],
    };
    expect((await twilio.standIn.inbound(text)).status).toBe(200);
    const message = await stored(text.sid);
    expect(message).toMatchObject({ body: '', status: 'received' });
    const media = JSON.parse(message?.media ?? '[]') as MediaSnapshot[];
    // HTML is not a picture whatever Twilio's MediaContentType says: a download, never shown.
    expect(media.map((item) => [item.kind, item.type, item.claimedType])).toEqual([
      ['image', 'image/jpeg', null],
      ['file', 'application/octet-stream', 'image/jpeg'],
    ]);
    // The API address with Basic auth, then the media host without it: per file.
    const asked = twilio.standIn.mediaRequests;
    expect(asked).toHaveLength(4);

    // Twilio retrying its webhook: nothing fetched or stored again.
    expect((await twilio.standIn.inbound(text)).status).toBe(200);
    expect(twilio.standIn.mediaRequests).toHaveLength(4);

    // The desktop asks for addresses; only the picture has a preview to show.
    const [shown, download] = media;
    const links = await call('GET', `/api/v1/media/${shown?.id ?? ''}`, twilio.token);
    const urls = links.body.urls as Record<string, string | null>;
    const fetched = await fetch(urls.original ?? '');
    expect(Buffer.from(await fetched.arrayBuffer()).equals(picture)).toBe(true);
    const other = await call('GET', `/api/v1/media/${download?.id ?? ''}`, twilio.token);
    expect((other.body.urls as Record<string, string | null>).preview).toBeNull();

    // The same photo again in another text: kept once.
    await twilio.standIn.inbound({
      ...text,
      sid: `MM${'b'.repeat(32)}`,
      media: text.media.slice(0, 1),
    });
    const blobs = await twilio.server.storage.db
      .selectFrom('media_blobs')
      .select('sha256')
      .where('sha256', '=', shown?.sha256 ?? '')
      .execute();
    expect(blobs).toHaveLength(1);
  });

  test('an agent answers with a picture; one over 5 MB is shrunk to fit and Twilio fetches it', async () => {
    const big = await noisyPng(6);
    expect(big.length).toBeGreaterThan(5 * 1024 * 1024);
    const media = await upload(big, 'image/png', 'receipt.png');
    const to = '+12015550162';
    const sent = await call('POST', '/api/v1/messages', twilio.token, {
      to,
      body: 'Here is your receipt',
      mediaIds: [media.id],
    });
    expect(sent.status).toBe(201);
    const shrunk = sent.body.shrunk as { mediaId: string; fromBytes: number; toBytes: number }[];
    expect(shrunk).toHaveLength(1);
    expect(shrunk[0]?.fromBytes).toBe(big.length);
    expect(shrunk[0]?.toBytes).toBeLessThanOrEqual(5 * 1024 * 1024);
    const message = sent.body.message as { media: MediaSnapshot[] };
    expect(message.media.map((item) => [item.id, item.type])).toEqual([
      [shrunk[0]?.mediaId, 'image/jpeg'],
    ]);

    const twilioSent = await twilio.standIn.sentTo(to);
    expect(twilioSent.body).toBe('Here is your receipt');
    expect(twilioSent.mediaUrls).toHaveLength(1);
    const [got] = await twilio.standIn.mediaFetchedFor(twilioSent);
    expect(got).toMatchObject({ status: 200, type: 'image/jpeg', size: shrunk[0]?.toBytes });
  });

  test('no picture goes where Twilio sends no MMS, and an opted-out number is refused first', async () => {
    const media = await upload(await photo(), 'image/jpeg', 'map.jpg');
    const abroad = await call('POST', '/api/v1/messages', twilio.token, {
      to: '+447911123456',
      body: 'Map attached',
      mediaIds: [media.id],
    });
    expect(abroad.status).toBe(422);
    expect(JSON.stringify(abroad.body)).toMatch(/US and Canad/u);

    await twilio.standIn.inbound({ from: '+12015550163', to: TWILIO_BUSINESS, body: 'STOP' });
    const optedOut = await call('POST', '/api/v1/messages', twilio.token, {
      to: '+12015550163',
      body: '',
      mediaIds: [media.id],
    });
    expect(optedOut.status).toBe(409);
    expect(twilio.standIn.sent.filter((text) => text.mediaUrls.length > 0)).toHaveLength(1);
  });
});
