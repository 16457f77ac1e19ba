import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isTimeZone, quietHoursDecision } from './quietHours';

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
          expect(decision.until.getTime() - at.getTime()).toBeLessThanOrEqual(11 * 3_600_000);
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
