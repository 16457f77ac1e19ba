import { describeOptOut, type OptOutRecord } from '../../shared/consent';
import { formatPhone, isCountryCode } from '../../shared/phone';

/** What the screens show for times, names and numbers. */

const formatted = new Map<string, string>();

/**
 * "(201) 555-0142" for numbers of the account's country, "+44 7911 123456"
 * otherwise. Remembered: the list shows the same numbers over and over, and
 * parsing one takes a while.
 */
export function displayPhone(e164: string, country: string | null): string {
  const key = `${country ?? ''}|${e164}`;
  let shown = formatted.get(key);
  if (shown === undefined) {
    shown = formatPhone(e164, country !== null && isCountryCode(country) ? country : undefined);
    // A bound, for a desktop open for weeks: start again rather than grow.
    if (formatted.size >= 50_000) formatted.clear();
    formatted.set(key, shown);
  }
  return shown;
}

/** A contact's name, or their formatted number when they have none. */
export function displayName(
  row: { readonly name: string; readonly phone: string },
  country: string | null,
): string {
  return row.name.trim() === '' ? displayPhone(row.phone, country) : row.name;
}

/** The agent's own time zone: dates in reasons ("replied STOP on 23 Nov 2026") are theirs. */
export const LOCAL_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** "Opted out: replied STOP on 23 Nov 2026", as the send gate says it. */
export function optedOutText(optOut: OptOutRecord): string {
  return `Opted out: ${describeOptOut(optOut, { timeZone: LOCAL_ZONE })}`;
}

const TIME = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const WEEKDAY = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const DAY = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const FULL_DAY = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});
const FULL = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const startOfDay = (at: Date) => new Date(at.getFullYear(), at.getMonth(), at.getDate()).getTime();

/** In the conversation list: the time today, the weekday this week, the date before. */
export function listTime(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const days = Math.round((startOfDay(now) - startOfDay(at)) / 86_400_000);
  if (days <= 0) return TIME.format(at);
  if (days === 1) return 'Yesterday';
  if (days < 7) return WEEKDAY.format(at);
  return at.getFullYear() === now.getFullYear() ? DAY.format(at) : FULL_DAY.format(at);
}

/** Under a message: the time, with the day when it is not today. */
export function messageTime(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  return startOfDay(at) === startOfDay(now) ? TIME.format(at) : FULL.format(at);
}

/** Full date and time, for tooltips and the consent history. */
export function fullTime(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : FULL.format(at);
}

/** "12 seconds ago", for the "someone just replied" warning. */
export function secondsAgo(iso: string, now: Date = new Date()): string {
  const seconds = Math.max(0, Math.round((now.getTime() - new Date(iso).getTime()) / 1000));
  return seconds <= 1 ? 'just now' : `${String(seconds)} seconds ago`;
}

const GRAPHEMES = new Intl.Segmenter();

/** The first letter of a name, or # for a number, for the avatar. */
export function initial(name: string): string {
  const first = GRAPHEMES.segment(name.trim())[Symbol.iterator]().next();
  return first.done === true ? '#' : first.value.segment.toLocaleUpperCase();
}
