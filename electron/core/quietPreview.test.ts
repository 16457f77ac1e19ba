import { describe, expect, it } from 'vitest';
import { DEFAULT_QUIET_HOURS, WEEKDAYS } from '../../shared/consent';
import { zonesOfNumber } from '../../server';
import { countOutsideQuietHours } from './quietPreview';

// Monday 2 March 2026, 15:00 UTC: 10am in New York, 7am in Los Angeles, midnight in Tokyo.
const AT = new Date('2026-03-02T15:00:00.000Z');
const NEW_JERSEY = { phone: '+12015550100', timeZone: null };
const LOS_ANGELES = { phone: '+12135550100', timeZone: null };
const IN_TOKYO = { phone: '+12015550101', timeZone: 'Asia/Tokyo' };
const TOLL_FREE = { phone: '+18005550100', timeZone: null };

const count = (
  recipients: readonly { phone: string; timeZone: string | null }[],
  more: Partial<Parameters<typeof countOutsideQuietHours>[0]> = {},
) =>
  countOutsideQuietHours({
    recipients,
    hours: DEFAULT_QUIET_HOURS,
    accountZone: null,
    country: 'US',
    at: AT,
    zonesOfNumber,
    ...more,
  });

describe('how many recipients the account’s quiet hours would hold now', () => {
  it('reads each recipient’s time in their own zone: their contact’s, else their area code’s', () => {
    // 8am–9pm: New Jersey (10am) is inside; Los Angeles (7am) and a contact set to Tokyo are not.
    expect(count([NEW_JERSEY, LOS_ANGELES, IN_TOKYO])).toBe(2);
    expect(count([NEW_JERSEY])).toBe(0);
  });

  it('uses the account’s window, not 8am–9pm', () => {
    expect(count([NEW_JERSEY], { hours: { ...DEFAULT_QUIET_HOURS, start: '11:00' } })).toBe(1);
    expect(count([LOS_ANGELES], { hours: { ...DEFAULT_QUIET_HOURS, start: '06:30' } })).toBe(0);
    const notMonday = { ...DEFAULT_QUIET_HOURS, days: WEEKDAYS.filter((day) => day !== 'mon') };
    expect(count([NEW_JERSEY, LOS_ANGELES], { hours: notMonday })).toBe(2);
  });

  it('falls back to the account’s zone, then its country’s, for numbers that do not say where', () => {
    // A toll-free number spans the continent: New York for a US account at 10am, open.
    expect(count([TOLL_FREE])).toBe(0);
    expect(count([TOLL_FREE], { accountZone: 'Pacific/Honolulu' })).toBe(1);
    expect(count([TOLL_FREE], { country: 'AU' })).toBe(1);
  });

  it('counts every recipient of a large list, deciding once per zone', () => {
    const many = Array.from({ length: 3000 }, (_, index) =>
      index % 3 === 0 ? LOS_ANGELES : NEW_JERSEY,
    );
    expect(count(many)).toBe(1000);
  });
});
