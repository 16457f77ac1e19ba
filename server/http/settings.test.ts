import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningServer } from '../app';
import { standardSecret, WebhookSender } from '../domain/webhooks';
import { startTestApp, type TestApp } from '../testing/app';
import { DIALECTS } from '../testing/storage';

const SECRET = 'a shared secret of some length';

interface Received {
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** The account's own system, receiving opt-outs: answers with the statuses it is told to. */
class Receiver {
  readonly received: Received[] = [];
  readonly answers: number[] = [];
  readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      this.received.push({ headers: request.headers, body: Buffer.concat(chunks).toString() });
      response.statusCode = this.answers.shift() ?? 204;
      response.end();
      this.server.emit('received');
    });
  });

  get url(): string {
    return `http://127.0.0.1:${String((this.server.address() as AddressInfo).port)}/optouts`;
  }

  /** Resolves once `count` requests have arrived in all. */
  async waitFor(count: number): Promise<void> {
    while (this.received.length < count) await once(this.server, 'received');
  }
}

describe.each(DIALECTS)('the opt-out webhook on %s', (dialect) => {
  let app: TestApp;
  let server: RunningServer;
  let admin: string;
  const receiver = new Receiver();

  async function call(method: string, path: string, token: string, body?: unknown) {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  const text = (from: string, body: string) =>
    fetch(`${server.url}/simulator/inbound`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ from, body }),
    });

  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    // The receiver is this machine, over http: allowed for tests only.
    app = await startTestApp(dialect, { WEBHOOK_ALLOW_LOOPBACK: 'true' });
    server = app.server;
    admin = app.adminToken;
  });

  afterAll(async () => {
    await app.close();
    receiver.server.close();
  });

  test('only admins set it; the address and secret are checked', async () => {
    const agent = { email: `agent-${dialect}@acme.test`, password: 'agent password 1' };
    await call('POST', '/api/v1/users', admin, { ...agent, role: 'agent' });
    const token = await app.signIn(agent);
    const put = (who: string, body: unknown) =>
      call('PUT', '/api/v1/settings/optout-webhook', who, body);
    expect((await put(token, { url: receiver.url, secret: SECRET })).status).toBe(403);
    expect((await call('GET', '/api/v1/settings/optout-webhook', token)).status).toBe(403);
    expect((await put(admin, { url: 'ftp://example.com', secret: SECRET })).status).toBe(422);
    expect((await put(admin, { url: receiver.url, secret: 'short' })).status).toBe(422);
    expect((await put(admin, { url: receiver.url, secret: 'whsec_not base64!!' })).status).toBe(
      422,
    );
  });

  test('a STOP is POSTed exactly as the product says, signed with the account’s secret, and logged', async () => {
    expect(
      (
        await call('PUT', '/api/v1/settings/optout-webhook', admin, {
          url: receiver.url,
          secret: SECRET,
        })
      ).status,
    ).toBe(200);
    const before = receiver.received.length;
    await text('+12015550161', 'STOP');
    await receiver.waitFor(before + 1);
    const delivery = receiver.received[before];
    if (delivery === undefined) throw new Error('nothing arrived');
    const body = JSON.parse(delivery.body) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['timestamp', 'unsubscribed_number', 'source']);
    expect(body).toMatchObject({ unsubscribed_number: '+12015550161', source: 'keyword' });
    expect(new Date(body.timestamp as string).toISOString()).toBe(body.timestamp);
    expect(delivery.headers['x-textdesk-signature']).toBe(
      `sha256=${createHmac('sha256', SECRET).update(delivery.body).digest('hex')}`,
    );
    await server.webhooks.idle();
    const log = await call('GET', '/api/v1/settings/optout-webhook', admin);
    expect(log.json).toMatchObject({ url: receiver.url, hasSecret: true });
    expect((log.json.deliveries as unknown[])[0]).toMatchObject({
      state: 'delivered',
      attempts: 1,
      lastStatus: 204,
      body: { unsubscribed_number: '+12015550161' },
    });
  });

  test('a receiver that fails is retried with backoff, and given up after 24 hours', async () => {
    receiver.answers.push(500, 503);
    const before = receiver.received.length;
    await text('+12015550162', 'stop texting me');
    await receiver.waitFor(before + 1);
    await server.webhooks.idle();
    const first = await call('GET', '/api/v1/settings/optout-webhook', admin);
    expect((first.json.deliveries as unknown[])[0]).toMatchObject({
      state: 'retrying',
      attempts: 1,
      lastStatus: 500,
      lastError: 'The receiver answered 500.',
    });

    // Later clocks, rather than waiting: 31 s on, the retry is due; then a day on.
    const later = (ms: number) =>
      new WebhookSender({
        db: server.storage.db,
        now: () => new Date(Date.now() + ms),
        policy: { allowLoopback: true },
      });
    await later(31_000).runDue();
    expect(receiver.received).toHaveLength(before + 2);
    // The retry is the same delivery to the receiver: the same webhook-id (to drop it if the
    // first had been handled after all), a new timestamp, and a signature that verifies.
    const [firstTry, retry] = receiver.received.slice(before);
    if (firstTry === undefined || retry === undefined) throw new Error('no retry arrived');
    expect(retry.headers['webhook-id']).toBe(firstTry.headers['webhook-id']);
    expect(Number(retry.headers['webhook-timestamp'])).toBeGreaterThanOrEqual(
      Number(firstTry.headers['webhook-timestamp']) + 30,
    );
    expect(retry.body).toBe(firstTry.body);
    expect(
      new Webhook(standardSecret(SECRET)).verify(retry.body, {
        'webhook-id': String(retry.headers['webhook-id']),
        'webhook-timestamp': String(retry.headers['webhook-timestamp']),
        'webhook-signature': String(retry.headers['webhook-signature']),
      }),
    ).toMatchObject({ unsubscribed_number: '+12015550162' });
    const second = await call('GET', '/api/v1/settings/optout-webhook', admin);
    expect((second.json.deliveries as unknown[])[0]).toMatchObject({
      state: 'retrying',
      attempts: 2,
      lastStatus: 503,
    });
    receiver.answers.push(500);
    await later(25 * 60 * 60 * 1000).runDue();
    const last = await call('GET', '/api/v1/settings/optout-webhook', admin);
    expect((last.json.deliveries as unknown[])[0]).toMatchObject({
      state: 'gave-up',
      attempts: 3,
    });
  });

  test('admins set the account’s time zone for quiet hours; nonsense is refused', async () => {
    const set = await call('PUT', '/api/v1/settings/time-zone', admin, {
      timeZone: 'America/Denver',
    });
    expect(set).toEqual({ status: 200, json: { timeZone: 'America/Denver' } });
    const stored = await server.storage.db
      .selectFrom('accounts')
      .select('time_zone')
      .executeTakeFirstOrThrow();
    expect(stored.time_zone).toBe('America/Denver');
    expect(
      (await call('PUT', '/api/v1/settings/time-zone', admin, { timeZone: 'Denver' })).status,
    ).toBe(422);
    expect(
      (await call('PUT', '/api/v1/settings/time-zone', admin, { timeZone: null })).json,
    ).toEqual({ timeZone: null });
    // Desktops hear of each change, as when it is set from the Settings screen.
    const profiles = await server.storage.db
      .selectFrom('change_log')
      .select('data')
      .where('type', '=', 'account.updated')
      .orderBy('seq')
      .execute();
    expect(
      profiles.slice(-2).map((row) => (JSON.parse(row.data) as { timeZone: unknown }).timeZone),
    ).toEqual(['America/Denver', null]);
  });

  test('the address moves and the secret stays; only its last characters are ever shown', async () => {
    const other = `${receiver.url}?moved=1`;
    const moved = await call('PUT', '/api/v1/settings/optout-webhook', admin, { url: other });
    expect(moved).toEqual({
      status: 200,
      json: { url: other, hasSecret: true, secretHint: `…${SECRET.slice(-4)}`, secret: null },
    });
    const read = await call('GET', '/api/v1/settings/optout-webhook', admin);
    expect(read.json).toMatchObject({ url: other, hasSecret: true, secretHint: '…ngth' });
    expect(JSON.stringify(read.json)).not.toContain(SECRET);
    const off = await call('PUT', '/api/v1/settings/optout-webhook', admin, { url: null });
    expect(off.json).toEqual({ url: null, hasSecret: false, secretHint: null, secret: null });
    // With no secret left, the server makes one and shows it this once.
    const fresh = await call('PUT', '/api/v1/settings/optout-webhook', admin, { url: other });
    expect(fresh.status).toBe(200);
    expect(fresh.json.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/u);
    const again = await call('GET', '/api/v1/settings/optout-webhook', admin);
    expect(JSON.stringify(again.json)).not.toContain(fresh.json.secret as string);
    // Put back for the tests after this one.
    await call('PUT', '/api/v1/settings/optout-webhook', admin, {
      url: receiver.url,
      secret: SECRET,
    });
  });

  test('the delivery log alone: newest first, at most 200, for supervisors and admins', async () => {
    const all = await call('GET', '/api/v1/settings/optout-webhook/deliveries', admin);
    const deliveries = all.json.deliveries as { createdAt: string }[];
    expect(deliveries.length).toBeGreaterThanOrEqual(2);
    expect(deliveries.map((delivery) => delivery.createdAt)).toEqual(
      deliveries
        .map((delivery) => delivery.createdAt)
        .sort()
        .reverse(),
    );
    const one = await call('GET', '/api/v1/settings/optout-webhook/deliveries?limit=1', admin);
    expect(one.json.deliveries).toEqual([deliveries[0]]);
    expect(
      (await call('GET', '/api/v1/settings/optout-webhook/deliveries?limit=201', admin)).status,
    ).toBe(422);
    const agent = { email: `log-agent-${dialect}@acme.test`, password: 'agent password 2' };
    await call('POST', '/api/v1/users', admin, { ...agent, role: 'agent' });
    const token = await app.signIn(agent);
    const refused = await call('GET', '/api/v1/settings/optout-webhook/deliveries', token);
    expect(refused).toMatchObject({
      status: 403,
      json: { error: { message: 'Only supervisors and admins can read the webhook log.' } },
    });
  });
});
