import { WEEKDAYS, type QuietHours } from '../../../shared/consent';

/**
 * For tests that must see a text held whenever they run: a one-hour sending
 * window at least two hours from the time it is now in `zone` (2am–3am in
 * the afternoon and evening, 8pm–9pm in the morning), every day.
 */
export function windowExcludingNow(zone: string, at: Date = new Date()): QuietHours {
  const hour = Number(
    new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: 'numeric', hourCycle: 'h23' }).format(
      at,
    ),
  );
  return hour >= 12
    ? { start: '02:00', end: '03:00', days: WEEKDAYS }
    : { start: '20:00', end: '21:00', days: WEEKDAYS };
}
