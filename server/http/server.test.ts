import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type RunningServer } from '../app';
import { loadConfig } from '../config';
import { freshStorage, testMediaDir } from '../testing/storage';

const ADMIN = { email: 'owner@acme.test', password: 'correct horse battery' };
const CRM = 'https://crm.acme.test';

type Line = Record<string, unknown>;

/** Where the server's log lines go in these tests: kept, and announced as they come. */
class LogLines extends EventEmitter {
  readonly lines: Line[] = [];
  readonly raw: string[] = [];

  write(text: string): void {
    this.raw.push(text);
    const line = JSON.parse(text) as Line;
    this.lines.push(line);
    this.emit('line', line);
  }

  /** The request line of request `id`, once it is written (it follows the answer). */
  requestLine(id: string): Promise<Line> {
    const matches = (line: Line) => line.reqId === id && line.msg === 'request';
    const found = this.lines.find(matches);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve) => {
      const listener = (line: Line) => {
        if (!matches(line)) return;
        this.off('line', listener);
        resolve(line);
      };
      this.on('line', listener);
    });
  }
}

/** A server on a fresh SQLite database whose log lines (at info) a test can read. */
function serverWith(settings: Readonly<Record<string, string>> = {}) {
  const state: { server?: RunningServer; logs: LogLines; drop?: () => Promise<void> } = {
    logs: new LogLines(),
  };
  beforeAll(async () => {
    const storage = await freshStorage('sqlite');
    state.drop = () => storage.close();
    state.server = await startServer(
      loadConfig({
        PORT: '0',
        DATABASE_URL: storage.url,
        MEDIA_DIR: testMediaDir(),
        TEXTDESK_ADMIN_EMAIL: ADMIN.email,
        TEXTDESK_ADMIN_PASSWORD: ADMIN.password,
        LOG_LEVEL: 'info',
        ...settings,
      }),
      { logDestination: state.logs },
    );
  });
  afterAll(async () => {
    await state.server?.close();
    await state.drop?.();
  });
  return {
    get url(): string {
      if (state.server === undefined) throw new Error('not started');
      return state.server.url;
    },
    logs: state.logs,
  };
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

async function errorOf(response: Response) {
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: await response.json(),
  };
}

describe('request logs', () => {
  const server = serverWith();

  test('one line per request: id, route pattern, status, duration and who; no secrets, texts or whole numbers', async () => {
    const login = await fetch(`${server.url}/api/v1/login`, json(ADMIN));
    const { token, user } = (await login.json()) as { token: string; user: { id: string } };
    const inbound = await fetch(
      `${server.url}/simulator/inbound`,
      json({ from: '+12015550177', body: 'my crown fell out, tooth hurts' }),
    );
    expect(inbound.status).toBe(200);
    const contact = await fetch(`${server.url}/api/v1/contacts/%2B12015550177`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(contact.status).toBe(200);
    const optOutToken = 'Zz9'.repeat(14);
    expect((await fetch(`${server.url}/u/${optOutToken}`)).status).toBe(404);

    const id = contact.headers.get('x-request-id') ?? '';
    expect(id).toMatch(/^[0-9a-f-]{36}$/u);
    const line = await server.logs.requestLine(id);
    expect(line).toMatchObject({
      level: 30,
      reqId: id,
      method: 'GET',
      route: '/api/v1/contacts/:phone',
      status: 200,
      userId: user.id,
      phone: '***0177',
    });
    expect(line.ms).toEqual(expect.any(Number));
    expect(await server.logs.requestLine(login.headers.get('x-request-id') ?? '')).toMatchObject({
      route: '/api/v1/login',
      status: 200,
    });
    const page = await server.logs.requestLine(
      server.logs.lines.find((entry) => entry.route === '/u/:token')?.reqId as string,
    );
    expect(page).toMatchObject({ method: 'GET', route: '/u/:token', status: 404, userId: null });

    const everything = server.logs.raw.join('');
    for (const secret of [
      ADMIN.password,
      token,
      optOutToken,
      'crown fell out',
      '2015550177',
      '201) 555',
    ]) {
      expect(everything).not.toContain(secret);
    }
  });

  test('a sane X-Request-Id is kept and answered; anything else is replaced', async () => {
    const kept = await fetch(`${server.url}/api/v1/contacts/2015550123`, {
      headers: { 'X-Request-Id': 'lb-7f3a.42' },
    });
    expect(kept.headers.get('x-request-id')).toBe('lb-7f3a.42');
    expect(await server.logs.requestLine('lb-7f3a.42')).toMatchObject({
      route: '/api/v1/contacts/:phone',
      status: 401,
    });
    const replaced = await fetch(`${server.url}/healthz`, {
      headers: { 'X-Request-Id': '<script>alert(1)</script>' },
    });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/u);
  });

  test('health checks and scrapes, every few seconds, are not a line each at info', async () => {
    const probe = await fetch(`${server.url}/healthz`, { headers: { 'X-Request-Id': 'probe-1' } });
    expect(probe.status).toBe(200);
    // A request after it is logged; the probe before it never was.
    await fetch(`${server.url}/api/v1/contacts/2015550123`, {
      headers: { 'X-Request-Id': 'after-probe' },
    });
    await server.logs.requestLine('after-probe');
    expect(server.logs.lines.filter((line) => line.reqId === 'probe-1')).toEqual([]);
  });
});

describe('security headers', () => {
  const server = serverWith();

  test('API answers, errors included: helmet’s headers, a policy that allows nothing, no caching', async () => {
    for (const response of [
      await fetch(`${server.url}/healthz`),
      await fetch(`${server.url}/api/v1/contacts/2015550123`),
    ]) {
      const headers = Object.fromEntries(response.headers);
      expect(headers).toMatchObject({
        'content-security-policy': expect.stringContaining("default-src 'none'") as unknown,
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-origin',
        'strict-transport-security': 'max-age=15552000',
      });
      expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
  });

  test('the simulator and opt-out pages keep their own policies, with the same headers besides', async () => {
    const simulator = await fetch(`${server.url}/simulator`);
    const optOut = await fetch(`${server.url}/u/${'A'.repeat(43)}`);
    expect(simulator.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; img-src 'self'; media-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    expect(optOut.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    );
    for (const page of [simulator, optOut]) {
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });
});

describe('errors Fastify would answer its own way, in the API’s shape', () => {
  const server = serverWith();

  test('an unknown address is 404; a known one with another method is 405 with Allow', async () => {
    expect(await errorOf(await fetch(`${server.url}/api/v1/nothing`))).toEqual({
      status: 404,
      contentType: 'application/json; charset=utf-8',
      body: { error: { code: 'not-found', message: 'There is nothing at this address.' } },
    });
    // A body sent to an unknown address does not change that.
    expect((await fetch(`${server.url}/api/v1/nothing`, json('{'))).status).toBe(404);
    const wrong = await fetch(`${server.url}/api/v1/contacts/2015550123`, { method: 'DELETE' });
    expect(wrong.headers.get('allow')).toBe('GET, PATCH');
    expect(await errorOf(wrong)).toEqual({
      status: 405,
      contentType: 'application/json; charset=utf-8',
      body: { error: { code: 'method-not-allowed', message: 'DELETE is not allowed here.' } },
    });
    const head = await fetch(`${server.url}/healthz`, { method: 'HEAD' });
    expect([head.status, head.headers.get('allow')]).toEqual([405, 'GET']);
  });

  test('bodies are limited per route: sign-in takes 8 KiB, the API 64 KiB, the simulator’s pictures 16 MiB', async () => {
    const login = await fetch(
      `${server.url}/api/v1/login`,
      json({ email: ADMIN.email, password: 'x'.repeat(9000) }),
    );
    expect(await errorOf(login)).toEqual({
      status: 413,
      contentType: 'application/json; charset=utf-8',
      body: { error: { code: 'too-large', message: 'The request body is larger than 8 KiB.' } },
    });
    const signedIn = await fetch(`${server.url}/api/v1/login`, json(ADMIN));
    const { token } = (await signedIn.json()) as { token: string };
    const text = await fetch(
      `${server.url}/api/v1/messages`,
      json({ to: '+12015550123', body: 'x'.repeat(70_000) }, { Authorization: `Bearer ${token}` }),
    );
    expect(await errorOf(text)).toMatchObject({
      status: 413,
      body: { error: { code: 'too-large', message: 'The request body is larger than 64 KiB.' } },
    });
    const pictures = await fetch(
      `${server.url}/simulator/inbound`,
      json({ from: '+12015550123', body: '', media: [{ data: 'A'.repeat(17 * 1024 * 1024) }] }),
    );
    expect(await errorOf(pictures)).toMatchObject({
      status: 413,
      body: { error: { code: 'too-large', message: 'The request body is larger than 16384 KiB.' } },
    });
  });

  test('a JSON route without a body, or with text, is 415; a broken %-escape is 400', async () => {
    for (const init of [{ method: 'POST' }, { method: 'POST', body: 'from=me' }]) {
      expect(await errorOf(await fetch(`${server.url}/simulator/inbound`, init))).toMatchObject({
        status: 415,
        body: { error: { code: 'unsupported-media-type' } },
      });
    }
    expect(await errorOf(await fetch(`${server.url}/u/%E0%A4%A`))).toMatchObject({
      status: 400,
      body: { error: { code: 'bad-path', message: 'The address has a broken %-escape.' } },
    });
  });

  test('socket.io still answers its own path (the handshake is not a 404)', async () => {
    const response = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^0\{"sid":/u);
  });
});

describe('failed sign-ins', () => {
  const server = serverWith();
  const signIn = (email: string, password: string) =>
    fetch(`${server.url}/api/v1/login`, json({ email, password }));

  test('five failures for one email: the sixth try is 429 with Retry-After, even with the right password', async () => {
    for (let attempt = 0; attempt < 4; attempt += 1) {
      expect((await signIn(ADMIN.email, 'wrong password')).status).toBe(401);
    }
    // A success clears the email's failures, as before.
    expect((await signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await signIn(ADMIN.email, 'wrong password')).status).toBe(401);
    }
    const limited = await signIn(ADMIN.email, ADMIN.password);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60);
    expect(await errorOf(limited)).toEqual({
      status: 429,
      contentType: 'application/json; charset=utf-8',
      body: {
        error: {
          code: 'rate-limited',
          message: 'Too many failed sign-ins. Try again in 15 minutes.',
        },
      },
    });
  });

  test('thirty failures from one address, whatever the emails: the next is 429 too', async () => {
    // Nine came from the test before, from this same address (a success clears only the email's).
    const statuses = await Promise.all(
      Array.from({ length: 21 }, (_, index) =>
        signIn(`guess-${String(index)}@acme.test`, 'a guess').then((response) => response.status),
      ),
    );
    expect(new Set(statuses)).toEqual(new Set([401]));
    const limited = await signIn('someone-new@acme.test', 'a guess');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/u);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate-limited');
  });
});

describe('per-address limits on webhooks and pages', () => {
  const server = serverWith({ WEBHOOK_RATE_LIMIT: '3' });

  test('the inbound route takes WEBHOOK_RATE_LIMIT a minute from one address, then 429', async () => {
    const statuses: number[] = [];
    for (let text = 0; text < 4; text += 1) {
      const response = await fetch(
        `${server.url}/simulator/inbound`,
        json({ from: '+12015550150', body: `hello ${String(text)}` }),
      );
      statuses.push(response.status);
      if (response.status === 429) {
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(await response.json()).toEqual({
          error: {
            code: 'rate-limited',
            message: expect.stringMatching(
              /^Too many requests from this address\. Try again in \d+ seconds?\.$/u,
            ) as unknown,
          },
        });
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  test('the opt-out pages take 60 a minute from one address', async () => {
    const statuses: number[] = [];
    for (let open = 0; open < 61; open += 1) {
      statuses.push((await fetch(`${server.url}/u/${'B'.repeat(43)}`)).status);
    }
    expect(statuses.slice(0, 60)).toEqual(Array.from({ length: 60 }, () => 404));
    expect(statuses[60]).toBe(429);
  });
});

describe('CORS', () => {
  const preflight = (url: string, origin: string) =>
    fetch(`${url}/api/v1/login`, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });

  describe('without CORS_ORIGINS', () => {
    const server = serverWith();

    test('no origin is allowed: a preflight gets no CORS header at all', async () => {
      const response = await preflight(server.url, CRM);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-allow-methods')).toBeNull();
      expect(response.status).toBe(405);
    });
  });

  describe('with CORS_ORIGINS', () => {
    const server = serverWith({ CORS_ORIGINS: `${CRM}, https://other.acme.test` });

    test('an allowed origin is answered; a foreign one is not', async () => {
      const allowed = await preflight(server.url, CRM);
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(CRM);
      expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
      expect(allowed.headers.get('access-control-allow-headers')).toContain('Content-Type');
      const simple = await fetch(`${server.url}/healthz`, { headers: { Origin: CRM } });
      expect(simple.headers.get('access-control-allow-origin')).toBe(CRM);

      const foreign = await preflight(server.url, 'https://evil.example');
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
      const read = await fetch(`${server.url}/healthz`, {
        headers: { Origin: 'https://evil.example' },
      });
      expect(read.headers.get('access-control-allow-origin')).toBeNull();
    });
  });
});
