/**
 * The desktop's side of sessions that end, against the real backend on
 * loopback: signing out ends the session on the server too (and still
 * signs out offline), and the desktop refreshes its token on its own,
 * keeps it for the next start and reconnects with it.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { SessionView } from '../../shared/ipc';
import { ADMIN, startTestApp, type TestApp } from '../../server/testing/app';
import { readSettings, writeSettings } from './session';
import { isLive, startCore, type CoreHarness } from './testing/coreHarness';
import { cuttableLink, type CuttableLink } from './testing/cuttableLink';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups.length = 0;
});

/** A team server, a link to it that can be cut, and a desktop signed in through the link. */
async function team(options: { onTokenRefreshed?: () => void } = {}) {
  const app = await startTestApp('sqlite');
  cleanups.push(() => app.close());
  const link = await cuttableLink(app.server.url);
  cleanups.push(() => link.close());
  const desk = await signedInDesk(link, options);
  return { app, link, desk };
}

async function signedInDesk(
  link: CuttableLink,
  options: { dataDir?: string; onTokenRefreshed?: () => void } = {},
): Promise<CoreHarness> {
  const desk = await startCore({ team: true, ...options });
  cleanups.push(() => desk.stop());
  if (options.dataDir === undefined) {
    await desk.value<SessionView>('session.signIn', {
      serverUrl: link.url,
      email: ADMIN.email,
      password: ADMIN.password,
    });
  }
  await desk.until('sync.status', isLive);
  return desk;
}

/** The token the desktop keeps (tests keep it as is: PLAIN_SECRETS). */
async function keptToken(desk: CoreHarness): Promise<string> {
  const { session } = await readSettings(desk.dataDir);
  if (session === null) throw new Error('not signed in');
  return session.token;
}

const contactAnswer = async (app: TestApp, token: string) => {
  const response = await fetch(`${app.server.url}/api/v1/contacts/+12015550100`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return {
    status: response.status,
    message: ((await response.json()) as { error?: { message: string } }).error?.message,
  };
};

describe('signing out', () => {
  test('ends the session on the server: the token the desktop had is refused', async () => {
    const { app, desk } = await team();
    const token = await keptToken(desk);
    expect((await contactAnswer(app, token)).status).toBe(404);
    const view = await desk.value<SessionView>('session.signOut');
    expect(view.mode).toBe('none');
    expect(await contactAnswer(app, token)).toEqual({
      status: 401,
      message: 'This session was signed out. Sign in again.',
    });
  });

  test('offline, still signs the desktop out', async () => {
    const { link, desk } = await team();
    link.cut();
    const view = await desk.value<SessionView>('session.signOut');
    expect(view).toMatchObject({ mode: 'none', user: null });
    expect((await readSettings(desk.dataDir)).session).toBeNull();
  });
});

describe('refreshing the token', () => {
  test('a desktop due to refresh gets a fresh token, keeps it, and reconnects with it', async () => {
    const { app, link, desk } = await team();
    const before = await keptToken(desk);
    const settings = await readSettings(desk.dataDir);
    expect(settings.session?.refreshAfter).toEqual(expect.any(String) as unknown);
    await desk.stop();
    // A day later (or settings from before refreshes): due.
    if (settings.session === null) throw new Error('not signed in');
    await writeSettings(desk.dataDir, {
      ...settings,
      session: { ...settings.session, refreshAfter: new Date(Date.now() - 1000).toISOString() },
    });

    let refreshed: () => void = () => undefined;
    const fresh = new Promise<void>((resolve) => {
      refreshed = resolve;
    });
    const again = await signedInDesk(link, {
      dataDir: desk.dataDir,
      onTokenRefreshed: () => {
        refreshed();
      },
    });
    await fresh;
    const after = await keptToken(again);
    expect(after).not.toBe(before);
    const kept = await readSettings(again.dataDir);
    expect(Date.parse(kept.session?.refreshAfter ?? '')).toBeGreaterThan(Date.now());
    expect((await contactAnswer(app, after)).status).toBe(404);

    // The old token's hour is over; a reconnect signs in with the new one.
    await app.server.storage.db
      .updateTable('sessions')
      .set({ previous_until: new Date(Date.now() - 1000).toISOString() })
      .where('previous_token_hash', 'is not', null)
      .execute();
    expect((await contactAnswer(app, before)).status).toBe(401);
    const livesSoFar = again.heard.filter(
      (entry) => entry.event === 'sync.status' && isLive(entry.payload as { state: string }),
    ).length;
    let lives = 0;
    const back = again.until('sync.status', (status) => isLive(status) && ++lives > livesSoFar);
    link.cut();
    link.restore();
    await back;
    expect((await again.value<SessionView>('session.get')).mode).toBe('team');
  });
});
