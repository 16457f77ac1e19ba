/**
 * Sessions that end: signing out, tokens that expire and refresh, admins
 * ending a person's sessions, and the desktops of an ended session (or of
 * a person whose access or role changed) disconnected at once. Real HTTP
 * and socket.io on the real server, on SQLite and PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { Change } from '../../shared/protocol/entities';
import type { ClientToServer, ServerToClient } from '../../shared/protocol/sync';
import { hashToken } from '../auth/sessions';
import { ADMIN, restCall, startTestApp, type RestAnswer, type TestApp } from '../testing/app';
import { DIALECTS } from '../testing/storage';

type Client = Socket<ServerToClient, ClientToServer>;

describe.each(DIALECTS)('sessions that end, on %s', (dialect) => {
  let app: TestApp;
  const clients: Client[] = [];

  beforeAll(async () => {
    app = await startTestApp(dialect);
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.disconnect();
  });
  afterAll(async () => {
    await app.close();
  });

  const call = restCall(() => app.server.url);
  const command = (token: string, type: string, body: Record<string, unknown>) =>
    call('POST', `/api/v1/commands/${type}`, token, body, { 'Idempotency-Key': randomUUID() });
  const messageOf = (answer: RestAnswer) => (answer.body.error as { message?: string }).message;

  /** A person of the account, signed in: their id and token. */
  async function person(role: 'agent' | 'supervisor' | 'admin', userAgent?: string) {
    const credentials = { email: `${randomUUID()}@acme.test`, password: 'a long enough password' };
    const created = await call('POST', '/api/v1/users', app.adminToken, { ...credentials, role });
    expect(created.status).toBe(201);
    const login = await fetch(`${app.server.url}/api/v1/login`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(userAgent !== undefined && { 'User-Agent': userAgent }),
      },
      body: JSON.stringify(credentials),
    });
    const signedIn = (await login.json()) as {
      token: string;
      expiresAt: string;
      refreshAfter: string;
    };
    return { id: created.body.id as string, credentials, ...signedIn };
  }

  function desktop(token: string): Promise<Client> {
    const socket: Client = connect(app.server.url, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
    });
    clients.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => {
        resolve(socket);
      });
      socket.once('connect_error', reject);
    });
  }
  const disconnected = (socket: Client) =>
    new Promise<string>((resolve) => socket.once('disconnect', resolve));
  const nextChanges = (socket: Client) =>
    new Promise<readonly Change[]>((resolve) => socket.once('changes', resolve));
  const setSession = (token: string, columns: Record<string, string>) =>
    app.server.storage.db
      .updateTable('sessions')
      .set(columns)
      .where('token_hash', '=', hashToken(token))
      .execute();
  const soon = (days: number) => new Date(Date.now() + days * 24 * 60 * 60 * 1000);

  test('signing out ends the session on the server: the token is refused, its desktop cut off', async () => {
    const dana = await person('agent');
    const socket = await desktop(dana.token);
    const gone = disconnected(socket);
    expect((await call('POST', '/api/v1/logout', dana.token)).status).toBe(204);
    expect(await gone).toBe('io server disconnect');
    const refused = await call('GET', '/api/v1/contacts/+12015550111', dana.token);
    expect(refused.status).toBe(401);
    expect(messageOf(refused)).toBe('This session was signed out. Sign in again.');
    await expect(desktop(dana.token)).rejects.toThrow('Your session has ended. Sign in again.');
  });

  test('a sign-in lasts 30 days and ends then, used or not, with a sentence saying so', async () => {
    const dana = await person('agent');
    const expires = Date.parse(dana.expiresAt);
    expect(Math.abs(expires - soon(30).getTime())).toBeLessThan(60_000);
    await setSession(dana.token, { ends_at: new Date(Date.now() - 1000).toISOString() });
    const refused = await call('GET', '/api/v1/contacts/+12015550111', dana.token);
    expect(refused.status).toBe(401);
    expect(messageOf(refused)).toBe(
      'Your session expired: a sign-in lasts 30 days unless the app refreshes it. Sign in again.',
    );
    // Too late to refresh: only signing in again helps.
    expect((await call('POST', '/api/v1/refresh', dana.token)).status).toBe(401);
  });

  test('a session unused for 14 days ends', async () => {
    const dana = await person('agent');
    await setSession(dana.token, { expires_at: new Date(Date.now() - 1000).toISOString() });
    const refused = await call('GET', '/api/v1/contacts/+12015550111', dana.token);
    expect(messageOf(refused)).toBe(
      'Your session expired after 14 days without use. Sign in again.',
    );
  });

  test('a refresh gives a fresh token for 30 more days; the old one works an hour more, then not', async () => {
    const dana = await person('agent');
    // Ten days in: the token has twenty left.
    await setSession(dana.token, { ends_at: soon(20).toISOString() });
    const refreshed = await call('POST', '/api/v1/refresh', dana.token);
    expect(refreshed.status).toBe(200);
    const fresh = refreshed.body as { token: string; expiresAt: string; refreshAfter: string };
    expect(fresh.token).not.toBe(dana.token);
    expect(Math.abs(Date.parse(fresh.expiresAt) - soon(30).getTime())).toBeLessThan(60_000);
    expect(Date.parse(fresh.refreshAfter)).toBeLessThan(Date.parse(fresh.expiresAt));

    const contactPath = '/api/v1/contacts/+12015550111';
    expect((await call('GET', contactPath, fresh.token)).status).toBe(404);
    // The answer may have been lost on the way: the old token still works, for now.
    expect((await call('GET', contactPath, dana.token)).status).toBe(404);
    await app.server.storage.db
      .updateTable('sessions')
      .set({ previous_until: new Date(Date.now() - 1000).toISOString() })
      .where('token_hash', '=', hashToken(fresh.token))
      .execute();
    const old = await call('GET', contactPath, dana.token);
    expect(old.status).toBe(401);
    expect(messageOf(old)).toContain('replaced when the session was refreshed');
    expect((await call('GET', contactPath, fresh.token)).status).toBe(404);

    // A desktop connected before the refresh stays, and its commands still run.
    const socket = await desktop(fresh.token);
    const again = await call('POST', '/api/v1/refresh', fresh.token);
    const newest = (again.body as { token: string }).token;
    await setSession(newest, { previous_until: new Date(Date.now() - 1000).toISOString() });
    const run = await socket.emitWithAck('command', {
      key: randomUUID(),
      command: { type: 'list.create', name: `After refresh ${dialect}` },
    });
    expect(run.ok).toBe(true);
  });

  test('a desktop whose session runs out while connected is disconnected then', async () => {
    const dana = await person('agent');
    await setSession(dana.token, { ends_at: new Date(Date.now() + 400).toISOString() });
    const socket = await desktop(dana.token);
    expect(await disconnected(socket)).toBe('io server disconnect');
  });

  test('admins see a person’s sessions, end one, and its desktop is cut off and hears nothing more', async () => {
    const dana = await person('agent', 'Textdesk/1.4 (Macintosh)');
    const other = await fetch(`${app.server.url}/api/v1/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'Textdesk/1.4 (Windows)' },
      body: JSON.stringify(dana.credentials),
    });
    const windowsToken = ((await other.json()) as { token: string }).token;

    const listed = await call('GET', `/api/v1/users/${dana.id}/sessions`, app.adminToken);
    expect(listed.status).toBe(200);
    const sessions = listed.body.sessions as {
      id: string;
      userAgent: string;
      address: string | null;
      createdAt: string;
      lastUsedAt: string;
    }[];
    expect(sessions.map((session) => session.userAgent).sort()).toEqual([
      'Textdesk/1.4 (Macintosh)',
      'Textdesk/1.4 (Windows)',
    ]);
    expect(sessions[0]?.address).toMatch(/127\.0\.0\.1|::1/u);
    const mac = sessions.find((session) => session.userAgent.includes('Macintosh'));
    if (mac === undefined) throw new Error('no Mac session');

    const onMac = await desktop(dana.token);
    const onWindows = await desktop(windowsToken);
    const macHeard: Change[] = [];
    onMac.on('changes', (changes) => macHeard.push(...changes));
    const gone = disconnected(onMac);
    const ended = await command(app.adminToken, 'session.end', { sessionId: mac.id });
    expect(ended).toMatchObject({ status: 200, body: { ended: [mac.id] } });
    expect(await gone).toBe('io server disconnect');
    // Whatever it heard before being cut does not count.
    macHeard.splice(0);

    const heard = nextChanges(onWindows);
    await call('POST', '/simulator/inbound', null, { from: '+12015550177', body: 'Hello?' });
    expect((await heard).some((change) => change.type === 'message.created')).toBe(true);
    expect(macHeard).toEqual([]);
    expect(onWindows.connected).toBe(true);

    const refused = await call('GET', '/api/v1/contacts/+12015550177', dana.token);
    expect(messageOf(refused)).toBe('An admin ended this session. Sign in again.');
    const left = await call('GET', `/api/v1/users/${dana.id}/sessions`, app.adminToken);
    expect((left.body.sessions as { id: string }[]).map((session) => session.id)).toEqual([
      sessions.find((session) => session !== mac)?.id,
    ]);

    // All of a person's sessions at once.
    const gone2 = disconnected(onWindows);
    const all = await command(app.adminToken, 'session.end', { userId: dana.id });
    expect((all.body.ended as string[]).length).toBe(1);
    await gone2;
  });

  test('agents and supervisors cannot see or end sessions', async () => {
    const dana = await person('agent');
    const sam = await person('supervisor');
    for (const who of [dana, sam]) {
      const list = await call('GET', `/api/v1/users/${dana.id}/sessions`, who.token);
      expect(list.status).toBe(403);
      expect(messageOf(list)).toBe('Only admins can see people’s sessions.');
      const end = await command(who.token, 'session.end', { userId: dana.id });
      expect(end.status).toBe(403);
      expect(messageOf(end)).toBe('Only admins can end people’s sessions.');
    }
    // The admin's session stands.
    expect((await call('GET', '/api/v1/api-keys', app.adminToken)).status).toBe(200);
  });

  test('an admin cannot end a session of another account', async () => {
    await app.addAccount({
      name: `Other ${dialect}`,
      businessNumber: dialect === 'sqlite' ? '+12015550901' : '+12015550902',
      email: `other-${dialect}@other.test`,
      password: 'another long password',
    });
    const theirs = await app.signIn({
      email: `other-${dialect}@other.test`,
      password: 'another long password',
    });
    const row = await app.server.storage.db
      .selectFrom('sessions')
      .select(['id', 'user_id'])
      .where('token_hash', '=', hashToken(theirs))
      .executeTakeFirstOrThrow();
    expect((await command(app.adminToken, 'session.end', { sessionId: row.id })).status).toBe(404);
    const list = await call('GET', `/api/v1/users/${row.user_id}/sessions`, app.adminToken);
    expect(list.status).toBe(404);
    expect((await call('GET', '/api/v1/contacts/+12015550111', theirs)).status).toBe(404);
  });

  test('a new role holds on the person’s open desktop at once, both ways, without a reconnect', async () => {
    const dana = await person('agent');
    const socket = await desktop(dana.token);
    const dropped: string[] = [];
    socket.on('disconnect', (reason) => dropped.push(reason));
    const deleteList = { type: 'list.delete', listId: 'no-such-list' } as const;
    const before = await socket.emitWithAck('command', { key: randomUUID(), command: deleteList });
    expect(before).toMatchObject({ ok: false, error: { code: 'not-allowed' } });

    const promoted = nextChanges(socket);
    await command(app.adminToken, 'user.update', { userId: dana.id, role: 'supervisor' });
    expect((await promoted).map((change) => change.type)).toContain('user.updated');
    const after = await socket.emitWithAck('command', { key: randomUUID(), command: deleteList });
    expect(after).toMatchObject({ ok: false, error: { code: 'not-found' } });

    // Demoted again: what only supervisors may do is refused on the same connection.
    await command(app.adminToken, 'user.update', { userId: dana.id, role: 'agent' });
    const demoted = await socket.emitWithAck('command', { key: randomUUID(), command: deleteList });
    expect(demoted).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    expect(dropped).toEqual([]);
  });

  test('removing a person’s access ends their sessions with a sentence saying why', async () => {
    const dana = await person('agent');
    const socket = await desktop(dana.token);
    const gone = disconnected(socket);
    await command(app.adminToken, 'user.update', { userId: dana.id, disabled: true });
    await gone;
    const refused = await call('GET', '/api/v1/contacts/+12015550111', dana.token);
    expect(messageOf(refused)).toBe(
      'Your access to this account was removed. Ask an admin if you think that is a mistake.',
    );
  });

  test('the sign-in answer says when the token ends and when to refresh it', async () => {
    const answer = await call('POST', '/api/v1/login', null, ADMIN);
    expect(answer.body).toMatchObject({
      token: expect.any(String) as unknown,
      expiresAt: expect.any(String) as unknown,
      refreshAfter: expect.any(String) as unknown,
    });
  });
});
