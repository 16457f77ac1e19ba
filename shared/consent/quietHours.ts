/**
 * Quiet hours: campaigns and scheduled texts go out only inside the
 * account's sending window — by default 8am to 9pm, every day — in the
 * recipient's local time, as US texting rules and common decency expect.
 * A reply to a customer who texted in the last 24 hours is exempt: they are
 * in a conversation. Pure: the caller passes the time, the zone and the
 * window.
 */

/** The days of the week, Monday first, as the window names them. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** When campaigns and scheduled texts may go out, in each recipient's own zone. */
export interface QuietHours {
  /** The local time texts start going out, "HH:MM" on a 24-hour clock (inclusive). */
  readonly start: string;
  /** The local time they stop, "HH:MM" (exclusive); after `start`: no window runs past midnight. */
  readonly end: string;
  /** The local days they may go out on, Monday first; at least one. */
  readonly days: readonly Weekday[];
}

export const DEFAULT_QUIET_HOURS: QuietHours = {
  start: '08:00',
  end: '21:00',
  days: WEEKDAYS,
};

/** How recent an inbound text makes a send a reply, exempt from quiet hours. */
export const CONVERSATION_WINDOW_MS = 24 * 60 * 60 * 1000;

const MINUTE = 60 * 1000;
const DAY_MINUTES = 24 * 60;
const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/u;

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Minutes since midnight of an "HH:MM" time; null when it is not one. */
export function clockMinutes(time: string): number | null {
  const match = CLOCK.exec(time);
  return match === null ? null : Number(match[1]) * 60 + Number(match[2]);
}

/**
 * What is wrong with a window, in a sentence for the person who set it;
 * null when nothing is. Start before end (a window past midnight would text
 * people in the night), and at least one day.
 */
export function quietHoursProblem(hours: QuietHours): string | null {
  const start = clockMinutes(hours.start);
  const end = clockMinutes(hours.end);
  if (start === null || end === null) {
    return 'Write the times texts go out as hours and minutes on a 24-hour clock, such as 08:00 and 21:00.';
  }
  if (start >= end) {
    return `Texts must start going out before they stop: ${hours.start} is not before ${hours.end}. A window cannot run past midnight.`;
  }
  if (hours.days.length === 0) return 'Pick at least one day texts may go out on.';
  if (hours.days.some((day) => !WEEKDAYS.includes(day))) {
    return `Days are ${WEEKDAYS.join(', ')}.`;
  }
  return null;
}

/** The window with its days once each, Monday first. */
export function normalizeQuietHours(hours: QuietHours): QuietHours {
  return { ...hours, days: WEEKDAYS.filter((day) => hours.days.includes(day)) };
}

/** "8am", "9:30pm", "12pm" for noon, "12am" for midnight. */
export function formatClock(time: string): string {
  const minutes = clockMinutes(time) ?? 0;
  const hour = Math.floor(minutes / 60);
  const minute = minutes % 60;
  const twelve = hour % 12 === 0 ? 12 : hour % 12;
  return `${String(twelve)}${minute === 0 ? '' : `:${String(minute).padStart(2, '0')}`}${hour < 12 ? 'am' : 'pm'}`;
}

const SHORT: Readonly<Record<Weekday, string>> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};
const LONG: Readonly<Record<Weekday, string>> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

/** "every day", "Mon–Sat", "Mon, Wed, Fri", "Mon–Fri, Sun". */
export function describeDays(days: readonly Weekday[]): string {
  const on = WEEKDAYS.map((day) => days.includes(day));
  if (on.every(Boolean)) return 'every day';
  const runs: string[] = [];
  for (let index = 0; index < WEEKDAYS.length; index += 1) {
    if (on[index] !== true) continue;
    let last = index;
    while (on[last + 1] === true) last += 1;
    const first = SHORT[WEEKDAYS[index] ?? 'mon'];
    const end = SHORT[WEEKDAYS[last] ?? 'mon'];
    if (last - index >= 2) runs.push(`${first}–${end}`);
    else for (let day = index; day <= last; day += 1) runs.push(SHORT[WEEKDAYS[day] ?? 'mon']);
    index = last;
  }
  return runs.join(', ');
}

/** "8am–9pm, every day", "9am–5:30pm, Mon–Fri": the window in words. */
export function describeQuietHours(hours: QuietHours): string {
  return `${formatClock(hours.start)}–${formatClock(hours.end)}, ${describeDays(hours.days)}`;
}

interface LocalTime {
  /** Minutes since local midnight. */
  readonly minutes: number;
  readonly weekday: Weekday;
}

const formats = new Map<string, Intl.DateTimeFormat>();
const WEEKDAY_OF: Readonly<Record<string, Weekday>> = {
  Mon: 'mon',
  Tue: 'tue',
  Wed: 'wed',
  Thu: 'thu',
  Fri: 'fri',
  Sat: 'sat',
  Sun: 'sun',
};

/** The local time and day at `at` in `zone`. */
function localTime(zone: string, at: Date): LocalTime {
  let format = formats.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
    formats.set(zone, format);
  }
  const parts = format.formatToParts(at);
  const value = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  return {
    minutes: Number(value('hour')) * 60 + Number(value('minute')),
    weekday: WEEKDAY_OF[value('weekday')] ?? 'mon',
  };
}

/** A window read once: its minutes and days, for the many checks of one decision. */
interface Window {
  readonly start: number;
  readonly end: number;
  readonly days: ReadonlySet<Weekday>;
}

const isOpen = (window: Window, local: LocalTime): boolean =>
  window.days.has(local.weekday) && local.minutes >= window.start && local.minutes < window.end;

/**
 * The moment near `approx` when the clock in `zone` reads `target` minutes:
 * `approx` was worked out as if no clock changed, and on the night daylight
 * saving starts or ends it is an hour off.
 */
function atLocalMinute(zone: string, approx: Date, target: number): Date {
  let moment = approx;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    let diff = target - localTime(zone, moment).minutes;
    if (diff > DAY_MINUTES / 2) diff -= DAY_MINUTES;
    if (diff < -DAY_MINUTES / 2) diff += DAY_MINUTES;
    if (diff === 0) return moment;
    moment = new Date(moment.getTime() + diff * MINUTE);
  }
  // The time does not exist that day (the hour skipped in spring): the window opens just after.
  return moment;
}

/** When the window opens in `zone` on each of the next eight days that it does, from `at`. */
function openings(zone: string, at: Date, window: Window): Date[] {
  const now = localTime(zone, at);
  const today = WEEKDAYS.indexOf(now.weekday);
  const minute = Math.floor(at.getTime() / MINUTE) * MINUTE;
  const found: Date[] = [];
  for (let day = 0; day <= WEEKDAYS.length; day += 1) {
    const weekday = WEEKDAYS[(today + day) % WEEKDAYS.length] ?? 'mon';
    if (!window.days.has(weekday)) continue;
    const wait = day * DAY_MINUTES + window.start - now.minutes;
    if (wait <= 0) continue;
    const opening = atLocalMinute(zone, new Date(minute + wait * MINUTE), window.start);
    if (opening.getTime() > at.getTime()) found.push(opening);
  }
  return found;
}

export type QuietDecision =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      /** The earliest moment the text may go (when the window next opens). */
      readonly until: Date;
      readonly reason: string;
    };

/**
 * May a campaign or scheduled text go to someone in `zone` at `at`? When not,
 * says until when. `lastInboundAt` is the customer's last text to us, if any;
 * `hours` is the account's window (8am–9pm every day when not given). With
 * several zones (a number whose area spans a zone line), the text goes only
 * when it is inside the window in all of them: `until` is the first moment
 * it is. Should the window be too narrow ever to be open in all of them at
 * once, the first zone decides alone rather than the text waiting forever.
 */
export function quietHoursDecision(input: {
  readonly zone: string | readonly string[];
  readonly at: Date;
  readonly lastInboundAt?: Date | null;
  readonly hours?: QuietHours;
}): QuietDecision {
  const { at } = input;
  let zones = typeof input.zone === 'string' ? [input.zone] : input.zone;
  const hours = input.hours ?? DEFAULT_QUIET_HOURS;
  const last = input.lastInboundAt ?? null;
  if (last !== null && at.getTime() - last.getTime() < CONVERSATION_WINDOW_MS) {
    return { allowed: true };
  }
  const window: Window = {
    start: clockMinutes(hours.start) ?? 0,
    end: clockMinutes(hours.end) ?? DAY_MINUTES,
    days: new Set(hours.days),
  };
  const openIn = (zone: string, moment: Date) => isOpen(window, localTime(zone, moment));
  const allOpen = (moment: Date) => zones.every((zone) => openIn(zone, moment));
  if (allOpen(at)) return { allowed: true };

  // The first moment all are open is the moment one of them opens.
  const candidates = zones.flatMap((zone) => openings(zone, at, window));
  candidates.sort((a, b) => a.getTime() - b.getTime());
  let until = candidates.find(allOpen);
  if (until === undefined) {
    // Never open in all of them at once: the first zone decides alone.
    const [first = 'UTC'] = zones;
    zones = [first];
    if (openIn(first, at)) return { allowed: true };
    until = openings(first, at, window)[0] ?? new Date(at.getTime() + DAY_MINUTES * MINUTE);
  }
  const everyDay = window.days.size === WEEKDAYS.length;
  const day = everyDay ? '' : ` on ${LONG[localTime(zones[0] ?? 'UTC', until).weekday]}`;
  const when = `${formatClock(hours.start)}${day}`;
  const between = `between ${formatClock(hours.start)} and ${formatClock(hours.end)}`;
  return {
    allowed: false,
    until,
    reason: `Quiet hours: texts to this contact wait until ${when} their time (${zones.join(', ')}); they go out ${between}${everyDay ? '' : `, ${describeDays(hours.days)}`}.`,
  };
}
