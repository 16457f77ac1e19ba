/**
 * The sync client on its own, against the real backend on loopback, with
 * the cache it runs with: pages handed to the cache back to back, what
 * happens when storing one of them fails halfway through a catch-up, and
 * presence across a lost connection.
 */
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { startTestApp } from '../../../server/testing/app';
import type { Change } from '../../../shared/protocol/entities';
import type { Presence } from '../../../shared/protocol/sync';
import { LocalCache } from '../cache/localCache';
import { ME, temporaryFolder } from '../cache/testChanges';
import { cuttableLink } from '../testing/cuttableLink';
import { SyncClient, type ChangeStore } from './syncClient';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups.length = 0;
});

/** A cache behind the store interface, whose `failOn`th store (counting from 1) throws once; null: none does. */
function flakyStore(failOn: number | null): {
  store: ChangeStore;
  cache: LocalCache;
  stores: number[];
} {
  const folder = temporaryFolder();
  const cache = new LocalCache(join(folder.path, 'cache.sqlite'));
  cache.claim(ME);
  cleanups.push(() => {
    cache.close();
    folder.remove();
  });
  const stores: number[] = [];
  const store: ChangeStore = {
    cursor: () => Promise.resolve(cache.cursor()),
    applyChanges: async (changes: readonly Change[]) => {
      // Answered on a later turn, as the cache worker answers.
      await new Promise((resolve) => setImmediate(resolve));
      stores.push(changes.length);
      if (stores.length === failOn) throw new Error('disk full');
      return cache.applyChanges(changes);
    },
  };
  return { store, cache, stores };
}

test('a store that fails mid catch-up leaves nothing half done: the client reconnects and gets it all', async () => {
  const app = await startTestApp('sqlite');
  cleanups.push(() => app.close());
  // 40 texts from 10 numbers: with pages of 25 changes, a catch-up of several pages.
  for (let i = 0; i < 40; i++) {
    const response = await fetch(`${app.server.url}/simulator/inbound`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        from: `+1201555${String(1000 + (i % 10))}`,
        body: `text ${String(i)}`,
      }),
    });
    expect(response.status).toBeLessThan(300);
  }
  const { store, cache, stores } = flakyStore(2);
  const errors: unknown[] = [];
  let lives = 0;
  const live = new Promise<void>((resolve, reject) => {
    const client = new SyncClient({
      serverUrl: app.server.url,
      token: app.adminToken,
      store,
      pageSize: 25,
      backoff: { initialMs: 10, maxMs: 20 },
      queued: () => 0,
      onApplied: () => undefined,
      onStatus: () => undefined,
      onLive: () => {
        lives += 1;
        resolve();
      },
      onSignedOut: (reason) => {
        reject(new Error(reason));
      },
      onError: (error) => errors.push(error),
    });
    cleanups.push(() => client.stop());
    client.start();
  });
  await live;
  // The failure was reported, and the client went live only once it had everything.
  expect(errors.map(String)).toEqual(['Error: disk full']);
  expect(lives).toBe(1);
  expect(stores.length).toBeGreaterThan(4);
  expect(cache.counts()).toMatchObject({ open: 10, unread: 40 });
  const texts = cache
    .conversations({ filter: 'open', limit: 100 })
    .rows.map((row) => cache.messages({ conversationId: row.id, limit: 100 }).messages.length);
  expect(texts.reduce((sum, count) => sum + count, 0)).toBe(40);
});

test('presence: sent while connected, dropped while offline, the current conversation said again on reconnect', async () => {
  const app = await startTestApp('sqlite');
  cleanups.push(() => app.close());
  const link = await cuttableLink(app.server.url);
  cleanups.push(() => link.close());
  const heard: Presence[] = [];
  const waiters = new Set<(presence: Presence) => boolean>();
  const until = (match: (presence: Presence) => boolean) =>
    new Promise<Presence>((resolve) => {
      waiters.add((presence) => {
        if (!match(presence)) return false;
        resolve(presence);
        return true;
      });
    });
  const clients: SyncClient[] = [];
  const start = (serverUrl: string, onLive: () => void, onPresence?: (p: Presence) => void) => {
    const { store } = flakyStore(null);
    const client = new SyncClient({
      serverUrl,
      token: app.adminToken,
      store,
      backoff: { initialMs: 10, maxMs: 20 },
      queued: () => 0,
      onApplied: () => undefined,
      onStatus: () => undefined,
      onLive,
      onSignedOut: () => undefined,
      ...(onPresence !== undefined && { onPresence }),
    });
    cleanups.push(() => client.stop());
    clients.push(client);
    client.start();
    return client;
  };
  let watcherLive: () => void = () => undefined;
  const watching = new Promise<void>((resolve) => {
    watcherLive = resolve;
  });
  start(
    app.server.url,
    () => {
      watcherLive();
    },
    (presence) => {
      heard.push(presence);
      for (const waiter of [...waiters]) if (waiter(presence)) waiters.delete(waiter);
    },
  );
  await watching;
  let lives = 0;
  let nextLive: () => void = () => undefined;
  const live = () =>
    new Promise<void>((resolve) => {
      nextLive = resolve;
    });
  const firstLive = live();
  const client = start(link.url, () => {
    lives += 1;
    nextLive();
  });
  await firstLive;

  let seen = until((presence) => presence.conversationId === 'c1' && !presence.typing);
  client.setPresence({ conversationId: 'c1', typing: false });
  const first = await seen;

  // Keystrokes repeat "typing"; it goes out once, then again only after a while.
  seen = until((presence) => presence.conversationId === 'c1' && !presence.typing);
  for (let i = 0; i < 5; i++) client.setPresence({ conversationId: 'c1', typing: true });
  client.setPresence({ conversationId: 'c1', typing: false });
  await seen;
  expect(heard.filter((presence) => presence.typing)).toHaveLength(1);

  seen = until((presence) => presence.conversationId === null);
  link.cut();
  await seen;
  client.setPresence({ conversationId: 'c2', typing: true });
  client.setPresence({ conversationId: 'c3', typing: true });
  expect(client.presence).toEqual({ conversationId: 'c3', typing: true });
  seen = until((presence) => presence.conversationId !== null);
  const back = live();
  link.restore();
  // A new connection; only where it is now, and typing has lapsed.
  const again = await seen;
  expect(again).toMatchObject({ conversationId: 'c3', typing: false });
  expect(again.connectionId).not.toBe(first.connectionId);
  await back;
  expect(lives).toBe(2);
  expect(heard.map((presence) => presence.conversationId)).not.toContain('c2');
});
