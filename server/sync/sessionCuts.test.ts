/**
 * Several servers on one PostgreSQL database: a session ended on one
 * server closes its desktop connected to another, at once, through the
 * socket.io adapter. Two real server processes.
 */
import { randomUUID } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, test } from 'vitest';
import type { ClientToServer, ServerToClient } from '../../shared/protocol/sync';
import { startServerProcess, stopAllProcesses, type ServerProcess } from '../testing/process';
import { freshDatabase, type FreshDatabase } from '../testing/storage';

const ADMIN = { email: 'owner@acme.test', password: 'correct horse battery' };
type Client = Socket<ServerToClient, ClientToServer>;

describe('sessions ended across servers', () => {
  let database: FreshDatabase | undefined;
  const clients: Client[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect();
    await stopAllProcesses();
    await database?.drop();
    database = undefined;
  });

  async function call(
    server: ServerProcess,
    path: string,
    token: string | null,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: {
        ...(token !== null && { Authorization: `Bearer ${token}` }),
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
        'Idempotency-Key': randomUUID(),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
    };
  }

  async function desktop(server: ServerProcess, token: string): Promise<Client> {
    const socket: Client = connect(server.url, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
    });
    clients.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return socket;
  }
  const disconnected = (socket: Client) =>
    new Promise<string>((resolve) => socket.once('disconnect', resolve));

  test('signing out, an admin ending a session, and removed access on one server cut desktops on the other', async () => {
    database = await freshDatabase('postgres');
    const a = await startServerProcess({
      DATABASE_URL: database.url,
      TEXTDESK_ADMIN_EMAIL: ADMIN.email,
      TEXTDESK_ADMIN_PASSWORD: ADMIN.password,
    });
    const b = await startServerProcess({ DATABASE_URL: database.url });
    const admin = (await call(a, '/api/v1/login', null, ADMIN)).body.token as string;
    const dana = { email: 'dana@acme.test', password: 'a long enough password' };
    const made = await call(a, '/api/v1/users', admin, { ...dana, role: 'agent' });
    const signIn = async () => (await call(a, '/api/v1/login', null, dana)).body.token as string;

    // Signed out through server A; the desktop is on B.
    const first = await signIn();
    const onB = await desktop(b, first);
    const gone = disconnected(onB);
    expect((await call(a, '/api/v1/logout', first)).status).toBe(204);
    expect(await gone).toBe('io server disconnect');

    // Ended by an admin on A.
    const second = await signIn();
    const again = await desktop(b, second);
    const sessions = await fetch(`${a.url}/api/v1/users/${String(made.body.id)}/sessions`, {
      headers: { Authorization: `Bearer ${admin}` },
    });
    const [session] = ((await sessions.json()) as { sessions: { id: string }[] }).sessions;
    const cut = disconnected(again);
    const ended = await call(a, '/api/v1/commands/session.end', admin, { sessionId: session?.id });
    expect(ended.status).toBe(200);
    expect(await cut).toBe('io server disconnect');

    // Access removed on A: every desktop of theirs, wherever it is.
    const third = await signIn();
    const once = await desktop(b, third);
    const removed = disconnected(once);
    await call(a, '/api/v1/commands/user.update', admin, { userId: made.body.id, disabled: true });
    expect(await removed).toBe('io server disconnect');
    await expect(desktop(b, third)).rejects.toThrow('Your session has ended.');
  });
});
