import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Change } from '../../shared/protocol/entities';
import type { RunningServer } from '../app';
import { loadConfig } from '../config';
import { EMPTY_TWIML } from '../http/twilio';
import { DIALECTS } from '../testing/storage';
import { TWILIO_REFUSALS, TwilioStandIn } from '../testing/twilioStandIn';
import {
  startTwilioTestServer,
  TWILIO_ACCOUNT_SID,
  TWILIO_AUTH_TOKEN,
  TWILIO_BUSINESS,
  type TwilioTestServer,
} from '../testing/twilioServer';
import { TwilioCarrier } from './twilio';

const ACCOUNT_SID = TWILIO_ACCOUNT_SID;
const AUTH_TOKEN = TWILIO_AUTH_TOKEN;
const BUSINESS = TWILIO_BUSINESS;

test('CARRIER=twilio without its settings is refused at start, naming each one', () => {
  expect(() => loadConfig({ CARRIER: 'twilio' })).toThrow(
    /TWILIO_ACCOUNT_SID[\s\S]*TWILIO_AUTH_TOKEN[\s\S]*TWILIO_FROM[\s\S]*PUBLIC_URL/u,
  );
  expect(() =>
    loadConfig({
      CARRIER: 'twilio',
      TWILIO_ACCOUNT_SID: 'AC123',
      TWILIO_AUTH_TOKEN: 'x',
      TWILIO_FROM: '2015550100',
      PUBLIC_URL: 'https://texts.example.com',
    }),
  ).toThrow(
    /TWILIO_ACCOUNT_SID must be the account SID[\s\S]*TWILIO_FROM must be a number in E.164/u,
  );
  expect(
    loadConfig({
      CARRIER: 'twilio',
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_MESSAGING_SERVICE_SID: `MG${'0'.repeat(32)}`,
      PUBLIC_URL: 'https://texts.example.com',
    }),
  ).toMatchObject({ TWILIO_API_BASE: 'https://api.twilio.com' });
});

describe('the Twilio carrier on its own', () => {
  let standIn: TwilioStandIn;
  const carrier = (overrides: Partial<ConstructorParameters<typeof TwilioCarrier>[0]> = {}) =>
    new TwilioCarrier({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      from: BUSINESS,
      apiBase: standIn.url,
      publicUrl: 'https://texts.example.com/',
      ...overrides,
    });
  const text = { messageId: 'm-1', from: BUSINESS, to: '+12015550199', body: 'Hi 👋' };

  beforeAll(async () => {
    standIn = await TwilioStandIn.start(ACCOUNT_SID, AUTH_TOKEN);
  });
  afterAll(() => standIn.close());

  test('pictures go only to US and Canadian numbers: not to other +1 countries, nor abroad', () => {
    const twilio = carrier();
    expect(twilio.mediaLimits).toEqual({ maxCount: 10, maxTotalBytes: 5 * 1024 * 1024 });
    expect(twilio.mediaRefusal('+12015550199')).toBeNull();
    expect(twilio.mediaRefusal('+14165550123')).toBeNull();
    for (const abroad of ['+18765550123', '+447700900123', '+33612345678']) {
      expect(twilio.mediaRefusal(abroad)).toContain('only to US and Canadian numbers');
    }
  });

  test('a send is form-encoded with the callback address; 201 gives the sid', async () => {
    const result = await carrier().send(text);
    const sent = standIn.sent.at(-1);
    expect(result).toEqual({ ok: true, carrierId: sent?.sid });
    expect(sent).toMatchObject({
      to: '+12015550199',
      from: BUSINESS,
      messagingServiceSid: null,
      body: 'Hi 👋',
      statusCallback: 'https://texts.example.com/webhooks/twilio/status?message=m-1',
    });
    await carrier({ from: undefined, messagingServiceSid: `MG${'1'.repeat(32)}` }).send(text);
    expect(standIn.sent.at(-1)).toMatchObject({
      from: null,
      messagingServiceSid: `MG${'1'.repeat(32)}`,
    });
  });

  test('refusals are mapped; 21610 is an opt-out; a wrong token is not', async () => {
    standIn.failFor('+12015550198', TWILIO_REFUSALS.optedOut);
    expect(await carrier().send({ ...text, to: '+12015550198' })).toEqual({
      ok: false,
      code: '21610',
      message: expect.stringContaining('opted out with their carrier') as unknown,
      optedOut: true,
    });
    standIn.failFor('+12015550197', { code: 63999, message: 'Something odd', status: 400 });
    expect(await carrier().send({ ...text, to: '+12015550197' })).toMatchObject({
      ok: false,
      code: '63999',
      message: expect.stringContaining('Something odd') as unknown,
      optedOut: false,
    });
    expect(await carrier({ authToken: 'wrong' }).send(text)).toMatchObject({
      ok: false,
      code: '20003',
      optedOut: false,
    });
  });

  test('an MMS names each file by its address; Twilio fetches them, an expired one is a 404', async () => {
    const picture = Buffer.from('\xff\xd8\xff\xe0 a picture', 'latin1');
    // Plays this server's signed media addresses.
    const files = createServer((request, response) => {
      if (request.url !== '/media/m1?signature=ok') response.writeHead(404).end();
      else response.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(picture);
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(files.address() as AddressInfo).port}/media`;
    const media = [
      { url: `${base}/m1?signature=ok`, type: 'image/jpeg', size: picture.length, filename: null },
      { url: `${base}/m2?signature=old`, type: 'application/pdf', size: 9, filename: 'a.pdf' },
    ];
    try {
      const to = '+12015550195';
      const result = await carrier().send({ ...text, to, body: '', media });
      const sent = await standIn.sentTo(to);
      expect(result).toEqual({ ok: true, carrierId: sent.sid });
      expect(sent).toMatchObject({ body: '', mediaUrls: media.map((file) => file.url) });
      expect(await standIn.mediaFetchedFor(sent)).toMatchObject([
        { url: media[0]?.url, status: 200, type: 'image/jpeg', size: picture.length },
        { url: media[1]?.url, status: 404 },
      ]);
      await carrier().send({ ...text, to: '+12015550194', media: media.slice(0, 1) });
      expect(await standIn.sentTo('+12015550194')).toMatchObject({
        body: 'Hi 👋',
        mediaUrls: [media[0]?.url],
      });
    } finally {
      files.closeAllConnections();
      files.close();
    }
  });

  test('a dropped connection throws', async () => {
    standIn.failFor('+12015550196', 'network');
    await expect(carrier().send({ ...text, to: '+12015550196' })).rejects.toThrow();
  });
});

describe.each(DIALECTS)('Twilio webhooks and sending on %s', (dialect) => {
  let twilio: TwilioTestServer;
  let server: RunningServer;
  let standIn: TwilioStandIn;
  let token: string;

  beforeAll(async () => {
    twilio = await startTwilioTestServer(dialect);
    ({ server, standIn, token } = twilio);
    expect(server.url).toBe(server.context.publicUrl);
  });

  afterAll(() => twilio.close());

  const messagesFrom = (carrierId: string) =>
    server.storage.db
      .selectFrom('messages')
      .select(['id', 'body', 'status'])
      .where('carrier_id', '=', carrierId)
      .execute();
  const contact = (phone: string) =>
    server.storage.db
      .selectFrom('contacts')
      .select(['id', 'opt_out'])
      .where('phone', '=', phone)
      .executeTakeFirst();
  const send = (to: string, body: string) =>
    fetch(`${server.url}/api/v1/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ to, body }),
    });

  /** Resolves with the first committed change that matches, from now on. */
  const nextChange = (match: (change: Change) => boolean): Promise<Change> =>
    new Promise((resolve) => {
      const stop = server.onChanges((_accountId, changes) => {
        const found = changes.find(match);
        if (found === undefined) return;
        stop();
        resolve(found);
      });
    });

  test('a signed inbound STOP is stored before the answer and opts the contact out', async () => {
    const response = await standIn.inbound({
      from: '+12015550123',
      to: BUSINESS,
      body: 'STOP',
      sid: 'SMstop0001',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/xml/u);
    expect(await response.text()).toBe(EMPTY_TWIML);
    expect(await messagesFrom('SMstop0001')).toMatchObject([{ body: 'STOP', status: 'received' }]);
    const stored = await contact('+12015550123');
    expect(JSON.parse(stored?.opt_out ?? 'null')).toMatchObject({ source: 'keyword' });
  });

  test('a forged, missing or wrongly typed webhook is refused and nothing is stored', async () => {
    const before = await server.storage.db.selectFrom('messages').select('id').execute();
    const forged = await standIn.inbound(
      { from: '+12015550124', to: BUSINESS, body: 'hello', sid: 'SMforged001' },
      { signature: 'forged' },
    );
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe(
      'invalid-signature',
    );
    const unsigned = await standIn.inbound(
      { from: '+12015550124', to: BUSINESS, body: 'hello', sid: 'SMforged002' },
      { signature: 'missing' },
    );
    expect(unsigned.status).toBe(403);
    // Signed, then changed on the way.
    const tampered = await fetch(standIn.smsUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Twilio-Signature': 'bm90IGEgc2lnbmF0dXJlIGF0IGFsbA==',
      },
      body: 'From=%2B12015550124&To=%2B12015550100&Body=hello&MessageSid=SMforged003',
    });
    expect(tampered.status).toBe(403);
    const json = await fetch(standIn.smsUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(415);
    const incomplete = await standIn.post(standIn.smsUrl, {
      From: '+12015550124',
      To: BUSINESS,
      MessageSid: 'SMnobody001',
    });
    expect(incomplete.status).toBe(422);
    expect(await incomplete.text()).toContain('Body is required.');
    const forgedStatus = await standIn.post(
      `${server.url}/webhooks/twilio/status?message=x`,
      { MessageSid: 'SMx', MessageStatus: 'delivered' },
      { signature: 'forged' },
    );
    expect(forgedStatus.status).toBe(403);
    expect(await server.storage.db.selectFrom('messages').select('id').execute()).toEqual(before);
  });

  test('HELP: the reply goes out through Twilio with its callback; a signed receipt marks it delivered', async () => {
    const response = await standIn.inbound({ from: '+12015550125', to: BUSINESS, body: 'HELP' });
    expect(response.status).toBe(200);
    const reply = await standIn.sentTo('+12015550125');
    expect(reply).toMatchObject({
      from: BUSINESS,
      body: expect.stringContaining('Acme Dental: for help') as unknown,
      statusCallback: expect.stringMatching(
        new RegExp(`^${server.url}/webhooks/twilio/status\\?message=[\\w-]+$`, 'u'),
      ) as unknown,
    });
    const messageId = new URL(reply.statusCallback ?? '').searchParams.get('message') ?? '';

    // The receipt may overtake the server's own record of Twilio's answer: it still lands.
    const receipt = await standIn.status(reply, 'delivered');
    expect(receipt.status).toBe(204);
    const stored = await server.storage.db
      .selectFrom('messages')
      .select(['status', 'carrier_id'])
      .where('id', '=', messageId)
      .executeTakeFirst();
    expect(stored?.status).toBe('delivered');
    // A late 'sent' does not undo it.
    expect((await standIn.status(reply, 'sent')).status).toBe(204);
    const after = await server.storage.db
      .selectFrom('messages')
      .select(['status'])
      .where('id', '=', messageId)
      .executeTakeFirst();
    expect(after?.status).toBe('delivered');
  });

  test('an undelivered receipt carries a readable reason', async () => {
    await standIn.inbound({ from: '+12015550126', to: BUSINESS, body: 'HELP' });
    const reply = await standIn.sentTo('+12015550126');
    const messageId = new URL(reply.statusCallback ?? '').searchParams.get('message') ?? '';
    expect((await standIn.status(reply, 'undelivered', 30007)).status).toBe(204);
    expect(
      await server.storage.db
        .selectFrom('messages')
        .select(['status', 'error_code', 'error_message'])
        .where('id', '=', messageId)
        .executeTakeFirst(),
    ).toEqual({
      status: 'undelivered',
      error_code: '30007',
      error_message: expect.stringContaining('spam') as unknown,
    });
  });

  test('a send Twilio refuses with 21610 opts the contact out (R9) and the agent sees why', async () => {
    const phone = '+12015550127';
    standIn.failFor(phone, TWILIO_REFUSALS.optedOut);
    const failed = nextChange(
      (change) => change.type === 'message.updated' && change.data.status === 'failed',
    );
    const response = await send(phone, 'Your appointment is tomorrow at 9.');
    expect(response.status).toBe(201);
    const change = await failed;
    if (change.type !== 'message.updated') throw new Error('not a message update');
    expect(change.data).toMatchObject({
      errorCode: '21610',
      errorMessage: expect.stringContaining('must text START') as unknown,
    });
    const stored = await contact(phone);
    expect(JSON.parse(stored?.opt_out ?? 'null')).toMatchObject({ source: 'carrier' });
    const notes = await server.storage.db
      .selectFrom('messages')
      .select('body')
      .where('in_reply_to', '=', change.data.id)
      .where('direction', '=', 'system')
      .execute();
    expect(notes.length).toBeGreaterThan(0);
  });

  test('when Twilio cannot be reached the text is failed as possibly sent, not retried', async () => {
    const phone = '+12015550129';
    standIn.failFor(phone, 'network');
    const failed = nextChange(
      (change) => change.type === 'message.updated' && change.data.status === 'failed',
    );
    expect((await send(phone, 'See you soon.')).status).toBe(201);
    const change = await failed;
    expect(change.data).toMatchObject({
      errorCode: 'carrier-error',
      errorMessage: expect.stringContaining('may not have been sent') as unknown,
    });
    expect(standIn.sent.filter((sent) => sent.to === phone)).toHaveLength(0);
    expect((await contact(phone))?.opt_out).toBeNull();
  });

  test('a receipt reporting 21610 opts the contact out too (R9)', async () => {
    const phone = '+12015550130';
    expect((await send(phone, 'Your order is ready.')).status).toBe(201);
    const sent = await standIn.sentTo(phone);
    expect((await standIn.status(sent, 'failed', 21610)).status).toBe(204);
    expect(JSON.parse((await contact(phone))?.opt_out ?? 'null')).toMatchObject({
      source: 'carrier',
    });
  });

  test('Twilio retrying an inbound webhook stores the text once and replies once', async () => {
    const text = { from: '+12015550128', to: BUSINESS, body: 'HELP', sid: 'SMretry0001' };
    const first = await standIn.inbound(text);
    const second = await standIn.inbound(text);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await second.text()).toBe(EMPTY_TWIML);
    expect(await messagesFrom('SMretry0001')).toHaveLength(1);
    await standIn.sentTo('+12015550128');
    // A third retry after the reply went out: still one text in, one reply out.
    expect((await standIn.inbound(text)).status).toBe(200);
    expect(await messagesFrom('SMretry0001')).toHaveLength(1);
    expect(standIn.sent.filter((sent) => sent.to === '+12015550128')).toHaveLength(1);
  });

  test('the simulator routes are not served with Twilio', async () => {
    expect((await fetch(`${server.url}/simulator`)).status).toBe(404);
    expect(server.simulator).toBeNull();
  });
});
