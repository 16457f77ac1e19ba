/**
 * The desktop core against the real backend on loopback: solo mode, sign-in
 * to a team server, catch-up in pages, live changes, the outbox across lost
 * connections, and the send gate before anything leaves.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type {
  AccountView,
  ConversationPage,
  InboxCounts,
  MessagePage,
  SessionView,
} from '../../shared/ipc';
import { DEFAULT_QUIET_HOURS } from '../../shared/consent';
import type { Change } from '../../shared/protocol/entities';
import { ADMIN, startTestApp, type TestApp } from '../../server/testing/app';
import {
  customerTexts,
  isLive,
  startCore,
  startSignedIn,
  type CoreHarness,
} from './testing/coreHarness';
import { cuttableLink, type CuttableLink } from './testing/cuttableLink';

const CUSTOMER = '+12015550142';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups.length = 0;
});

const hasMessage = (body: string) => (changes: readonly Change[]) =>
  changes.some((change) => change.type === 'message.created' && change.data.body === body);

/** A team server, a link to it that can be cut, and a desktop signed in through the link. */
async function team(): Promise<{ app: TestApp; link: CuttableLink; desk: CoreHarness }> {
  const app = await startTestApp('sqlite');
  cleanups.push(() => app.close());
  const link = await cuttableLink(app.server.url);
  cleanups.push(() => link.close());
  const desk = await startCore({ team: true });
  cleanups.push(() => desk.stop());
  const session = await desk.value<SessionView>('session.signIn', {
    serverUrl: link.url,
    email: ADMIN.email,
    password: ADMIN.password,
  });
  expect(session).toMatchObject({ mode: 'team', user: { email: ADMIN.email, role: 'admin' } });
  await desk.until('sync.status', isLive);
  return { app, link, desk };
}

describe('solo mode', () => {
  test('with no server configured, the app runs its own backend, signed in as the owner', async () => {
    const desk = await startCore();
    cleanups.push(() => desk.stop());
    const session = await desk.value<SessionView>('session.get');
    expect(session.mode).toBe('solo');
    expect(session.user?.role).toBe('admin');
    expect(session.simulatorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/simulator$/u);
    const solo = desk.core.solo;
    if (solo === null) throw new Error('no solo backend');
    await desk.until('sync.status', isLive);

    await customerTexts(solo.url, CUSTOMER, 'Is my order ready?');
    await desk.until('data.changed', hasMessage('Is my order ready?'));
    const page = await desk.value<ConversationPage>('inbox.conversations', { filter: 'open' });
    expect(page.rows).toHaveLength(1);
    expect(page.rows[0]).toMatchObject({ phone: CUSTOMER, unread: 1, optedIn: true });
    const conversationId = page.rows[0]?.id ?? '';
    await desk.untilNotified((note) => note.body === 'Is my order ready?');
    expect(desk.notifications).toEqual([
      { conversationId, title: '+1 201 555 0142', body: 'Is my order ready?' },
    ]);

    const sent = await desk.value<{ state: string }>('commands.run', {
      command: { type: 'message.send', conversationId, body: 'Yes, come by after 3.' },
    });
    expect(sent.state).toBe('done');
    await desk.until('data.changed', (changes) =>
      changes.some(
        (change) => change.type === 'message.updated' && change.data.status === 'delivered',
      ),
    );
    expect(solo.server.simulator?.received(CUSTOMER).map((text) => text.body)).toEqual([
      'Yes, come by after 3.',
    ]);

    // The app restarts on the same data folder: same account, same cache, nothing pulled twice.
    await desk.stop();
    cleanups.pop();
    const again = await startCore({ dataDir: desk.dataDir });
    cleanups.push(() => again.stop());
    await again.until('sync.status', isLive);
    const messages = await again.value<MessagePage>('inbox.messages', { conversationId });
    expect(messages.messages.map((message) => message.body)).toEqual([
      'Is my order ready?',
      'Yes, come by after 3.',
    ]);
  });
});

describe('team mode', () => {
  test('a desktop catches up in pages, then hears new texts live', async () => {
    const app = await startTestApp('sqlite');
    cleanups.push(() => app.close());
    // 1,200 texts from 300 numbers before the desktop ever connects: two pages and more.
    for (let i = 0; i < 1200; i++) {
      await customerTexts(
        app.server.url,
        `+1201555${String(1000 + (i % 300))}`,
        `text ${String(i)}`,
      );
    }
    const desk = await startCore({ team: true });
    cleanups.push(() => desk.stop());
    await desk.value('session.signIn', {
      serverUrl: app.server.url,
      email: ADMIN.email,
      password: ADMIN.password,
    });
    await desk.until('sync.status', isLive);
    const catchingUp = desk.heard.filter(
      (entry) =>
        entry.event === 'sync.status' &&
        (entry.payload as { state: string }).state === 'catching-up',
    );
    expect(catchingUp.length).toBeGreaterThan(1);
    const counts = await desk.value<InboxCounts>('inbox.counts');
    expect(counts).toMatchObject({ open: 300, unread: 1200, blocked: 0 });
    // Texts replayed by the catch-up are history, not news: no notification for each.
    expect(desk.notifications).toEqual([]);

    await customerTexts(app.server.url, CUSTOMER, 'Hello from a new number');
    await desk.until('data.changed', hasMessage('Hello from a new number'));
    expect((await desk.value<InboxCounts>('inbox.counts')).open).toBe(301);
    await desk.untilNotified((note) => note.body === 'Hello from a new number');
    expect(desk.notifications.map((note) => note.body)).toEqual(['Hello from a new number']);
  });

  test('wrong passwords and unreachable servers are refused with a sentence', async () => {
    const app = await startTestApp('sqlite');
    cleanups.push(() => app.close());
    const desk = await startCore({ team: true });
    cleanups.push(() => desk.stop());
    expect(
      await desk.call('session.signIn', {
        serverUrl: app.server.url,
        email: ADMIN.email,
        password: 'wrong',
      }),
    ).toEqual({
      ok: false,
      error: { code: 'invalid-credentials', message: 'That email and password do not match.' },
    });
    const nowhere = await desk.call('session.signIn', {
      serverUrl: 'http://127.0.0.1:9',
      email: ADMIN.email,
      password: ADMIN.password,
    });
    expect(nowhere).toMatchObject({ ok: false, error: { code: 'unreachable' } });
    expect(await desk.call('inbox.counts')).toMatchObject({
      ok: false,
      error: { code: 'signed-out' },
    });
  });

  test('a text written offline is kept, then sent exactly once when the connection is back', async () => {
    const { app, link, desk } = await team();
    await customerTexts(app.server.url, CUSTOMER, 'Can I move my booking?');
    await desk.until('data.changed', hasMessage('Can I move my booking?'));
    const [row] = (await desk.value<ConversationPage>('inbox.conversations', {})).rows;
    const conversationId = row?.id ?? '';

    link.cut();
    await desk.until('sync.status', (status) => status.state === 'offline');
    const queued = await desk.value<{ state: string }>('commands.run', {
      command: { type: 'message.send', conversationId, body: 'Sure, which day?' },
    });
    expect(queued.state).toBe('queued');
    await desk.until('sync.status', (status) => status.state === 'offline' && status.queued === 1);
    const waiting = await desk.value<MessagePage>('inbox.messages', { conversationId });
    expect(waiting.messages.at(-1)).toMatchObject({ body: 'Sure, which day?', local: 'outbox' });

    link.restore();
    await desk.until('data.changed', hasMessage('Sure, which day?'));
    await desk.until('sync.status', (status) => status.state === 'live' && status.queued === 0);
    expect(app.server.simulator?.received(CUSTOMER).map((text) => text.body)).toEqual([
      'Sure, which day?',
    ]);
    const after = await desk.value<MessagePage>('inbox.messages', { conversationId });
    expect(after.messages.filter((message) => message.body === 'Sure, which day?')).toHaveLength(1);
  });

  test('a command whose answer is lost is sent again, and the server does it once', async () => {
    const { app, link, desk } = await team();
    await customerTexts(app.server.url, CUSTOMER, 'Are you open Sunday?');
    await desk.until('data.changed', hasMessage('Are you open Sunday?'));
    const [row] = (await desk.value<ConversationPage>('inbox.conversations', {})).rows;
    // The connection drops the moment the command has left, before any answer.
    link.onUpstream = (chunk) => {
      if (chunk.includes('We are, 10 to 4.')) {
        link.onUpstream = null;
        link.cut();
        link.restore();
      }
    };
    const outcome = await desk.value<{ state: string }>('commands.run', {
      command: { type: 'message.send', conversationId: row?.id, body: 'We are, 10 to 4.' },
    });
    expect(['done', 'queued']).toContain(outcome.state);
    await desk.until('sync.status', (status) => status.state === 'live' && status.queued === 0);
    await desk.until('data.changed', hasMessage('We are, 10 to 4.'));
    expect(app.server.simulator?.received(CUSTOMER).map((text) => text.body)).toEqual([
      'We are, 10 to 4.',
    ]);
  });

  test('a text queued offline is cancelled, with the reason, when STOP arrived meanwhile', async () => {
    const { app, link, desk } = await team();
    await customerTexts(app.server.url, CUSTOMER, 'What time tomorrow?');
    await desk.until('data.changed', hasMessage('What time tomorrow?'));
    const [row] = (await desk.value<ConversationPage>('inbox.conversations', {})).rows;
    const conversationId = row?.id ?? '';

    link.cut();
    await desk.until('sync.status', (status) => status.state === 'offline');
    await desk.value('commands.run', {
      command: { type: 'message.send', conversationId, body: 'Tomorrow at 9!' },
    });
    await customerTexts(app.server.url, CUSTOMER, 'STOP');
    link.restore();

    const cancelled = await desk.until('outbox.cancelled', () => true);
    expect(cancelled).toMatchObject({ conversationId });
    expect(cancelled.reason).toMatch(/^Opted out: replied STOP on \d{1,2} \w{3} \d{4}$/u);
    await desk.until('sync.status', (status) => status.state === 'live' && status.queued === 0);
    const bodies = app.server.simulator?.received(CUSTOMER).map((text) => text.body) ?? [];
    expect(bodies).not.toContain('Tomorrow at 9!');
    const shown = await desk.value<MessagePage>('inbox.messages', { conversationId });
    expect(shown.messages.at(-1)).toMatchObject({
      body: 'Tomorrow at 9!',
      local: 'cancelled',
      errorMessage: cancelled.reason,
    });
  });

  test('the gate and the roles refuse on the desktop, before anything leaves', async () => {
    const { app, desk } = await team();
    await customerTexts(app.server.url, CUSTOMER, 'Call me');
    await desk.until('data.changed', hasMessage('Call me'));
    const [row] = (await desk.value<ConversationPage>('inbox.conversations', {})).rows;
    const contactId = row?.contactId ?? '';
    await desk.value('commands.run', { command: { type: 'contact.block', contactId } });
    await desk.until('data.changed', (changes) =>
      changes.some((change) => change.type === 'contact.updated' && change.data.blocked),
    );
    expect(
      await desk.call('commands.run', {
        command: { type: 'contact.optIn', contactId, note: 'Asked in the shop' },
      }),
    ).toEqual({ ok: false, error: { code: 'unblock-first', message: 'Unblock first' } });
    expect(
      await desk.call('commands.run', {
        command: { type: 'message.send', conversationId: row?.id, body: 'Hello?' },
      }),
    ).toEqual({ ok: false, error: { code: 'blocked', message: 'Blocked' } });
    expect(
      await desk.call('commands.run', { command: { type: 'message.send', body: 'no target' } }),
    ).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  test('an agent cannot block, and is told why', async () => {
    const app = await startTestApp('sqlite');
    cleanups.push(() => app.close());
    const response = await fetch(`${app.server.url}/api/v1/users`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${app.adminToken}`,
      },
      body: JSON.stringify({
        email: 'agent@acme.test',
        name: 'Agent',
        role: 'agent',
        password: 'a long agent password',
      }),
    });
    expect(response.status).toBe(201);
    await customerTexts(app.server.url, CUSTOMER, 'hi');
    const desk = await startSignedIn(app.server.url, {
      email: 'agent@acme.test',
      password: 'a long agent password',
    });
    cleanups.push(() => desk.stop());
    const [row] = (await desk.value<ConversationPage>('inbox.conversations', {})).rows;
    expect(
      await desk.call('commands.run', {
        command: { type: 'contact.block', contactId: row?.contactId },
      }),
    ).toEqual({
      ok: false,
      error: { code: 'not-allowed', message: 'Only supervisors and admins can block contacts.' },
    });
    expect((await desk.value<InboxCounts>('inbox.counts')).blocked).toBeNull();
  });

  test('a revoked session signs the desktop out, keeping what it had', async () => {
    const { app, link, desk } = await team();
    await app.server.storage.db
      .updateTable('sessions')
      .set({ revoked_at: new Date().toISOString() })
      .execute();
    const signedOut = desk.until('session.changed', (view) => view.mode === 'none');
    // The connection drops; the reconnect is refused at the handshake.
    link.cut();
    link.restore();
    expect((await signedOut).sync).toEqual({ state: 'signed-out' });
    expect(await desk.call('inbox.counts')).toMatchObject({
      ok: false,
      error: { code: 'signed-out' },
    });
  });
});

describe('the account', () => {
  test('its profile and templates sync; a supervisor’s change reaches an agent’s desktop, and an agent may not make one', async () => {
    const app = await startTestApp('sqlite', { TEXTDESK_BUSINESS_NAME: 'Acme Dental' });
    cleanups.push(() => app.close());
    const agent = { email: 'dana@acme.test', password: 'a long agent password' };
    const response = await fetch(`${app.server.url}/api/v1/users`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${app.adminToken}` },
      body: JSON.stringify({ ...agent, name: 'Dana', role: 'agent' }),
    });
    expect(response.status).toBe(201);
    const desks: CoreHarness[] = [];
    for (const who of [ADMIN, agent]) {
      const desk = await startSignedIn(app.server.url, who);
      cleanups.push(() => desk.stop());
      desks.push(desk);
    }
    const [admin, dana] = desks as [CoreHarness, CoreHarness];

    const before = await dana.value<AccountView>('inbox.account');
    expect(before.profile).toEqual({
      businessName: 'Acme Dental',
      defaultCountry: 'US',
      timeZone: null,
      businessNumbers: ['+12015550100'],
      quietHours: DEFAULT_QUIET_HOURS,
      mediaRetentionDays: null,
    });
    expect(before.templates.map((template) => template.name)).toEqual([
      'Thanks',
      'Hours',
      'Follow-up',
    ]);

    const templates = [
      { name: 'Parking', body: 'Park behind {{business_name}}, {{first_name}}.' },
      { id: before.templates[0]?.id, name: 'Thanks', body: 'Thank you, {{first_name}}!' },
    ];
    expect(
      await dana.call('commands.run', { command: { type: 'templates.update', templates } }),
    ).toEqual({
      ok: false,
      error: {
        code: 'not-allowed',
        message: 'Only supervisors and admins can edit reply templates.',
      },
    });

    const saved = dana.until('data.changed', (changes) =>
      changes.some((change) => change.type === 'templates.updated'),
    );
    const done = await admin.value<{ state: string }>('commands.run', {
      command: { type: 'templates.update', templates },
    });
    expect(done.state).toBe('done');
    await saved;
    const after = await dana.value<AccountView>('inbox.account');
    expect(after.templates).toEqual([
      { id: expect.any(String) as unknown, name: 'Parking', body: templates[0]?.body },
      { id: before.templates[0]?.id, name: 'Thanks', body: 'Thank you, {{first_name}}!' },
    ]);
    expect(after.profile).toEqual(before.profile);
  });
});
