import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningServer } from '../app';
import { startTestApp, type TestApp } from '../testing/app';
import { DIALECTS } from '../testing/storage';

const AGENT = { email: 'dana@acme.test', password: 'agent password 1', role: 'agent' };
const SUPERVISOR = { email: 'sam@acme.test', password: 'supervisor pass 1', role: 'supervisor' };

describe.each(DIALECTS)('REST API on %s', (dialect) => {
  let app: TestApp;
  let server: RunningServer;
  const tokens: Record<'admin' | 'agent' | 'supervisor', string> = {
    admin: '',
    agent: '',
    supervisor: '',
  };

  async function call(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        ...(options.body !== undefined && { 'Content-Type': 'application/json' }),
        ...(options.token !== undefined && { Authorization: `Bearer ${options.token}` }),
        ...options.headers,
      },
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      json: (text === '' ? null : JSON.parse(text)) as Record<string, unknown> & {
        error?: { code: string; message: string };
      },
    };
  }

  const texted = (from: string, body: string) =>
    call('POST', '/simulator/inbound', { body: { from, body } });

  beforeAll(async () => {
    app = await startTestApp(dialect);
    server = app.server;
    tokens.admin = app.adminToken;
    for (const person of [AGENT, SUPERVISOR]) {
      const created = await call('POST', '/api/v1/users', { token: tokens.admin, body: person });
      expect(created.status).toBe(201);
    }
    tokens.agent = await app.signIn(AGENT);
    tokens.supervisor = await app.signIn(SUPERVISOR);
  });

  afterAll(() => app.close());

  test('every API call needs a token', async () => {
    const response = await call('GET', '/api/v1/contacts/2015550123');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
  });

  test('a contact is found by its number in any local format, with its lists by name and its history', async () => {
    await texted('+12015550123', 'STOP');
    await texted('+12015550123', 'Actually I still need reminders');
    const { status, json } = await call('GET', '/api/v1/contacts/(201)%20555-0123', {
      token: tokens.agent,
    });
    expect(status).toBe(200);
    expect(json).toMatchObject({ phone: '+12015550123', optedIn: true, blocked: false, lists: [] });
    expect(json.history).toMatchObject([
      { change: 'created', source: 'inbound', by: 'the contact' },
      { change: 'opted-out', source: 'keyword', word: 'STOP', by: 'the contact' },
      { change: 'opted-in', source: 'inbound', text: 'Actually I still need reminders' },
    ]);
    expect((await call('GET', '/api/v1/contacts/2015550999', { token: tokens.agent })).status).toBe(
      404,
    );
    const impossible = await call('GET', '/api/v1/contacts/12', { token: tokens.agent });
    expect(impossible.status).toBe(422);
  });

  test('PATCH follows the app’s rules: agents cannot block, opting in needs a note, blocked contacts must be unblocked first', async () => {
    await texted('+12015550130', 'hello');
    const path = '/api/v1/contacts/+12015550130';
    const agentBlock = await call('PATCH', path, { token: tokens.agent, body: { blocked: true } });
    expect(agentBlock.status).toBe(403);
    expect(agentBlock.json.error?.message).toBe('Only supervisors and admins can block contacts.');

    const blocked = await call('PATCH', path, {
      token: tokens.supervisor,
      body: { blocked: true },
    });
    expect(blocked.json).toMatchObject({ blocked: true, optedIn: false });

    const noNote = await call('PATCH', path, { token: tokens.agent, body: { optedIn: true } });
    expect(noNote.status).toBe(422);
    const unblockFirst = await call('PATCH', path, {
      token: tokens.agent,
      body: { optedIn: true, consentNote: 'asked at the front desk' },
    });
    expect(unblockFirst.status).toBe(409);
    expect(unblockFirst.json.error?.message).toBe('Unblock first');

    // All or nothing: the name is not changed by a refused request.
    const partly = await call('PATCH', path, {
      token: tokens.agent,
      body: { name: 'Should not stick', optedIn: true, consentNote: 'x' },
    });
    expect(partly.status).toBe(409);
    const both = await call('PATCH', path, {
      token: tokens.supervisor,
      body: { blocked: false, optedIn: true, consentNote: 'asked at the front desk', name: 'Ann' },
    });
    expect(both.status).toBe(200);
    expect(both.json).toMatchObject({ name: 'Ann', blocked: false, optedIn: true });
    expect((both.json.history as { change: string }[]).map((entry) => entry.change)).toEqual([
      'created',
      'blocked',
      'opted-out',
      'unblocked',
      'opted-in',
    ]);
  });

  test('PATCH sets lists by name; unknown lists and fields are refused and change nothing', async () => {
    await texted('+12015550131', 'hi');
    const path = '/api/v1/contacts/2015550131';
    const onList = await call('PATCH', path, {
      token: tokens.agent,
      body: { lists: ['marketing'] },
    });
    expect(onList.json.lists).toEqual(['Marketing']);
    const unknown = await call('PATCH', path, {
      token: tokens.agent,
      body: { lists: ['Marketing', 'Nope'] },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error?.message).toBe('There is no list called “Nope”.');
    const extra = await call('PATCH', path, { token: tokens.agent, body: { colour: 'red' } });
    expect(extra.status).toBe(422);
    const off = await call('PATCH', path, { token: tokens.agent, body: { lists: [] } });
    expect(off.json.lists).toEqual([]);
  });

  test('POST /messages texts a number once per idempotency key, and refuses opted-out numbers with the reason', async () => {
    const idempotencyKey = randomUUID();
    const body = { to: '(201) 555-0140', body: 'Your glasses are ready.', idempotencyKey };
    const first = await call('POST', '/api/v1/messages', { token: tokens.agent, body });
    expect(first.status).toBe(201);
    expect(first.json.message).toMatchObject({ direction: 'outbound', status: 'queued' });
    const again = await call('POST', '/api/v1/messages', { token: tokens.agent, body });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json).toEqual(first.json);
    const phone = server.simulator;
    const received = () =>
      phone?.thread('+12015550140').filter((text) => text.body === 'Your glasses are ready.') ?? [];
    await new Promise<void>((resolve) => {
      if (received().length > 0) resolve();
      else
        phone?.once('text', () => {
          resolve();
        });
    });
    expect(received()).toHaveLength(1);

    await texted('+12015550140', 'stop');
    const refused = await call('POST', '/api/v1/messages', {
      token: tokens.agent,
      body: { to: '+12015550140', body: 'One more thing' },
    });
    expect(refused.status).toBe(409);
    expect(refused.json.error?.message).toMatch(/^Opted out: replied STOP on /u);
    const impossible = await call('POST', '/api/v1/messages', {
      token: tokens.agent,
      body: { to: '+1 555 555 5555', body: 'hi' },
    });
    expect(impossible.status).toBe(422);
  });

  test('only admins add people; emails are unique and passwords long enough', async () => {
    const person = { email: 'lee@acme.test', password: 'a long password', role: 'agent' };
    expect(
      (await call('POST', '/api/v1/users', { token: tokens.supervisor, body: person })).status,
    ).toBe(403);
    const created = await call('POST', '/api/v1/users', { token: tokens.admin, body: person });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ email: 'lee@acme.test', role: 'agent', name: 'lee' });
    expect(created.json).not.toHaveProperty('password_hash');
    expect(
      (await call('POST', '/api/v1/users', { token: tokens.admin, body: person })).status,
    ).toBe(409);
    const short = await call('POST', '/api/v1/users', {
      token: tokens.admin,
      body: { ...person, email: 'kim@acme.test', password: 'short' },
    });
    expect(short.status).toBe(422);
    expect(short.json.error?.message).toContain('at least 12 characters');
    expect(await app.signIn(person)).toMatch(/^[\w-]{40,}$/u);
  });

  test('a PATCH retried with its Idempotency-Key is answered again, not refused', async () => {
    await texted('+12015550132', 'hi');
    const path = '/api/v1/contacts/2015550132';
    const headers = { 'Idempotency-Key': randomUUID() };
    const body = { lists: ['Marketing'], name: 'Bea' };
    const first = await call('PATCH', path, { token: tokens.agent, body, headers });
    const again = await call('PATCH', path, { token: tokens.agent, body, headers });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ name: 'Bea', lists: ['Marketing'] });
    const history = (again.json.history as { change: string }[]).filter(
      (entry) => entry.change === 'list-added',
    );
    expect(history).toHaveLength(1);
  });

  test('nonsense is refused whole: blocked and opted in at once, NUL characters, texting our own number', async () => {
    await texted('+12015550133', 'hi');
    const both = await call('PATCH', '/api/v1/contacts/2015550133', {
      token: tokens.supervisor,
      body: { blocked: true, optedIn: true, consentNote: 'x' },
    });
    expect(both.status).toBe(422);
    const nul = await call('PATCH', '/api/v1/contacts/2015550133', {
      token: tokens.agent,
      body: { name: 'Ann\u0000' },
    });
    expect(nul.status).toBe(422);
    expect(nul.json.error?.message).toContain('NUL');
    const own = await call('POST', '/api/v1/messages', {
      token: tokens.agent,
      body: { to: '+12015550100', body: 'hello me' },
    });
    expect(own.status).toBe(422);
    const contact = await call('GET', '/api/v1/contacts/2015550133', { token: tokens.agent });
    expect(contact.json).toMatchObject({ name: '', blocked: false, optedIn: true });
  });

  test('a contact’s own time zone for quiet hours is set and cleared by PATCH', async () => {
    await texted('+12015550134', 'hi');
    const path = '/api/v1/contacts/2015550134';
    const set = await call('PATCH', path, {
      token: tokens.agent,
      body: { timeZone: 'America/Chicago' },
    });
    expect(set.json).toMatchObject({ timeZone: 'America/Chicago' });
    const bad = await call('PATCH', path, { token: tokens.agent, body: { timeZone: 'Mars/Base' } });
    expect(bad.status).toBe(422);
    expect(bad.json.error?.message).toContain('timeZone must be a time zone');
    const cleared = await call('PATCH', path, { token: tokens.agent, body: { timeZone: null } });
    expect(cleared.json).toMatchObject({ timeZone: null });
  });
});
