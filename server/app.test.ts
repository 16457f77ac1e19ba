import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type RunningServer } from './app';
import { loadConfig } from './config';
import { DIALECTS, freshStorage, testMediaDir } from './testing/storage';

const ADMIN = { email: 'owner@acme.test', password: 'correct horse battery' };

describe.each(DIALECTS)('the HTTP server on %s', (dialect) => {
  let server: RunningServer;
  let dropDatabase: () => Promise<void>;

  beforeAll(async () => {
    // A fresh database to point the server at; the server opens it itself.
    const storage = await freshStorage(dialect);
    const { url } = storage;
    dropDatabase = () => storage.close();
    server = await startServer(
      loadConfig({
        PORT: '0',
        DATABASE_URL: url,
        MEDIA_DIR: testMediaDir(),
        TEXTDESK_ADMIN_EMAIL: ADMIN.email,
        TEXTDESK_ADMIN_PASSWORD: ADMIN.password,
        TEXTDESK_BUSINESS_NAME: 'Acme Dental',
        LOG_LEVEL: 'silent',
      }),
    );
  });

  afterAll(async () => {
    await server.close();
    await dropDatabase();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  test('GET /healthz answers 200', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  test('the first admin can sign in; a wrong password cannot', async () => {
    const good = await post('/api/v1/login', ADMIN);
    expect(good.status).toBe(200);
    expect(await good.json()).toEqual({
      token: expect.stringMatching(/^[\w-]{43}$/u) as unknown,
      expiresAt: expect.any(String) as unknown,
      refreshAfter: expect.any(String) as unknown,
      user: {
        id: expect.any(String) as unknown,
        accountId: expect.any(String) as unknown,
        email: ADMIN.email,
        name: 'Admin',
        role: 'admin',
      },
    });
    const bad = await post('/api/v1/login', { ...ADMIN, password: 'wrong password!' });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({
      error: { code: 'invalid-credentials', message: 'That email and password do not match.' },
    });
  });

  test('repeated wrong passwords are rate-limited', async () => {
    const email = 'nobody@acme.test';
    const statuses = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      statuses.push((await post('/api/v1/login', { email, password: 'guess' })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  test('a simulated customer texts HELP: stored before the answer, reply delivered to the phone', async () => {
    const response = await post('/simulator/inbound', { from: '(201) 555-0123', body: 'HELP' });
    expect(response.status).toBe(200);
    const result = (await response.json()) as {
      messageId: string;
      intent: string;
      queuedReplies: number;
    };
    expect(result).toMatchObject({ intent: 'trigger', queuedReplies: 1 });
    const stored = await server.storage.db
      .selectFrom('messages')
      .select('body')
      .where('id', '=', result.messageId)
      .executeTakeFirst();
    expect(stored).toEqual({ body: 'HELP' });

    const simulator = server.simulator;
    if (simulator === null) throw new Error('the simulator is the default carrier');
    const reply =
      simulator.received('+12015550123').at(-1) ??
      (await new Promise<{ body: string }>((resolve) => simulator.once('text', resolve)));
    expect(reply.body).toContain('Acme Dental: for help');
    const thread = await fetch(
      `${server.url}/simulator/messages?phone=${encodeURIComponent('+1 201 555 0123')}`,
    );
    expect(
      ((await thread.json()) as { texts: { direction: string }[] }).texts.map(
        (text) => text.direction,
      ),
    ).toEqual(['sent', 'received']);
  });

  test('bad input gets a clear 4xx and stores nothing', async () => {
    const before = await server.storage.db.selectFrom('messages').select('id').execute();
    const cases: [Response, number, string][] = [
      [
        await post('/simulator/inbound', '{"from": "+12015550123", "body": '),
        400,
        'malformed-json',
      ],
      [
        await post('/simulator/inbound', { from: '+12015550123', body: 'hi', extra: 1 }),
        422,
        'invalid-input',
      ],
      [await post('/simulator/inbound', { from: 'call me', body: 'hi' }), 422, 'invalid-number'],
      [
        await post('/simulator/inbound', { from: '+12015550123', to: '+12015550199', body: 'hi' }),
        404,
        'unknown-business-number',
      ],
      [
        await post('/api/v1/login', { email: 'owner@acme.test', password: 'x'.repeat(9000) }),
        413,
        'too-large',
      ],
      [
        await post('/simulator/inbound', 'from=1', {
          'Content-Type': 'application/x-www-form-urlencoded',
        }),
        415,
        'unsupported-media-type',
      ],
      [await fetch(`${server.url}/api/v1/login`), 405, 'method-not-allowed'],
      [await fetch(`${server.url}/nowhere`), 404, 'not-found'],
    ];
    for (const [response, status, code] of cases) {
      expect({
        status: response.status,
        code: ((await response.json()) as { error: { code: string } }).error.code,
      }).toEqual({ status, code });
    }
    expect(await server.storage.db.selectFrom('messages').select('id').execute()).toEqual(before);
  });

  test('the simulator page is served with a strict policy and no inline script', async () => {
    const response = await fetch(`${server.url}/simulator`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await response.text();
    expect(html).toContain('<script src="/simulator/app.js"></script>');
    expect(html).not.toMatch(/<script>(?!<)/u);
  });
});
