/**
 * Quiet hours: campaigns and scheduled texts go out only between 8am and
 * 9pm in the recipient's local time, as US texting rules and common decency
 * expect. A reply to a customer who texted in the last 24 hours is exempt:
 * they are in a conversation. Pure: the caller passes the time and zone.
 */

export interface QuietHours {
  /** The first allowed local hour (inclusive). */
  readonly start: number;
  /** The first quiet local hour (exclusive end of the allowed window). */
  readonly end: number;
}

export const DEFAULT_QUIET_HOURS: QuietHours = { start: 8, end: 21 };

/** How recent an inbound text makes a send a reply, exempt from quiet hours. */
export const CONVERSATION_WINDOW_MS = 24 * 60 * 60 * 1000;

const MINUTE = 60 * 1000;

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Minutes since local midnight at `at` in `zone`. */
function localMinutes(zone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hour: 'numeric',
    minute: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(at);
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return value('hour') * 60 + value('minute');
}

export type QuietDecision =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      /** The earliest moment the text may go (the next local `start`). */
      readonly until: Date;
      readonly reason: string;
    };

/**
 * May a campaign or scheduled text go to someone in `zone` at `at`? When not,
 * says until when. `lastInboundAt` is the customer's last text to us, if any.
 * With several zones (a number whose area spans a zone line), the text goes
 * only when it is daytime in all of them; `until` is when the zone that waits
 * longest opens, and the caller asks again then.
 */
export function quietHoursDecision(input: {
  readonly zone: string | readonly string[];
  readonly at: Date;
  readonly lastInboundAt?: Date | null;
  readonly hours?: QuietHours;
}): QuietDecision {
  const { at } = input;
  const zones = typeof input.zone === 'string' ? [input.zone] : input.zone;
  const hours = input.hours ?? DEFAULT_QUIET_HOURS;
  const last = input.lastInboundAt ?? null;
  if (last !== null && at.getTime() - last.getTime() < CONVERSATION_WINDOW_MS) {
    return { allowed: true };
  }
  const start = hours.start * 60;
  const end = hours.end * 60;
  let wait = 0;
  for (const zone of zones) {
    const now = localMinutes(zone, at);
    if (now >= start && now < end) continue;
    wait = Math.max(wait, now < start ? start - now : 24 * 60 - now + start);
  }
  if (wait === 0) return { allowed: true };
  // Whole minutes from now; a daylight-saving change that night can shift
  // this by an hour, so the sender checks again when the time comes.
  const until = new Date(Math.floor(at.getTime() / MINUTE) * MINUTE + wait * MINUTE);
  const pad = (hour: number) =>
    `${String(hour % 12 === 0 ? 12 : hour % 12)}${hour < 12 ? 'am' : 'pm'}`;
  return {
    allowed: false,
    until,
    reason: `Quiet hours: texts to this contact wait until ${pad(hours.start)} their time (${zones.join(', ')}); they go out between ${pad(hours.start)} and ${pad(hours.end)}.`,
  };
}
