/**
 * Presence on the desktop: the roster's rules on their own, then desktops
 * of one account seeing each other through the real server, and a desktop
 * of another account hearing nothing.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { IpcEventPayload, PresencePerson } from '../../shared/ipc';
import type { Presence } from '../../shared/protocol/sync';
import { ADMIN, startTestApp, type TestApp } from '../../server/testing/app';
import { PresenceRoster } from './presence';
import { customerTexts, startCore, startSignedIn, type CoreHarness } from './testing/coreHarness';
import { cuttableLink } from './testing/cuttableLink';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups.length = 0;
});

describe('the roster', () => {
  function roster(typingExpiresMs = 60_000) {
    const said: { conversationId: string; people: PresencePerson[] }[] = [];
    const waiters = new Set<() => void>();
    const list = new PresenceRoster({
      me: 'me',
      typingExpiresMs,
      onChange: (conversationId, people) => {
        said.push({ conversationId, people });
        for (const waiter of waiters) waiter();
      },
    });
    cleanups.push(() => {
      list.clear();
      return Promise.resolve();
    });
    /** Resolves once anything more has been said. */
    const next = () =>
      new Promise<void>((resolve) => {
        const waiter = () => {
          waiters.delete(waiter);
          resolve();
        };
        waiters.add(waiter);
      });
    return { list, said, next };
  }
  const heard = (fields: Partial<Presence> & Pick<Presence, 'connectionId'>): Presence => ({
    userId: 'dana',
    name: 'Dana',
    conversationId: 'c1',
    typing: false,
    at: new Date().toISOString(),
    ...fields,
  });

  test('lists each person once, typing when any of their windows types, and says only what changed', () => {
    const { list, said } = roster();
    list.hear(heard({ connectionId: 'dana-1' }));
    list.hear(heard({ connectionId: 'dana-2', typing: true }));
    list.hear(heard({ connectionId: 'sam-1', userId: 'sam', name: 'Bea' }));
    list.hear(heard({ connectionId: 'dana-2', typing: true }));
    expect(said).toEqual([
      { conversationId: 'c1', people: [{ userId: 'dana', name: 'Dana', typing: false }] },
      { conversationId: 'c1', people: [{ userId: 'dana', name: 'Dana', typing: true }] },
      {
        conversationId: 'c1',
        people: [
          { userId: 'sam', name: 'Bea', typing: false },
          { userId: 'dana', name: 'Dana', typing: true },
        ],
      },
    ]);
    // Dana's second window moves on; her first still has c1 open.
    list.hear(heard({ connectionId: 'dana-2', conversationId: 'c2' }));
    expect(said.slice(3)).toEqual([
      {
        conversationId: 'c1',
        people: [
          { userId: 'sam', name: 'Bea', typing: false },
          { userId: 'dana', name: 'Dana', typing: false },
        ],
      },
      { conversationId: 'c2', people: [{ userId: 'dana', name: 'Dana', typing: false }] },
    ]);
    expect(list.peopleIn('c3')).toEqual([]);
  });

  test('never lists the signed-in person, from any of their desktops', () => {
    const { list, said } = roster();
    list.hear(heard({ connectionId: 'mine', userId: 'me', name: 'Me', typing: true }));
    expect(said).toEqual([]);
    expect(list.peopleIn('c1')).toEqual([]);
  });

  test('typing lapses without a refresh; viewing stays', async () => {
    const { list, said, next } = roster(20);
    list.hear(heard({ connectionId: 'dana-1', typing: true }));
    await next();
    expect(said.at(-1)).toEqual({
      conversationId: 'c1',
      people: [{ userId: 'dana', name: 'Dana', typing: false }],
    });
  });

  test('a connection that is gone, or losing ours, empties the lists', () => {
    const { list, said } = roster();
    list.hear(heard({ connectionId: 'dana-1' }));
    list.hear(heard({ connectionId: 'sam-1', userId: 'sam', name: 'Sam', conversationId: 'c2' }));
    list.hear(heard({ connectionId: 'dana-1', conversationId: null }));
    expect(said.at(-1)).toEqual({ conversationId: 'c1', people: [] });
    list.clear();
    expect(said.at(-1)).toEqual({ conversationId: 'c2', people: [] });
    expect(said).toHaveLength(4);
    list.clear();
    expect(said).toHaveLength(4);
  });
});

describe('desktops of one account', () => {
  const DANA = { email: 'dana@acme.test', password: 'a long agent password' };
  const OUTSIDER = { email: 'owner@other.test', password: 'another long password' };
  const OTHER_NUMBER = '+12015550999';

  async function signedIn(
    serverUrl: string,
    who: { email: string; password: string },
    typingExpiresMs?: number,
  ): Promise<CoreHarness> {
    const desk = await startSignedIn(
      serverUrl,
      who,
      typingExpiresMs === undefined ? {} : { typingExpiresMs },
    );
    cleanups.push(() => desk.stop());
    return desk;
  }

  async function setUp(): Promise<TestApp> {
    const app = await startTestApp('sqlite');
    cleanups.push(() => app.close());
    const response = await fetch(`${app.server.url}/api/v1/users`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${app.adminToken}` },
      body: JSON.stringify({ ...DANA, name: 'Dana', role: 'agent' }),
    });
    expect(response.status).toBe(201);
    await app.addAccount({ name: 'Other Shop', businessNumber: OTHER_NUMBER, ...OUTSIDER });
    return app;
  }

  const inConversation =
    (conversationId: string, people: Omit<PresencePerson, 'userId'>[]) =>
    (payload: IpcEventPayload<'presence.changed'>) =>
      payload.conversationId === conversationId &&
      JSON.stringify(payload.people.map(({ name, typing }) => ({ name, typing }))) ===
        JSON.stringify(people);

  /** Everything `desk` heard of presence. */
  const presenceHeard = (desk: CoreHarness) =>
    desk.heard.filter((entry) => entry.event === 'presence.changed');

  /** The next `presence.changed` that `match` accepts, heard after this call (not before). */
  function next(
    desk: CoreHarness,
    match: (payload: IpcEventPayload<'presence.changed'>) => boolean,
  ): Promise<IpcEventPayload<'presence.changed'>> {
    const from = desk.heard.length;
    return desk.until(
      'presence.changed',
      (payload) =>
        desk.heard.findIndex((entry) => entry.payload === payload) >= from && match(payload),
    );
  }

  test('see who else is viewing and typing; typing lapses; leaving and losing the connection clear it', async () => {
    const app = await setUp();
    const link = await cuttableLink(app.server.url);
    cleanups.push(() => link.close());
    const admin = await signedIn(link.url, ADMIN, 300);
    const dana = await signedIn(app.server.url, DANA);
    const outsider = await signedIn(app.server.url, OUTSIDER);

    // Opening a conversation tells at once who is there: nobody yet.
    let danaHears = next(dana, inConversation('c1', []));
    let adminHears = next(admin, inConversation('c1', [{ name: 'Dana', typing: false }]));
    expect(await dana.value('presence.set', { conversationId: 'c1', typing: false })).toBeNull();
    await danaHears;
    await adminHears;

    adminHears = next(admin, inConversation('c1', [{ name: 'Dana', typing: true }]));
    await dana.value('presence.set', { conversationId: 'c1', typing: true });
    await adminHears;
    // No refresh comes (Dana stopped typing without saying so): it lapses on the admin's desktop.
    await next(admin, inConversation('c1', [{ name: 'Dana', typing: false }]));

    // The admin opens it too: told at once that Dana is there; Dana hears of the admin.
    adminHears = next(admin, inConversation('c1', [{ name: 'Dana', typing: false }]));
    danaHears = next(dana, inConversation('c1', [{ name: 'Admin', typing: false }]));
    await admin.value('presence.set', { conversationId: 'c1', typing: false });
    await adminHears;
    await danaHears;

    // The admin's connection drops: their desktop forgets everyone, and Dana's forgets them.
    adminHears = next(admin, inConversation('c1', []));
    danaHears = next(dana, inConversation('c1', []));
    link.cut();
    await adminHears;
    await danaHears;
    // Back online: the admin is told Dana is there, and says again where they are.
    adminHears = next(admin, inConversation('c1', [{ name: 'Dana', typing: false }]));
    danaHears = next(dana, inConversation('c1', [{ name: 'Admin', typing: false }]));
    link.restore();
    await adminHears;
    await danaHears;

    // Nobody is ever listed on their own desktop.
    for (const entry of presenceHeard(dana)) {
      const payload = entry.payload as IpcEventPayload<'presence.changed'>;
      expect(payload.people.map((person) => person.name)).not.toContain('Dana');
    }

    // Dana quits: gone from the admin's list.
    adminHears = next(admin, inConversation('c1', []));
    await dana.stop();
    await adminHears;

    // The other account heard none of it: a text of its own, sent after, has reached it.
    await customerTexts(app.server.url, '+12015550142', 'Hi other shop', { to: OTHER_NUMBER });
    await outsider.until('data.changed', (changes) =>
      changes.some(
        (change) => change.type === 'message.created' && change.data.body === 'Hi other shop',
      ),
    );
    expect(presenceHeard(outsider)).toEqual([]);
  });

  test('presence.set while signed out does nothing, and says so with null', async () => {
    const desk = await startCore({ team: true });
    cleanups.push(() => desk.stop());
    expect(await desk.call('presence.set', { conversationId: 'c1', typing: true })).toEqual({
      ok: true,
      value: null,
    });
    expect(await desk.call('presence.set', { conversationId: '', typing: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
  });
});
