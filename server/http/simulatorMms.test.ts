/**
 * The phone simulator's MMS: a simulated customer sends a picture (as the
 * simulator page does), it is kept and shown in the phone's thread, a
 * blocked customer's picture is quarantined with it, and the business's
 * picture reaches the phone. Real server, real HTTP, SQLite.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MediaSnapshot } from '../../shared/protocol/media';
import { restCall, startTestApp, type TestApp } from '../testing/app';

interface ThreadText {
  direction: 'sent' | 'received';
  body: string;
  media: { url: string; type: string; filename: string | null }[];
}

const picture = (): Promise<Buffer> =>
  sharp({ create: { width: 300, height: 200, channels: 3, background: '#e94' } })
    .jpeg()
    .toBuffer();

describe('MMS through the phone simulator', () => {
  let app: TestApp;
  const call = restCall(() => app.server.url);

  beforeAll(async () => {
    app = await startTestApp('sqlite');
  });
  afterAll(() => app.close());

  const inbound = async (from: string, body: string, files: Buffer[]) =>
    call('POST', '/simulator/inbound', null, {
      from,
      body,
      media: files.map((bytes) => ({
        filename: 'part.jpg',
        type: 'image/jpeg',
        data: bytes.toString('base64'),
      })),
    });

  const threadOf = async (phone: string): Promise<ThreadText[]> =>
    (await call('GET', `/simulator/messages?phone=${encodeURIComponent(phone)}`, null)).body
      .texts as ThreadText[];

  const mediaOf = async (messageId: string): Promise<MediaSnapshot[]> => {
    const row = await app.server.storage.db
      .selectFrom('messages')
      .select(['media', 'status'])
      .where('id', '=', messageId)
      .executeTakeFirstOrThrow();
    return JSON.parse(row.media ?? '[]') as MediaSnapshot[];
  };

  test('a customer sends a photo with no words; the business sees it and answers with one', async () => {
    const from = '+12015550181';
    const sent = await inbound(from, '', [await picture()]);
    expect(sent.status).toBe(200);
    const [kept] = await mediaOf(sent.body.messageId as string);
    expect(kept).toMatchObject({ kind: 'image', filename: 'part.jpg', hasPreview: true });

    // The phone's own thread shows it, by this server's own path.
    const [shown] = await threadOf(from);
    expect(shown?.media[0]?.url).toMatch(/^\/media\/[^/]+\/preview\?expires=/u);
    expect((await fetch(`${app.server.url}${shown?.media[0]?.url ?? ''}`)).status).toBe(200);

    // The business answers with the same picture.
    const simulator = app.server.simulator;
    if (simulator === null) throw new Error('the simulator is the default carrier');
    const delivered = new Promise<void>((resolve) => {
      const listener = (text: { to: string }) => {
        if (text.to !== from) return;
        simulator.off('text', listener);
        resolve();
      };
      simulator.on('text', listener);
    });
    const answer = await call('POST', '/api/v1/messages', app.adminToken, {
      to: from,
      body: 'Is this the part?',
      mediaIds: [kept?.id],
    });
    expect(answer.status).toBe(201);
    await delivered;
    const received = (await threadOf(from)).filter((text) => text.direction === 'received');
    expect(received).toMatchObject([
      { body: 'Is this the part?', media: [{ type: 'image/jpeg' }] },
    ]);
    const file = await fetch(`${app.server.url}${received[0]?.media[0]?.url ?? ''}`);
    expect(file.headers.get('content-type')).toBe('image/jpeg');
  });

  test("a blocked customer's picture is quarantined with it", async () => {
    const from = '+12015550182';
    await inbound(from, 'hello', []);
    const contact = await app.server.storage.db
      .selectFrom('contacts')
      .select('id')
      .where('phone', '=', from)
      .executeTakeFirstOrThrow();
    const blocked = await call(
      'POST',
      '/api/v1/commands/contact.block',
      app.adminToken,
      { contactId: contact.id },
      { 'Idempotency-Key': 'block-182' },
    );
    expect(blocked.status).toBe(200);
    const sent = await inbound(from, 'look', [await picture()]);
    const row = await app.server.storage.db
      .selectFrom('messages')
      .select(['status', 'media'])
      .where('id', '=', sent.body.messageId as string)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('quarantined');
    expect(JSON.parse(row.media ?? '[]')).toHaveLength(1);
  });

  test('a file that is not base64, or too many files, is refused with a sentence', async () => {
    const bad = await call('POST', '/simulator/inbound', null, {
      from: '+12015550183',
      body: '',
      media: [{ data: 'not base64!' }],
    });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toMatch(/base64/u);
    const many = await inbound(
      '+12015550183',
      '',
      Array.from({ length: 11 }, () => Buffer.from('x')),
    );
    expect(many.status).toBe(422);
    expect(JSON.stringify(many.body)).toMatch(/at most 10/u);
  });
});
