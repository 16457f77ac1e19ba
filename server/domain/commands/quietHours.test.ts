import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { DEFAULT_QUIET_HOURS } from '../../../shared/consent';
import { CommandSchema, type Command } from '../../../shared/protocol/commands';
import type { SessionUser } from '../../auth/sessions';
import { serverPerTest } from '../../testing/context';
import { DIALECTS } from '../../testing/storage';
import { accountProfileOf } from '../accountProfile';
import { runCommand } from './index';

const { start, current } = serverPerTest();

const run = async <C extends Command>(user: SessionUser, command: C) =>
  (await runCommand(current().context, user, randomUUID(), command, 'desktop')).result;

const MON_SAT = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

describe.each(DIALECTS)('quiet hours as a setting on %s', (dialect) => {
  test('admins set the window and days; the profile carries them; a bad window is refused with a sentence', async () => {
    const server = await start(dialect);
    const admin = await server.user('admin');
    const supervisor = await server.user('supervisor');
    // Until someone changes it: 8:00–21:00, every day.
    expect((await accountProfileOf(server.storage.db, server.accountId)).quietHours).toEqual(
      DEFAULT_QUIET_HOURS,
    );
    const window = { start: '09:00', end: '18:30', days: [...MON_SAT] };
    expect(await run(supervisor, { type: 'account.update', quietHours: window })).toEqual({
      ok: false,
      error: { code: 'not-allowed', message: 'Only admins can change the account’s settings.' },
    });

    const mark = server.published.length;
    expect(await run(admin, { type: 'account.update', quietHours: window })).toEqual({
      ok: true,
      value: { profile: expect.objectContaining({ quietHours: window }) as unknown },
    });
    expect(server.published.slice(mark)).toMatchObject([
      { type: 'account.updated', data: { quietHours: window, businessName: 'Acme Dental' } },
    ]);
    // Changing something else keeps it, and both in one command log one profile.
    const both = await run(admin, {
      type: 'account.update',
      businessName: 'Acme Dental & Ortho',
      quietHours: { ...window, end: '17:00' },
    });
    expect(both).toMatchObject({
      ok: true,
      value: { profile: { businessName: 'Acme Dental & Ortho', quietHours: { end: '17:00' } } },
    });
    await run(admin, { type: 'account.update', timeZone: 'America/Chicago' });
    expect((await accountProfileOf(server.storage.db, server.accountId)).quietHours).toEqual({
      ...window,
      end: '17:00',
    });

    // Refused whole, with what to fix; the window stays as it was.
    const refusals = [
      await run(admin, {
        type: 'account.update',
        businessName: 'Night Owls',
        quietHours: { start: '21:00', end: '08:00', days: ['mon'] },
      }),
      await run(admin, { type: 'account.update', quietHours: { ...window, days: [] } }),
    ];
    expect(refusals).toEqual([
      {
        ok: false,
        error: {
          code: 'invalid-input',
          message:
            'Texts must start going out before they stop: 21:00 is not before 08:00. A window cannot run past midnight.',
        },
      },
      {
        ok: false,
        error: { code: 'invalid-input', message: 'Pick at least one day texts may go out on.' },
      },
    ]);
    const after = await accountProfileOf(server.storage.db, server.accountId);
    expect(after).toMatchObject({
      businessName: 'Acme Dental & Ortho',
      quietHours: { end: '17:00' },
    });
  });
});

test('the command’s schema refuses a bad window with the same sentences, before it is sent', () => {
  const parse = (quietHours: unknown) =>
    CommandSchema.safeParse({ type: 'account.update', quietHours }).error?.issues[0]?.message;
  expect(parse({ start: '08:00', end: '21:00', days: ['mon'] })).toBeUndefined();
  expect(parse({ start: '18:00', end: '09:00', days: ['mon'] })).toBe(
    'Texts must start going out before they stop: 18:00 is not before 09:00. A window cannot run past midnight.',
  );
  expect(parse({ start: '08:00', end: '21:00', days: [] })).toBe(
    'Pick at least one day texts may go out on.',
  );
  expect(parse({ start: '8am', end: '21:00', days: ['mon'] })).toBe(
    'Write times as hours and minutes on a 24-hour clock, such as 08:00 or 21:30.',
  );
  expect(parse({ start: '08:00', end: '21:00', days: ['monday'] })).toBe(
    'Days are mon, tue, wed, thu, fri, sat, sun.',
  );
});
