import { describe, expect, test } from 'vitest';
import { formatDay } from './dates';
import { describeOptOut, sendGate, type GateContact } from './gate';
import { INITIAL_CONSENT } from './types';

const at = '2026-11-23T15:04:05.000Z';
const out = (optOut: NonNullable<GateContact['optOut']>): GateContact => ({
  ...INITIAL_CONSENT,
  optedIn: false,
  optOut,
});

describe('sendGate (R6)', () => {
  test('allows a reply to a contact who is opted in and not blocked', () => {
    expect(sendGate(INITIAL_CONSENT, { kind: 'reply' })).toEqual({ allowed: true });
  });

  test('refuses a blocked contact with "Blocked", whatever is sent', () => {
    const blocked = { ...out({ at, source: 'blocked', by: 'Sam' }), blocked: true };
    for (const kind of ['reply', 'trigger-reply', 'scheduled', 'api'] as const) {
      expect(sendGate(blocked, { kind })).toEqual({
        allowed: false,
        code: 'blocked',
        reason: 'Blocked',
      });
    }
  });

  test.each([
    [
      { at, source: 'keyword', word: 'STOP', text: 'STOP' },
      'Opted out: replied STOP on 23 Nov 2026',
    ],
    [
      { at, source: 'keyword', text: 'please stop texting me' },
      'Opted out: asked to stop (“please stop texting me”) on 23 Nov 2026',
    ],
    [{ at, source: 'link' }, 'Opted out: used the opt-out link on 23 Nov 2026'],
    [
      { at, source: 'carrier', carrierCode: '21610' },
      'Opted out: opted out with the carrier on 23 Nov 2026 (error 21610); they must text START to be reachable again',
    ],
    [{ at, source: 'manual', by: 'Ana' }, 'Opted out: opted out by Ana on 23 Nov 2026'],
    [{ at, source: 'blocked', by: 'Sam' }, 'Opted out: blocked by Sam on 23 Nov 2026'],
    [
      { at, source: 'import', by: 'Ana' },
      'Opted out: opted out by an import from Ana on 23 Nov 2026',
    ],
  ] as const)('refuses an opted-out contact with the reason: %j', (optOut, reason) => {
    expect(sendGate(out(optOut), { kind: 'reply' })).toEqual({
      allowed: false,
      code: 'opted-out',
      reason,
    });
  });

  test('refuses a contact who is not opted in even without a recorded reason', () => {
    expect(sendGate({ ...INITIAL_CONSENT, optedIn: false }, { kind: 'api' })).toEqual({
      allowed: false,
      code: 'opted-out',
      reason: 'Opted out',
    });
  });

  test('a campaign needs the contact on its list, and marketing skips suppression lists', () => {
    const member = { ...INITIAL_CONSENT, lists: ['marketing', 'marketing-opt-out'] };
    expect(
      sendGate(INITIAL_CONSENT, {
        kind: 'campaign',
        listId: 'marketing',
        listName: 'Newsletter',
        purpose: 'transactional',
      }),
    ).toEqual({
      allowed: false,
      code: 'not-on-list',
      reason: 'No longer on the list “Newsletter”',
    });
    const suppressionLists = [{ id: 'marketing-opt-out', name: 'Marketing Opt-Out' }];
    expect(
      sendGate(member, {
        kind: 'campaign',
        listId: 'marketing',
        purpose: 'marketing',
        suppressionLists,
      }),
    ).toEqual({
      allowed: false,
      code: 'suppressed',
      reason: 'On the “Marketing Opt-Out” list: no marketing',
    });
    expect(
      sendGate(member, {
        kind: 'campaign',
        listId: 'marketing',
        purpose: 'transactional',
        suppressionLists,
      }),
    ).toEqual({ allowed: true });
  });

  test('dates are shown in the time zone asked for', () => {
    const late = { at: '2026-11-24T02:00:00.000Z', source: 'link' } as const;
    expect(describeOptOut(late, { timeZone: 'America/New_York' })).toBe(
      'used the opt-out link on 23 Nov 2026',
    );
    expect(describeOptOut(late)).toBe('used the opt-out link on 24 Nov 2026');
  });
});

test('formatDay never depends on the locale and keeps bad input readable', () => {
  expect(formatDay('2026-09-05T12:00:00Z')).toBe('5 Sep 2026');
  expect(formatDay('not a date')).toBe('not a date');
});
