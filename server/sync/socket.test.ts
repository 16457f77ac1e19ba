import { randomUUID } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Change } from '../../shared/protocol/entities';
import type { ClientToServer, PullResponse, ServerToClient } from '../../shared/protocol/sync';
import type { RunningServer } from '../app';
import { hashToken } from '../auth/sessions';
import { ADMIN, startTestApp, type TestApp } from '../testing/app';
import { DIALECTS } from '../testing/storage';

type Client = Socket<ServerToClient, ClientToServer>;

describe.each(DIALECTS)('desktop sync on %s', (dialect) => {
  let app: TestApp;
  let server: RunningServer;
  let token: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    app = await startTestApp(dialect);
    server = app.server;
    token = app.adminToken;
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await app.close();
  });

  function post(path: string, body: unknown): Promise<Response> {
    return fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  function client(auth: Record<string, unknown>): Client {
    const socket: Client = connect(server.url, {
      auth,
      transports: ['websocket'],
      reconnection: false,
    });
    clients.push(socket);
    return socket;
  }

  const connected = (socket: Client) =>
    new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });

  async function pull(socket: Client, since: number, limit?: number): Promise<PullResponse> {
    const result = await socket.emitWithAck(
      'sync.pull',
      limit === undefined ? { since } : { since, limit },
    );
    if (!result.ok) throw new Error(result.error.message);
    return result.value;
  }

  test('a desktop without a valid session is turned away with a reason', async () => {
    await expect(connected(client({}))).rejects.toThrow('Sign in first');
    await expect(connected(client({ token: 'x'.repeat(43) }))).rejects.toThrow(
      'Your session has ended. Sign in again.',
    );
  });

  test('a desktop catches up page by page, then receives live changes', async () => {
    await post('/simulator/inbound', { from: '+12015550123', body: 'Hello there' });
    await post('/simulator/inbound', { from: '+12015550124', body: 'STOP' });

    const socket = client({ token });
    await connected(socket);

    const pages: PullResponse[] = [];
    let since = 0;
    for (;;) {
      const page = await pull(socket, since, 2);
      pages.push(page);
      since = page.changes.at(-1)?.seq ?? since;
      if (!page.more) break;
    }
    const all = pages.flatMap((page) => page.changes);
    expect(all.map((change) => change.seq)).toEqual(all.map((_change, index) => index + 1));
    expect(all.map((change) => change.type)).toContain('consent.recorded');
    expect(pages.every((page) => page.changes.length <= 2)).toBe(true);
    expect(since).toBe(pages.at(-1)?.last);

    const arrived = new Promise<readonly Change[]>((resolve) => socket.once('changes', resolve));
    await post('/simulator/inbound', { from: '+12015550123', body: 'Are you open Saturday?' });
    const changes = await arrived;
    expect(changes[0]?.seq).toBe(since + 1);
    expect(changes.find((change) => change.type === 'message.created')?.data).toMatchObject({
      body: 'Are you open Saturday?',
      direction: 'inbound',
    });
  });

  test('a malformed pull is answered with an error, not a crash', async () => {
    const socket = client({ token });
    await connected(socket);
    const result = await socket.emitWithAck('sync.pull', { since: -1 });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect((await pull(socket, 0, 1)).changes).toHaveLength(1);
  });

  test('a command from one desktop is acknowledged, and its changes reach every desktop of the account', async () => {
    const reply = await post('/simulator/inbound', { from: '+12015550125', body: 'Open today?' });
    const { conversationId } = (await reply.json()) as { conversationId: string };
    const sender = client({ token });
    const watcher = client({ token });
    await Promise.all([connected(sender), connected(watcher)]);
    const seen = new Promise<readonly Change[]>((resolve) => {
      watcher.on('changes', (changes) => {
        if (changes.some((change) => change.type === 'message.created')) resolve(changes);
      });
    });
    const key = randomUUID();
    const result = await sender.emitWithAck('command', {
      key,
      command: { type: 'message.send', conversationId, body: 'Yes, until 6.' },
    });
    expect(result).toMatchObject({ ok: true, value: { message: { body: 'Yes, until 6.' } } });
    const changes = await seen;
    expect(changes.find((change) => change.type === 'message.created')?.data).toMatchObject({
      body: 'Yes, until 6.',
      direction: 'outbound',
    });
    const replay = await sender.emitWithAck('command', {
      key,
      command: { type: 'message.send', conversationId, body: 'Yes, until 6.' },
    });
    expect(replay).toEqual(result);
  });

  test('a malformed command is refused with what is wrong, field by field', async () => {
    const socket = client({ token });
    await connected(socket);
    const result = await socket.emitWithAck('command', {
      key: 'short',
      command: { type: 'message.send', body: '' },
    } as never);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid-input');
      expect(result.error.problems?.map((problem) => problem.path)).toEqual(
        expect.arrayContaining(['key']),
      );
    }
  });

  test('templates that do not fit are refused with each field’s problem', async () => {
    const socket = client({ token });
    await connected(socket);
    const result = await socket.emitWithAck('command', {
      key: randomUUID(),
      command: {
        type: 'templates.update',
        templates: [
          { name: '  ', body: 'Thanks!' },
          { name: 'Long', body: 'x'.repeat(1601) },
          { name: 'n'.repeat(81), body: '   ' },
        ],
      },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(result.ok ? [] : result.error.problems).toEqual([
      { path: 'command.templates.0.name', message: 'A template needs a name.' },
      { path: 'command.templates.1.body', message: 'A template can be at most 1600 characters.' },
      {
        path: 'command.templates.2.name',
        message: 'A template name can be at most 80 characters.',
      },
      { path: 'command.templates.2.body', message: 'A template needs some text.' },
    ]);
    const tooMany = await socket.emitWithAck('command', {
      key: randomUUID(),
      command: {
        type: 'templates.update',
        templates: Array.from({ length: 201 }, (_, index) => ({
          name: `T${String(index)}`,
          body: 'Hi',
        })),
      },
    });
    expect(tooMany.ok ? '' : tooMany.error.message).toBe(
      'An account can keep at most 200 templates.',
    );
  });

  test('a command on a session revoked since connecting is refused and the desktop is disconnected', async () => {
    const response = await post('/api/v1/login', ADMIN);
    const ended = ((await response.json()) as { token: string }).token;
    const socket = client({ token: ended });
    await connected(socket);
    await server.storage.db
      .updateTable('sessions')
      .set({ revoked_at: new Date().toISOString() })
      .where('revoked_at', 'is', null)
      .where('token_hash', '=', hashToken(ended))
      .execute();
    const gone = new Promise<void>((resolve) =>
      socket.once('disconnect', () => {
        resolve();
      }),
    );
    const result = await socket.emitWithAck('command', {
      key: randomUUID(),
      command: { type: 'list.create', name: 'Should not exist' },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    await gone;
  });

  test('a person whose access is removed is disconnected, and turned away when they come back', async () => {
    const person = { email: `removed-${dialect}@acme.test`, password: 'a password to remove' };
    const admin = client({ token });
    await connected(admin);
    const created = await admin.emitWithAck('command', {
      key: randomUUID(),
      command: { type: 'user.create', role: 'agent', ...person },
    });
    if (!created.ok) throw new Error(created.error.message);
    const { user } = created.value as { user: { id: string } };
    const theirToken = await app.signIn(person);
    const theirs = client({ token: theirToken });
    await connected(theirs);
    const gone = new Promise<void>((resolve) =>
      theirs.once('disconnect', () => {
        resolve();
      }),
    );
    const removed = await admin.emitWithAck('command', {
      key: randomUUID(),
      command: { type: 'user.update', userId: user.id, disabled: true },
    });
    expect(removed).toMatchObject({ ok: true, value: { user: { disabled: true } } });
    await gone;
    await expect(connected(client({ token: theirToken }))).rejects.toThrow(
      'Your session has ended. Sign in again.',
    );
    // The admin's own desktop stays.
    expect(admin.connected).toBe(true);
  });

  test('a text with a NUL character is refused before it reaches the database', async () => {
    const socket = client({ token });
    await connected(socket);
    const result = await socket.emitWithAck('command', {
      key: randomUUID(),
      command: { type: 'list.create', name: 'Bad\u0000list' },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(result.ok ? '' : result.error.message).toContain('command.name');
  });
});
