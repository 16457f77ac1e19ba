/**
 * Protocol versions on the desktop, against the real backend on loopback:
 * a desktop told to update stops and says so instead of retrying, one newer
 * than its server speaks down to it, and a change it cannot read stops it
 * where it is, with nothing skipped.
 */
import { join } from 'node:path';
import { afterEach, expect, test, vi } from 'vitest';
import { ADMIN, startTestApp } from '../../../server/testing/app';
import { startTestServer } from '../../../server/testing/context';
import { logFutureChange } from '../../../server/testing/futureChange';
import { startSyncServer } from '../../../server/testing/syncServer';
import type { SyncStatus } from '../../../shared/ipc/views';
import { UPDATE_MESSAGES, type ProtocolRange } from '../../../shared/protocol/versions';
import { LocalCache } from '../cache/localCache';
import { ME, temporaryFolder } from '../cache/testChanges';
import { customerTexts, startCore, startSignedIn } from '../testing/coreHarness';
import { SyncClient } from './syncClient';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A sync server speaking `range` on a free port, and an agent's session token. */
async function syncServer(range: ProtocolRange): Promise<{ url: string; token: string }> {
  const database = await startTestServer('sqlite');
  cleanups.push(() => database.close());
  const server = await startSyncServer(database, range);
  cleanups.push(async () => {
    await server.close();
    expect(server.errors).toEqual([]);
  });
  return server;
}

/** A sync client on an empty cache, with every status it reports; `until` waits for one. */
function client(
  serverUrl: string,
  token: string,
  protocol?: { version: number; min: number },
): { client: SyncClient; statuses: SyncStatus[]; until: (state: string) => Promise<SyncStatus> } {
  const folder = temporaryFolder();
  const cache = new LocalCache(join(folder.path, 'cache.sqlite'));
  cache.claim(ME);
  const statuses: SyncStatus[] = [];
  const waiters = new Set<(status: SyncStatus) => boolean>();
  const sync = new SyncClient({
    serverUrl,
    token,
    store: {
      cursor: () => Promise.resolve(cache.cursor()),
      applyChanges: (changes) => Promise.resolve(cache.applyChanges(changes)),
    },
    backoff: { initialMs: 10, maxMs: 20 },
    queued: () => 0,
    onApplied: () => undefined,
    onStatus: (status) => {
      statuses.push(status);
      for (const waiter of [...waiters]) if (waiter(status)) waiters.delete(waiter);
    },
    onLive: () => undefined,
    onSignedOut: () => undefined,
    ...(protocol !== undefined && { protocol }),
  });
  cleanups.push(async () => {
    await sync.stop();
    cache.close();
    folder.remove();
  });
  const until = (state: string) =>
    new Promise<SyncStatus>((resolve) => {
      const seen = statuses.find((status) => status.state === state);
      if (seen !== undefined) {
        resolve(seen);
        return;
      }
      waiters.add((status) => {
        if (status.state !== state) return false;
        resolve(status);
        return true;
      });
    });
  return { client: sync, statuses, until };
}

test('told at the handshake that it is too old, the desktop says "update Textdesk" and does not try again', async () => {
  const { url, token } = await syncServer({ min: 3, max: 4 });
  const desktop = client(url, token);
  // Retries are timers: held here, so any the client set would show below.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  desktop.client.start();
  expect(await desktop.until('update-needed')).toEqual({
    state: 'update-needed',
    update: 'desktop',
    reason: UPDATE_MESSAGES.desktop,
    queued: 0,
  });
  const heard = [...desktop.statuses];
  vi.advanceTimersByTime(60_000);
  expect(desktop.statuses).toEqual(heard);
  expect(heard.map((status) => status.state)).toEqual(['connecting', 'update-needed']);
});

test('a desktop newer than its server speaks down to it, or asks for the server to be updated', async () => {
  const app = await startTestApp('sqlite');
  cleanups.push(() => app.close());
  const downTo = client(app.server.url, app.adminToken, { version: 5, min: 1 });
  downTo.client.start();
  await downTo.until('live');
  const tooNew = client(app.server.url, app.adminToken, { version: 5, min: 3 });
  tooNew.client.start();
  expect(await tooNew.until('update-needed')).toEqual({
    state: 'update-needed',
    update: 'server',
    reason:
      'This version of Textdesk is newer than your team’s server. Ask whoever runs the server to update it.',
    queued: 0,
  });
});

test('a change the desktop does not know stops it with "update Textdesk", its cursor just before that change, live or catching up', async () => {
  const app = await startTestApp('sqlite');
  cleanups.push(() => app.close());
  const desk = await startSignedIn(app.server.url, ADMIN);
  await customerTexts(app.server.url, '+12015550123', 'Before the update');
  const future = await logFutureChange(app.server);
  const stuck = {
    state: 'update-needed',
    update: 'desktop',
    reason:
      'This version of Textdesk is too old for your team’s server. Update Textdesk to keep working.',
    queued: 0,
  };
  expect(await desk.until('sync.status', (status) => status.state === 'update-needed')).toEqual(
    stuck,
  );
  await customerTexts(app.server.url, '+12015550123', 'After the update');
  await desk.stop();
  const cursor = () => {
    const cache = new LocalCache(join(desk.dataDir, 'cache.sqlite'));
    try {
      return cache.cursor();
    } finally {
      cache.close();
    }
  };
  expect(cursor()).toBe(future - 1);

  // Started again, still this version: it catches up to the same change and stops there again.
  const again = await startCore({ dataDir: desk.dataDir });
  cleanups.push(() => again.stop());
  expect(await again.until('sync.status', (status) => status.state === 'update-needed')).toEqual(
    stuck,
  );
  expect(again.heard.filter((entry) => entry.event === 'data.changed')).toEqual([]);
  await again.stop();
  expect(cursor()).toBe(future - 1);
});
