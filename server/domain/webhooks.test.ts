import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { startTestApp, type TestApp } from '../testing/app';
import { timeOrderedId } from '../db/ids';
import { standardSecret, WebhookSender } from './webhooks';

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** The account's CRM: keeps what it receives and says so. */
function receiver() {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString() });
      response.statusCode = 204;
      response.end();
      server.emit('received');
    });
  });
  return {
    received,
    server,
    url: () => `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/optouts`,
    next: async (): Promise<Received> => {
      const count = received.length;
      while (received.length === count) await once(server, 'received');
      const arrived = received[count];
      if (arrived === undefined) throw new Error('nothing arrived');
      return arrived;
    },
  };
}

/** The Standard Webhooks headers as a receiver's library reads them. */
const standardHeaders = (headers: IncomingHttpHeaders) => ({
  'webhook-id': String(headers['webhook-id']),
  'webhook-timestamp': String(headers['webhook-timestamp']),
  'webhook-signature': String(headers['webhook-signature']),
});

describe('the opt-out webhook, signed per Standard Webhooks', () => {
  let app: TestApp;
  const crm = receiver();

  const put = (body: unknown) =>
    fetch(`${app.server.url}/api/v1/settings/optout-webhook`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${app.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  const stop = (from: string) =>
    fetch(`${app.server.url}/simulator/inbound`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ from, body: 'STOP' }),
    });

  beforeAll(async () => {
    crm.server.listen(0, '127.0.0.1');
    await once(crm.server, 'listening');
    app = await startTestApp('sqlite', { WEBHOOK_ALLOW_LOOPBACK: 'true' });
  });
  afterAll(async () => {
    await app.close();
    crm.server.close();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test('the receiver’s standardwebhooks library verifies it, and refuses a replay or a changed body', async () => {
    const saved = (await (await put({ url: crm.url() })).json()) as { secret: string };
    expect(saved.secret).toMatch(/^whsec_/u);
    const arriving = crm.next();
    await stop('+12015550181');
    const delivery = await arriving;

    const verifier = new Webhook(saved.secret);
    const payload = verifier.verify(delivery.body, standardHeaders(delivery.headers));
    // The payload exactly as before.
    expect(Object.keys(payload as object)).toEqual(['timestamp', 'unsubscribed_number', 'source']);
    expect(payload).toMatchObject({ unsubscribed_number: '+12015550181', source: 'keyword' });
    expect(delivery.headers['webhook-id']).toMatch(/^msg_[0-9a-f-]{36}$/u);

    const tampered = delivery.body.replace('+12015550181', '+12015550999');
    expect(() => verifier.verify(tampered, standardHeaders(delivery.headers))).toThrow(
      WebhookVerificationError,
    );
    // The same request played again ten minutes later: too old.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 10 * 60 * 1000);
    expect(() => verifier.verify(delivery.body, standardHeaders(delivery.headers))).toThrow(
      /too old/u,
    );
  });

  test('a secret chosen before whsec_ secrets still verifies, as whsec_ and its base64', async () => {
    const legacy = 'a shared secret of some length';
    expect((await put({ url: crm.url(), secret: legacy })).status).toBe(200);
    const arriving = crm.next();
    await stop('+12015550182');
    const delivery = await arriving;
    const verifier = new Webhook(standardSecret(legacy));
    expect(verifier.verify(delivery.body, standardHeaders(delivery.headers))).toMatchObject({
      unsubscribed_number: '+12015550182',
    });
    // And the older header, for receivers not yet moved.
    expect(delivery.headers['x-textdesk-signature']).toMatch(/^sha256=[0-9a-f]{64}$/u);
  });

  test('without WEBHOOK_ALLOW_LOOPBACK, no address inside the server’s network can be saved', async () => {
    const strict = await startTestApp('sqlite');
    try {
      const save = async (url: string) => {
        const response = await fetch(`${strict.server.url}/api/v1/settings/optout-webhook`, {
          method: 'PUT',
          headers: {
            Authorization: `Bearer ${strict.adminToken}`,
            'Content-Type': 'application/json',
          },
          body: JSON.stringify({ url }),
        });
        const answer = (await response.json()) as { error: { code: string; message: string } };
        return [response.status, answer.error.code, answer.error.message];
      };
      const https = /must start with https:\/\//u;
      expect(await save(crm.url())).toEqual([422, 'unsafe-url', expect.stringMatching(https)]);
      expect(await save('http://10.0.0.1/optouts')).toEqual([
        422,
        'unsafe-url',
        expect.stringMatching(https),
      ]);
      expect(await save('https://169.254.169.254/latest/meta-data/')).toEqual([
        422,
        'unsafe-url',
        'The webhook address cannot be used: it points to a link-local address (where cloud metadata services answer) (169.254.169.254), which webhooks may not reach.',
      ]);
      // A name is judged by what it resolves to: localhost is this machine.
      expect(await save('https://localhost/optouts')).toEqual([
        422,
        'unsafe-url',
        expect.stringMatching(/this machine \(loopback\) \(127\.0\.0\.1\)/u),
      ]);
      expect(await save('https://[::ffff:127.0.0.1]/optouts')).toEqual([
        422,
        'unsafe-url',
        expect.stringMatching(/this machine \(loopback\)/u),
      ]);
      expect(await save('https://[fd00:ec2::254]/optouts')).toEqual([
        422,
        'unsafe-url',
        expect.stringMatching(/a private network/u),
      ]);
      const stored = await strict.server.storage.db
        .selectFrom('accounts')
        .select('optout_webhook_url')
        .executeTakeFirstOrThrow();
      expect(stored.optout_webhook_url).toBeNull();
    } finally {
      await strict.close();
    }
  });

  test('a name that now resolves inside the network is not sent to, and the log says why', async () => {
    const { db } = app.server.storage;
    const account = await db.selectFrom('accounts').select('id').executeTakeFirstOrThrow();
    // Saved while crm.example.com answered with a public address; due an hour from now.
    const due = new Date(Date.now() + 60 * 60 * 1000);
    const id = timeOrderedId();
    await db
      .insertInto('webhook_deliveries')
      .values({
        id,
        account_id: account.id,
        url: 'https://crm.example.com/optouts',
        body: JSON.stringify({
          timestamp: new Date().toISOString(),
          unsubscribed_number: '+12015550183',
          source: 'keyword',
        }),
        created_at: new Date().toISOString(),
        next_attempt_at: due.toISOString(),
      })
      .execute();
    // By then, its DNS answers with a private address.
    const sender = new WebhookSender({
      db,
      now: () => new Date(due.getTime() + 1000),
      policy: {
        allowLoopback: true,
        resolve: () => Promise.resolve([{ address: '10.0.0.5', family: 4 }]),
      },
    });
    await sender.runDue();
    const row = await db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      attempts: 1,
      delivered_at: null,
      last_status: null,
      last_error:
        'The webhook address cannot be used: it points to a private network (10.0.0.5), which webhooks may not reach.',
    });
    expect(row.next_attempt_at).not.toBeNull();
  });
});
