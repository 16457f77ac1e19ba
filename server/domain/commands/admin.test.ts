import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { DEFAULT_QUIET_HOURS } from '../../../shared/consent';
import { CommandSchema, type Command, type CommandValue } from '../../../shared/protocol/commands';
import { verifyPassword } from '../../auth/passwords';
import { authenticate, createSession, type SessionUser } from '../../auth/sessions';
import { createAccount } from '../../accounts/accounts';
import { serverPerTest } from '../../testing/context';
import { DIALECTS } from '../../testing/storage';
import { runCommand } from './index';

const { start, current } = serverPerTest();

const run = async <C extends Command>(user: SessionUser, command: C, key = randomUUID()) =>
  (await runCommand(current().context, user, key, command, 'desktop')).result;

async function ok<C extends Command>(
  user: SessionUser,
  command: C,
): Promise<CommandValue<C['type']>> {
  const result = await run(user, command);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

const since = (mark: number) => current().published.slice(mark);

describe.each(DIALECTS)('administration commands on %s', (dialect) => {
  test('admins change the business name, country and zone; the whole profile is logged', async () => {
    const server = await start(dialect);
    const admin = await server.user('admin');
    const supervisor = await server.user('supervisor');
    expect(await run(supervisor, { type: 'account.update', businessName: 'X' })).toEqual({
      ok: false,
      error: { code: 'not-allowed', message: 'Only admins can change the account’s settings.' },
    });
    const mark = server.published.length;
    const { profile } = await ok(admin, {
      type: 'account.update',
      businessName: 'Acme Dental & Ortho',
      timeZone: 'America/Chicago',
    });
    expect(profile).toEqual({
      accountId: server.accountId,
      businessName: 'Acme Dental & Ortho',
      defaultCountry: 'US',
      timeZone: 'America/Chicago',
      businessNumbers: ['+12015550100'],
      quietHours: DEFAULT_QUIET_HOURS,
      mediaRetentionDays: null,
    });
    expect(since(mark)).toMatchObject([{ type: 'account.updated', data: profile }]);
    const country = await ok(admin, {
      type: 'account.update',
      defaultCountry: 'CA',
      timeZone: null,
    });
    expect(country.profile).toMatchObject({ defaultCountry: 'CA', timeZone: null });
    // What the schema lets through, for a desktop or an integration.
    const parse = (command: unknown) => CommandSchema.safeParse(command).error?.issues[0]?.message;
    expect(parse({ type: 'account.update' })).toBe(
      'Say what to change: businessName, defaultCountry, timeZone, quietHours or mediaRetentionDays.',
    );
    expect(parse({ type: 'account.update', defaultCountry: 'USA' })).toBe(
      'A country is a two-letter code such as US or GB.',
    );
    expect(parse({ type: 'account.update', timeZone: 'Chicago' })).toBe(
      'timeZone must be a time zone such as America/Chicago.',
    );
  });

  test('business numbers: read with the account’s country, and never two accounts’ at once', async () => {
    const server = await start(dialect);
    const admin = await server.user('admin');
    const mark = server.published.length;
    const { profile } = await ok(admin, { type: 'businessNumber.add', phone: '(201) 555-0199' });
    expect(profile.businessNumbers).toEqual(['+12015550100', '+12015550199']);
    expect(since(mark)).toMatchObject([{ type: 'account.updated', data: profile }]);
    expect(await run(admin, { type: 'businessNumber.add', phone: '+1 201 555 0199' })).toEqual({
      ok: false,
      error: {
        code: 'conflict',
        message: '+12015550199 is already one of this account’s numbers.',
      },
    });
    await createAccount(
      server.storage.db,
      { name: 'Other', defaultCountry: 'US', businessNumber: '+12015550300' },
      new Date(),
    );
    expect(await run(admin, { type: 'businessNumber.add', phone: '2015550300' })).toEqual({
      ok: false,
      error: {
        code: 'conflict',
        message: '+12015550300 belongs to another account on this server.',
      },
    });
    expect(await run(admin, { type: 'businessNumber.add', phone: '555' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
  });

  test('admins add people: the password is hashed, an email in use anywhere is refused', async () => {
    const server = await start(dialect);
    const admin = await server.user('admin');
    const agent = await server.user('agent');
    const command: Command = {
      type: 'user.create',
      email: 'Dana@Acme.test',
      name: 'Dana',
      role: 'supervisor',
      password: 'a long enough password',
    };
    expect(await run(agent, command)).toEqual({
      ok: false,
      error: { code: 'not-allowed', message: 'Only admins can add people.' },
    });
    const mark = server.published.length;
    const { user } = await ok(admin, command);
    expect(user).toMatchObject({
      email: 'dana@acme.test',
      name: 'Dana',
      role: 'supervisor',
      disabled: false,
    });
    expect(since(mark)).toMatchObject([{ type: 'user.updated', data: user }]);
    const stored = await server.storage.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(await verifyPassword('a long enough password', stored.password_hash)).toBe(true);
    expect(await run(admin, { ...command, email: 'DANA@acme.test' })).toEqual({
      ok: false,
      error: { code: 'conflict', message: 'Someone already signs in as dana@acme.test.' },
    });
    const unnamed = await ok(admin, {
      type: 'user.create',
      email: 'sam@acme.test',
      role: 'agent',
      password: 'another long password',
    });
    expect(unnamed.user.name).toBe('sam');
    expect(
      CommandSchema.safeParse({ ...command, password: 'short' }).error?.issues[0]?.message,
    ).toBe('A password needs at least 12 characters.');
    // The key remembers the command without its password.
    const keys = await server.storage.db
      .selectFrom('idempotency')
      .select(['command', 'result'])
      .execute();
    expect(JSON.stringify(keys)).not.toContain('a long enough password');
  });

  test('admins rename people, change roles, and remove access, which ends their sessions', async () => {
    const server = await start(dialect);
    const admin = await server.user('admin', 'Ana');
    const agent = await server.user('agent', 'Dana');
    const { db } = server.storage;
    const token = await createSession(db, agent.id, new Date());
    expect(await authenticate(db, token, new Date())).not.toBeNull();

    const renamed = await ok(admin, { type: 'user.update', userId: agent.id, name: 'Dana Lee' });
    expect(renamed.user).toMatchObject({ name: 'Dana Lee', role: 'agent', disabled: false });
    const promoted = await ok(admin, { type: 'user.update', userId: agent.id, role: 'supervisor' });
    expect(promoted.user.role).toBe('supervisor');

    const mark = server.published.length;
    const disabled = await ok(admin, { type: 'user.update', userId: agent.id, disabled: true });
    expect(disabled.user).toMatchObject({ id: agent.id, disabled: true });
    expect(since(mark)).toMatchObject([{ type: 'user.updated', data: { disabled: true } }]);
    expect(await authenticate(db, token, new Date())).toBeNull();
    const enabled = await ok(admin, { type: 'user.update', userId: agent.id, disabled: false });
    expect(enabled.user.disabled).toBe(false);
    // Giving access back does not bring an ended session back.
    expect(await authenticate(db, token, new Date())).toBeNull();

    expect(await run(admin, { type: 'user.update', userId: 'nobody', name: 'X' })).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'There is no such person in this account.' },
    });
    expect(await run(agent, { type: 'user.update', userId: agent.id, role: 'admin' })).toEqual({
      ok: false,
      error: {
        code: 'not-allowed',
        message: 'Only admins can change people’s names, roles and access.',
      },
    });
  });

  test('the last admin cannot be demoted, and nobody removes their own access', async () => {
    const server = await start(dialect);
    const ana = await server.user('admin', 'Ana');
    expect(await run(ana, { type: 'user.update', userId: ana.id, disabled: true })).toEqual({
      ok: false,
      error: {
        code: 'not-allowed',
        message: 'You cannot remove your own access. Ask another admin to do it.',
      },
    });
    expect(await run(ana, { type: 'user.update', userId: ana.id, role: 'supervisor' })).toEqual({
      ok: false,
      error: {
        code: 'not-allowed',
        message: 'Ana is the account’s last admin: make someone else an admin first.',
      },
    });
    const ben = await server.user('admin', 'Ben');
    // With Ben's access removed, Ana is the last active admin again.
    await ok(ana, { type: 'user.update', userId: ben.id, disabled: true });
    expect(await run(ana, { type: 'user.update', userId: ana.id, role: 'agent' })).toMatchObject({
      ok: false,
      error: { code: 'not-allowed' },
    });
    await ok(ana, { type: 'user.update', userId: ben.id, disabled: false });
    const demoted = await ok(ana, { type: 'user.update', userId: ana.id, role: 'supervisor' });
    expect(demoted.user.role).toBe('supervisor');
  });
});
