import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  DEFAULT_QUIET_HOURS,
  describeDays,
  describeQuietHours,
  formatClock,
  isTimeZone,
  normalizeQuietHours,
  quietHoursDecision,
  quietHoursProblem,
  WEEKDAYS,
  type QuietHours,
  type Weekday,
} from './quietHours';

const NEW_YORK = 'America/New_York';

describe('quiet hours', () => {
  test('8am to 9pm local time is open; outside it a text waits for 8am', () => {
    // 23 Nov 2026: New York is UTC-5.
    expect(quietHoursDecision({ zone: NEW_YORK, at: new Date('2026-11-23T13:00:00Z') })).toEqual({
      allowed: true,
    });
    const night = quietHoursDecision({ zone: NEW_YORK, at: new Date('2026-11-24T03:30:00Z') });
    expect(night).toMatchObject({ allowed: false, until: new Date('2026-11-24T13:00:00Z') });
    const early = quietHoursDecision({ zone: NEW_YORK, at: new Date('2026-11-23T12:59:00Z') });
    expect(early).toMatchObject({ allowed: false, until: new Date('2026-11-23T13:00:00Z') });
    const nine = quietHoursDecision({ zone: NEW_YORK, at: new Date('2026-11-24T02:00:00Z') });
    expect(nine.allowed).toBe(false);
    if (!nine.allowed) {
      expect(nine.reason).toBe(
        'Quiet hours: texts to this contact wait until 8am their time (America/New_York); they go out between 8am and 9pm.',
      );
    }
  });

  test('the same moment is quiet in Los Angeles and open in London', () => {
    const at = new Date('2026-11-23T10:00:00Z');
    expect(quietHoursDecision({ zone: 'America/Los_Angeles', at }).allowed).toBe(false);
    expect(quietHoursDecision({ zone: 'Europe/London', at }).allowed).toBe(true);
  });

  test('a customer who texted in the last 24 hours may be answered at any hour', () => {
    const at = new Date('2026-11-24T04:00:00Z');
    expect(
      quietHoursDecision({
        zone: NEW_YORK,
        at,
        lastInboundAt: new Date('2026-11-23T05:00:01Z'),
      }).allowed,
    ).toBe(true);
    expect(
      quietHoursDecision({ zone: NEW_YORK, at, lastInboundAt: new Date('2026-11-23T03:59:00Z') })
        .allowed,
    ).toBe(false);
  });

  test('on the night the clocks go back, 9pm to 8am is twelve hours of waiting', () => {
    // New York falls back at 2am on 1 November 2026: 9pm EDT is 01:00Z, 8am EST is 13:00Z.
    const decision = quietHoursDecision({
      zone: 'America/New_York',
      at: new Date('2026-11-01T01:00:00Z'),
    });
    expect(decision).toMatchObject({ allowed: false, until: new Date('2026-11-01T13:00:00Z') });
  });

  test('whenever a text must wait, it may go at the time it is given, and not before', () => {
    const zones = ['America/New_York', 'America/Chicago', 'Asia/Kolkata', 'Australia/Sydney'];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2026-01-01'), max: new Date('2028-01-01'), noInvalidDate: true }),
        fc.constantFrom(...zones),
        (at, zone) => {
          const decision = quietHoursDecision({ zone, at });
          if (decision.allowed) return;
          expect(decision.until.getTime()).toBeGreaterThan(at.getTime() - 60_000);
          // 9pm to 8am is 11 hours, and 12 on the night the clocks go back.
          expect(decision.until.getTime() - at.getTime()).toBeLessThanOrEqual(12 * 3_600_000);
          // Daylight saving can move 8am by an hour on the night it changes.
          const then = quietHoursDecision({ zone, at: decision.until });
          const hourLater = quietHoursDecision({
            zone,
            at: new Date(decision.until.getTime() + 3_600_000),
          });
          expect(then.allowed || hourLater.allowed).toBe(true);
        },
      ),
    );
  });

  test('with several zones, a text goes only when it is daytime in every one, and then it does', () => {
    const pairs: [string, string][] = [
      ['America/Adak', 'America/Anchorage'],
      ['America/Chicago', 'America/Denver'],
      ['America/New_York', 'America/Chicago'],
    ];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2026-01-01'), max: new Date('2028-01-01'), noInvalidDate: true }),
        fc.constantFrom(...pairs),
        (at, zones) => {
          const decision = quietHoursDecision({ zone: zones, at });
          const each = zones.map((zone) => quietHoursDecision({ zone, at }).allowed);
          expect(decision.allowed).toBe(each.every(Boolean));
          if (decision.allowed) return;
          expect(decision.reason).toContain(zones.join(', '));
          // The zones are an hour apart, so one more look at most finds daytime in both.
          const then = quietHoursDecision({ zone: zones, at: decision.until });
          const next = then.allowed ? then : quietHoursDecision({ zone: zones, at: then.until });
          const hourLater = quietHoursDecision({
            zone: zones,
            at: new Date(decision.until.getTime() + 3_600_000),
          });
          expect(next.allowed || hourLater.allowed).toBe(true);
        },
      ),
    );
  });

  test('time zones are checked', () => {
    expect(isTimeZone('America/Chicago')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});

describe('a window of the account’s own', () => {
  const WEEKDAYS_ONLY: QuietHours = {
    start: '09:30',
    end: '17:00',
    days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
  };
  // Saturday 28 Nov 2026; New York is UTC-5.
  const saturday = (time: string) => new Date(`2026-11-28T${time}Z`);

  test('texts go between its start and end, on its days only, and wait for the next day it allows', () => {
    expect(
      quietHoursDecision({ zone: NEW_YORK, at: saturday('14:30:00'), hours: WEEKDAYS_ONLY }),
    ).toEqual({ allowed: true });
    // 9:29 in New York: one minute early.
    expect(
      quietHoursDecision({ zone: NEW_YORK, at: saturday('14:29:00'), hours: WEEKDAYS_ONLY }),
    ).toMatchObject({ allowed: false, until: saturday('14:30:00') });
    // 5pm Saturday: closed, and Sunday is not a day it goes, so Monday 9:30.
    const evening = quietHoursDecision({
      zone: NEW_YORK,
      at: saturday('22:00:00'),
      hours: WEEKDAYS_ONLY,
    });
    expect(evening).toEqual({
      allowed: false,
      until: new Date('2026-11-30T14:30:00Z'),
      reason:
        'Quiet hours: texts to this contact wait until 9:30am on Monday their time (America/New_York); they go out between 9:30am and 5pm, Mon–Sat.',
    });
    // All of Sunday, in their zone, waits for Monday.
    const sunday = quietHoursDecision({
      zone: NEW_YORK,
      at: new Date('2026-11-29T17:00:00Z'),
      hours: WEEKDAYS_ONLY,
    });
    expect(sunday).toMatchObject({ allowed: false, until: new Date('2026-11-30T14:30:00Z') });
    // The customer who texted today is still in a conversation.
    expect(
      quietHoursDecision({
        zone: NEW_YORK,
        at: new Date('2026-11-29T17:00:00Z'),
        lastInboundAt: new Date('2026-11-29T16:00:00Z'),
        hours: WEEKDAYS_ONLY,
      }).allowed,
    ).toBe(true);
  });

  test('the default is the old rule, word for word: 8am–9pm every day', () => {
    expect(DEFAULT_QUIET_HOURS).toEqual({ start: '08:00', end: '21:00', days: [...WEEKDAYS] });
    expect(describeQuietHours(DEFAULT_QUIET_HOURS)).toBe('8am–9pm, every day');
    expect(describeQuietHours(WEEKDAYS_ONLY)).toBe('9:30am–5pm, Mon–Sat');
  });

  test('days and times read as people write them', () => {
    expect(describeDays(['mon', 'wed', 'fri'])).toBe('Mon, Wed, Fri');
    expect(describeDays(['mon', 'tue', 'wed', 'thu', 'fri', 'sun'])).toBe('Mon–Fri, Sun');
    expect(describeDays(['sat', 'sun'])).toBe('Sat, Sun');
    expect(['00:00', '08:05', '12:00', '13:30', '23:59'].map(formatClock)).toEqual([
      '12am',
      '8:05am',
      '12pm',
      '1:30pm',
      '11:59pm',
    ]);
  });

  test('a window must start before it ends and have a day; the sentence says what to fix', () => {
    expect(quietHoursProblem(DEFAULT_QUIET_HOURS)).toBeNull();
    expect(quietHoursProblem({ start: '21:00', end: '08:00', days: ['mon'] })).toBe(
      'Texts must start going out before they stop: 21:00 is not before 08:00. A window cannot run past midnight.',
    );
    expect(quietHoursProblem({ start: '09:00', end: '09:00', days: ['mon'] })).toMatch(
      /^Texts must start going out before they stop/u,
    );
    expect(quietHoursProblem({ start: '08:00', end: '21:00', days: [] })).toBe(
      'Pick at least one day texts may go out on.',
    );
    expect(quietHoursProblem({ start: '8', end: '21:00', days: ['mon'] })).toMatch(
      /24-hour clock/u,
    );
    expect(normalizeQuietHours({ ...WEEKDAYS_ONLY, days: ['sat', 'mon', 'sat'] }).days).toEqual([
      'mon',
      'sat',
    ]);
  });

  test('a window too narrow to be open in all of a number’s zones at once goes by the first zone', () => {
    const hours: QuietHours = { start: '09:00', end: '10:00', days: [...WEEKDAYS] };
    const zones = ['America/New_York', 'America/Los_Angeles'];
    // 8am in New York, 5am in Los Angeles.
    const early = quietHoursDecision({ zone: zones, at: new Date('2026-11-23T13:00:00Z'), hours });
    expect(early).toMatchObject({ allowed: false, until: new Date('2026-11-23T14:00:00Z') });
    if (!early.allowed) expect(early.reason).toContain('(America/New_York)');
    expect(
      quietHoursDecision({ zone: zones, at: new Date('2026-11-23T14:00:00Z'), hours }).allowed,
    ).toBe(true);
    // Where they do overlap, both must be open.
    const wide: QuietHours = { start: '09:00', end: '17:00', days: [...WEEKDAYS] };
    expect(
      quietHoursDecision({ zone: zones, at: new Date('2026-11-23T14:00:00Z'), hours: wide }),
    ).toMatchObject({ allowed: false, until: new Date('2026-11-23T17:00:00Z') });
  });

  const window: fc.Arbitrary<QuietHours> = fc
    .tuple(
      fc.integer({ min: 0, max: 23 * 60 + 58 }),
      fc.integer({ min: 1, max: 24 * 60 - 1 }),
      fc.subarray([...WEEKDAYS], { minLength: 1 }),
    )
    .map(([start, length, days]) => {
      const end = Math.min(start + length, 24 * 60 - 1);
      const clock = (minutes: number) =>
        `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
      return { start: clock(start), end: clock(Math.max(end, start + 1)), days };
    });

  test('for any window and days: allowed exactly inside it; a held text may go when it is told, and not a minute before', () => {
    const zones = ['America/New_York', 'America/Los_Angeles', 'Asia/Kolkata', 'Australia/Sydney'];
    const local = (zone: string, at: Date) => {
      const parts = new Intl.DateTimeFormat('en-GB', {
        timeZone: zone,
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).formatToParts(at);
      const part = (type: string) => parts.find((candidate) => candidate.type === type)?.value;
      return {
        time: `${part('hour') ?? ''}:${part('minute') ?? ''}`,
        day: (part('weekday') ?? '').toLowerCase().slice(0, 3),
      };
    };
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2026-01-01'), max: new Date('2028-01-01'), noInvalidDate: true }),
        fc.constantFrom(...zones),
        window,
        (at, zone, hours) => {
          const decision = quietHoursDecision({ zone, at, hours });
          const now = local(zone, at);
          const inside =
            hours.days.includes(now.day as Weekday) &&
            now.time >= hours.start &&
            now.time < hours.end;
          expect(decision.allowed).toBe(inside);
          if (decision.allowed) return;
          expect(decision.until.getTime()).toBeGreaterThan(at.getTime());
          expect(decision.until.getTime() - at.getTime()).toBeLessThanOrEqual(8 * 24 * 3_600_000);
          const then = local(zone, decision.until);
          // Daylight saving can move the opening by an hour on the night it changes.
          const then2 = quietHoursDecision({ zone, at: decision.until, hours });
          const hourLater = quietHoursDecision({
            zone,
            at: new Date(decision.until.getTime() + 3_600_000),
            hours,
          });
          expect(then2.allowed || hourLater.allowed).toBe(true);
          expect(hours.days).toContain(then.day);
          // Not a minute before.
          const before = quietHoursDecision({
            zone,
            at: new Date(decision.until.getTime() - 60_000),
            hours,
          });
          if (decision.until.getTime() - 60_000 > at.getTime()) expect(before.allowed).toBe(false);
        },
      ),
    );
  });
});
