/**
 * Admins' API keys and people's sessions on desktops signed in to a real
 * server on loopback: keys listed, created (the secret once) and revoked
 * through the REST API, an agent refused, and sessions listed and ended —
 * one of someone else's, then all of the admin's own, which signs them out.
 */
import { describe, expect, test } from 'vitest';
import type { AccountView } from '../../shared/ipc';
import type { ApiKey, SessionInfo } from '../../shared/protocol/access';
import { ADMIN, startTestApp, type TestApp } from '../../server/testing/app';
import { cleanupsPerTest } from './testing/cleanups';

const { later, desktop: signedIn } = cleanupsPerTest();

/** A desktop signed in to the app's server as someone. */
const desktop = (app: TestApp, credentials: { email: string; password: string }) =>
  signedIn(app.server.url, credentials);

async function team() {
  const app = await startTestApp('sqlite');
  later(() => app.close());
  const admin = await desktop(app, ADMIN);
  const agent = { email: 'agent@acme.test', password: 'agent password 123' };
  const created = await admin.value<{ state: string }>('commands.run', {
    command: { type: 'user.create', role: 'agent', name: 'Agent', ...agent },
  });
  expect(created.state).toBe('done');
  return { app, admin, agent };
}

/** A REST call signed with an API key's secret. */
const withKey = (app: TestApp, secret: string) =>
  fetch(`${app.server.url}/api/v1/api-keys`, { headers: { Authorization: `Bearer ${secret}` } });

describe('API keys', () => {
  test('an admin creates a key, sees its secret once, and revokes it; an agent is refused', async () => {
    const { app, admin, agent } = await team();
    expect(await admin.value<ApiKey[]>('admin.apiKeys')).toEqual([]);

    const { apiKey, secret } = await admin.value<{ apiKey: ApiKey; secret: string }>(
      'admin.createApiKey',
      { name: 'CRM', scope: 'admin' },
    );
    expect(secret).toMatch(/^tdk_/u);
    expect(apiKey).toMatchObject({ name: 'CRM', scope: 'admin', revokedAt: null });
    expect((await withKey(app, secret)).status).toBe(200);

    const listed = await admin.value<ApiKey[]>('admin.apiKeys');
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: apiKey.id, name: 'CRM', scope: 'admin' });
    expect(listed[0]?.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(secret);

    expect(await admin.call('admin.createApiKey', { name: '  ', scope: 'read' })).toMatchObject({
      ok: false,
      error: { message: 'An API key needs a name, such as CRM.' },
    });

    const revoked = await admin.value<ApiKey>('admin.revokeApiKey', { apiKeyId: apiKey.id });
    expect(revoked.revokedAt).not.toBeNull();
    expect((await withKey(app, secret)).status).toBe(401);
    expect((await admin.value<ApiKey[]>('admin.apiKeys'))[0]?.revokedAt).not.toBeNull();

    const agentDesk = await desktop(app, agent);
    expect(await agentDesk.call('admin.apiKeys')).toEqual({
      ok: false,
      error: { code: 'not-allowed', message: 'Only admins can see the account’s API keys.' },
    });
    expect(await agentDesk.call('admin.createApiKey', { name: 'Mine', scope: 'read' })).toEqual({
      ok: false,
      error: { code: 'not-allowed', message: 'Only admins can create API keys.' },
    });
    expect(await admin.value<ApiKey[]>('admin.apiKeys')).toHaveLength(1);
  });
});

describe('sessions', () => {
  test('an admin lists a person’s sessions and ends one; ending all of their own signs them out', async () => {
    const { app, admin, agent } = await team();
    const agentDesk = await desktop(app, agent);
    const users = (await admin.value<AccountView>('inbox.account')).users;
    const agentId = users.find((user) => user.email === agent.email)?.id ?? '';
    const adminId = users.find((user) => user.email === ADMIN.email)?.id ?? '';

    const sessions = await admin.value<SessionInfo[]>('admin.sessions', { userId: agentId });
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.address).not.toBeNull();

    expect(await agentDesk.call('admin.sessions', { userId: adminId })).toMatchObject({
      ok: false,
      error: { code: 'not-allowed', message: 'Only admins can see people’s sessions.' },
    });
    expect(await admin.call('admin.sessions', { userId: 'nobody' })).toMatchObject({
      ok: false,
      error: { message: 'There is no such person in this account.' },
    });

    const agentOut = agentDesk.until('session.changed', (view) => view.user === null);
    const ended = await admin.value<{ ended: string[]; signedOut: boolean }>('admin.endSessions', {
      sessionId: sessions[0]?.id,
    });
    expect(ended).toEqual({ ended: [sessions[0]?.id], signedOut: false });
    await agentOut;
    expect(await admin.value<SessionInfo[]>('admin.sessions', { userId: agentId })).toEqual([]);

    const adminOut = admin.until('session.changed', (view) => view.user === null);
    const own = await admin.value<{ ended: string[]; signedOut: boolean }>('admin.endSessions', {
      userId: adminId,
    });
    expect(own.signedOut).toBe(true);
    expect(own.ended.length).toBeGreaterThan(0);
    await adminOut;
  });
});
