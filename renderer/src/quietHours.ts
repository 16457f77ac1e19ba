import {
  describeDays,
  describeQuietHours,
  formatClock,
  type QuietHours,
  WEEKDAYS,
} from '../../shared/consent';

/** What the account's sending window (quiet hours) means, in the words the screens use. */

/**
 * "Campaigns and scheduled texts go out between 8am and 9pm in each
 * customer’s own time zone, every day. Replies to someone who texted in the
 * last 24 hours are never held."
 */
export function sendingHoursSentence(hours: QuietHours): string {
  const days =
    hours.days.length === WEEKDAYS.length ? 'every day' : `on ${describeDays(hours.days)}`;
  return (
    `Campaigns and scheduled texts go out between ${formatClock(hours.start)} and ` +
    `${formatClock(hours.end)} in each customer’s own time zone, ${days}. ` +
    'Replies to someone who texted in the last 24 hours are never held.'
  );
}

/**
 * Under a campaign's preview: "Texts go out 8am–9pm, every day, in each
 * customer’s time zone; 2 of 3 recipients are outside those hours now and
 * will wait."
 */
export function campaignQuietLine(hours: QuietHours, outsideNow: number, of: number): string {
  const window = `Texts go out ${describeQuietHours(hours)}, in each customer’s time zone`;
  if (of === 0) return `${window}.`;
  if (outsideNow === 0) return `${window}; every recipient is inside those hours now.`;
  const recipients = of === 1 ? 'recipient' : 'recipients';
  const are = outsideNow === 1 ? 'is' : 'are';
  return `${window}; ${String(outsideNow)} of ${String(of)} ${recipients} ${are} outside those hours now and will wait.`;
}

/** Beside a scheduled text: "goes out 8am–9pm, every day, their time". */
export function scheduledQuietNote(hours: QuietHours): string {
  return `goes out ${describeQuietHours(hours)}, their time`;
}
