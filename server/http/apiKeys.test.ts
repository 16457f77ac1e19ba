/**
 * API keys for integrations: created, listed and revoked by admins, the
 * secret shown once and only its hash kept, each scope held to what it
 * allows, what a key does recorded as the key's, and its name (never its
 * secret) in the request log. Real server, real HTTP, SQLite and PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { describeCreation } from '../../shared/consent';
import { startServer, type RunningServer } from '../app';
import { loadConfig } from '../config';
import { ADMIN, restCall, startTestApp, type RestAnswer, type TestApp } from '../testing/app';
import { DIALECTS, freshStorage, testMediaDir } from '../testing/storage';

type Answer = RestAnswer;
interface Key {
  apiKey: { id: string; name: string; prefix: string };
  secret: string;
}

/** Calls on a running server with a bearer token (a session's or a key). */
function caller(url: () => string) {
  const call = restCall(url);
  const command = (token: string, type: string, body: object, key: string = randomUUID()) =>
    call('POST', `/api/v1/commands/${type}`, token, body, { 'Idempotency-Key': key });
  const createKey = async (admin: string, name: string, scope: string): Promise<Key> => {
    const created = await command(admin, 'apiKey.create', { name, scope });
    expect(created.status).toBe(200);
    return created.body as unknown as Key;
  };
  return { call, command, createKey };
}

const messageOf = (answer: Answer) => (answer.body.error as { message?: string }).message;

describe.each(DIALECTS)('API keys on %s', (dialect) => {
  let app: TestApp;
  const { call, command, createKey } = caller(() => app.server.url);

  beforeAll(async () => {
    app = await startTestApp(dialect);
  });
  afterAll(async () => {
    await app.close();
  });

  test('an admin creates a key: the secret is shown once, tdk_…, and only its hash is kept', async () => {
    const key = randomUUID();
    const created = await command(
      app.adminToken,
      'apiKey.create',
      { name: 'Help desk', scope: 'read' },
      key,
    );
    const { apiKey, secret } = created.body as unknown as Key;
    expect(secret).toMatch(/^tdk_[A-Za-z0-9_-]{43}$/u);
    expect(apiKey).toMatchObject({ name: 'Help desk', scope: 'read', prefix: secret.slice(0, 12) });

    // The same request again (a retry): the same key, but the secret is not shown twice.
    const replay = await command(
      app.adminToken,
      'apiKey.create',
      { name: 'Help desk', scope: 'read' },
      key,
    );
    expect(replay.body).toEqual({ apiKey, secret: null });

    // Nowhere in the database: not the key's row, not the stored answer.
    const { db } = app.server.storage;
    const everything = JSON.stringify([
      await db.selectFrom('api_keys').selectAll().execute(),
      await db.selectFrom('idempotency').selectAll().execute(),
    ]);
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(secret.slice(12));

    const listed = await call('GET', '/api/v1/api-keys', app.adminToken);
    expect(listed.body.apiKeys).toEqual(expect.arrayContaining([apiKey]));
    expect(JSON.stringify(listed.body)).not.toContain(secret.slice(12));

    // One key of a name at a time: the log names keys.
    const twin = await command(app.adminToken, 'apiKey.create', {
      name: 'Help desk',
      scope: 'send',
    });
    expect(twin.status).toBe(409);
  });

  test('a read key reads, and cannot send (403 with a sentence)', async () => {
    const { secret } = await createKey(app.adminToken, 'Reader', 'read');
    expect((await call('GET', '/api/v1/contacts/+12015550199', secret)).status).toBe(404);
    expect((await call('GET', '/api/v1/settings/optout-webhook', secret)).status).toBe(200);
    const send = await call('POST', '/api/v1/messages', secret, {
      to: '+12015550199',
      body: 'Hi from the reader',
    });
    expect(send.status).toBe(403);
    expect(messageOf(send)).toBe(
      'The API key “Reader” can only read. It cannot make POST requests here.',
    );
    const note = await command(secret, 'list.create', { name: 'Not by a reader' });
    expect(note.status).toBe(403);
  });

  test('a send key sends texts and notes, as the API, and nothing else', async () => {
    const { secret } = await createKey(app.adminToken, 'CRM', 'send');
    const sent = await call('POST', '/api/v1/messages', secret, {
      to: '+12015550188',
      body: 'Your order is ready',
    });
    expect(sent.status).toBe(201);
    const message = (sent.body as { message: { authorId: string | null; conversationId: string } })
      .message;
    // Not the admin who created the key: the desktop shows "Sent by the API".
    expect(message.authorId).toBeNull();
    const note = await command(secret, 'note.add', {
      conversationId: message.conversationId,
      body: 'Order #12 picked up',
    });
    expect(note.status).toBe(200);

    // The contact it made says how, and by which key (R12).
    const contact = await call('GET', '/api/v1/contacts/+12015550188', secret);
    const history = contact.body.history as {
      change: string;
      by: string;
      at: string;
      source: string;
    }[];
    expect(history[0]).toMatchObject({ change: 'created', source: 'api', by: 'key “CRM”' });
    const stored = await app.server.storage.db
      .selectFrom('consent_history')
      .select(['at', 'source', 'actor'])
      .where('change', '=', 'created')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(describeCreation({ ...stored, actor: JSON.parse(stored.actor) })).toMatch(
      /^Added through the API by key “CRM”, /u,
    );

    const edit = await call('PATCH', '/api/v1/contacts/+12015550188', secret, { name: 'Pat' });
    expect(edit.status).toBe(403);
    expect(messageOf(edit)).toBe(
      'The API key “CRM” can only read and send texts and notes. It cannot edit contacts.',
    );
    const webhook = await call('PUT', '/api/v1/settings/optout-webhook', secret, { url: null });
    expect(webhook.status).toBe(403);
    const person = await call('POST', '/api/v1/users', secret, {
      email: `${randomUUID()}@acme.test`,
      password: 'a long enough password',
      role: 'agent',
    });
    expect(person.status).toBe(403);
  });

  test('an admin key does what an admin can, but makes no keys', async () => {
    const { secret } = await createKey(app.adminToken, 'Provisioning', 'admin');
    const person = await call('POST', '/api/v1/users', secret, {
      email: `${randomUUID()}@acme.test`,
      password: 'a long enough password',
      role: 'agent',
    });
    expect(person.status).toBe(201);
    const another = await command(secret, 'apiKey.create', { name: 'Sneaky', scope: 'admin' });
    expect(another.status).toBe(403);
    expect(messageOf(another)).toBe(
      'API keys are created by an admin in Textdesk, not by another key.',
    );
  });

  test('a revoked key is refused on its next use (401), and its last use is kept', async () => {
    const { apiKey, secret } = await createKey(app.adminToken, 'Old CRM', 'read');
    expect((await call('GET', '/api/v1/contacts/+12015550199', secret)).status).toBe(404);
    const listed = await call('GET', '/api/v1/api-keys', app.adminToken);
    const seen = (listed.body.apiKeys as { id: string; lastUsedAt: string | null }[]).find(
      (key) => key.id === apiKey.id,
    );
    expect(seen?.lastUsedAt).toEqual(expect.any(String) as unknown);

    const revoked = await command(app.adminToken, 'apiKey.revoke', { apiKeyId: apiKey.id });
    expect(revoked.body).toMatchObject({
      apiKey: { id: apiKey.id, revokedAt: expect.any(String) as unknown },
    });
    const refused = await call('GET', '/api/v1/contacts/+12015550199', secret);
    expect(refused.status).toBe(401);
    expect(messageOf(refused)).toMatch(
      /^The API key “Old CRM” was revoked on \d+ \w+ \d{4}\. Ask an admin for a new key\.$/u,
    );
    // Revoked, its name is free again.
    await createKey(app.adminToken, 'Old CRM', 'read');
  });

  test('a key stops working when its creator’s access is removed', async () => {
    const credentials = { email: `${randomUUID()}@acme.test`, password: 'a long enough password' };
    const made = await call('POST', '/api/v1/users', app.adminToken, {
      ...credentials,
      role: 'admin',
    });
    const theirs = await createKey(await app.signIn(credentials), 'Their CRM', 'read');
    expect((await call('GET', '/api/v1/contacts/+12015550199', theirs.secret)).status).toBe(404);
    await command(app.adminToken, 'user.update', { userId: made.body.id, disabled: true });
    const refused = await call('GET', '/api/v1/contacts/+12015550199', theirs.secret);
    expect(refused.status).toBe(401);
    expect(messageOf(refused)).toContain(
      'stopped working when the access of the admin who created it was removed',
    );
  });

  test('agents cannot create, list or revoke keys; a key is no session', async () => {
    const credentials = { email: `${randomUUID()}@acme.test`, password: 'a long enough password' };
    await call('POST', '/api/v1/users', app.adminToken, { ...credentials, role: 'supervisor' });
    const sam = await app.signIn(credentials);
    const created = await command(sam, 'apiKey.create', { name: 'Mine', scope: 'read' });
    expect(created.status).toBe(403);
    expect(messageOf(created)).toBe('Only admins can create API keys.');
    expect((await call('GET', '/api/v1/api-keys', sam)).status).toBe(403);
    const { apiKey, secret } = await createKey(app.adminToken, 'Not a session', 'admin');
    expect((await command(sam, 'apiKey.revoke', { apiKeyId: apiKey.id })).status).toBe(403);

    expect((await call('POST', '/api/v1/logout', secret)).status).toBe(400);
    expect((await call('POST', '/api/v1/refresh', secret)).status).toBe(400);
    // Never on the desktops' sync connection.
    const socket = connect(app.server.url, {
      auth: { token: secret },
      transports: ['websocket'],
      reconnection: false,
    });
    await expect(
      new Promise<void>((resolve, reject) => {
        socket.once('connect', () => {
          resolve();
        });
        socket.once('connect_error', reject);
      }),
    ).rejects.toThrow('Sign in again');
    socket.disconnect();
    // A key of another account is unknown here; a made-up key too.
    const unknown = await call('GET', '/api/v1/contacts/+12015550199', `tdk_${'x'.repeat(43)}`);
    expect(unknown.status).toBe(401);
    expect(messageOf(unknown)).toContain('That API key is not valid.');
  });
});

describe('the request log of a key’s request', () => {
  let server: RunningServer | undefined;
  let drop: (() => Promise<void>) | undefined;
  const raw: string[] = [];
  const waiting = new Map<string, (line: Record<string, unknown>) => void>();
  const { call, createKey } = caller(() => server?.url ?? '');

  beforeAll(async () => {
    const storage = await freshStorage('sqlite');
    drop = () => storage.close();
    server = await startServer(
      loadConfig({
        PORT: '0',
        DATABASE_URL: storage.url,
        MEDIA_DIR: testMediaDir(),
        TEXTDESK_ADMIN_EMAIL: ADMIN.email,
        TEXTDESK_ADMIN_PASSWORD: ADMIN.password,
        LOG_LEVEL: 'info',
      }),
      {
        logDestination: {
          write: (text: string) => {
            raw.push(text);
            const line = JSON.parse(text) as Record<string, unknown>;
            if (line.msg === 'request' && typeof line.reqId === 'string') {
              waiting.get(line.reqId)?.(line);
            }
          },
        },
      },
    );
  });
  afterAll(async () => {
    await server?.close();
    await drop?.();
  });

  const lineOf = (reqId: string) =>
    new Promise<Record<string, unknown>>((resolve) => waiting.set(reqId, resolve));

  test('names the key, never its secret', async () => {
    const login = await call('POST', '/api/v1/login', null, ADMIN);
    const admin = login.body.token as string;
    const { secret } = await createKey(admin, 'CRM', 'send');
    const reqId = `key-use-${randomUUID()}`;
    const line = lineOf(reqId);
    const answer = await call(
      'POST',
      '/api/v1/messages',
      secret,
      { to: '+12015550166', body: 'A body the log must not hold' },
      { 'X-Request-Id': reqId },
    );
    expect(answer.status).toBe(201);
    expect(await line).toMatchObject({
      route: '/api/v1/messages',
      status: 201,
      apiKey: 'CRM',
      userId: null,
    });
    const everything = raw.join('\n');
    expect(everything).not.toContain(secret.slice(4));
    expect(everything).not.toContain('A body the log must not hold');
  });
});
