import { isTimeZone } from './quietHours';

/**
 * Which time zones quiet hours are read in for one customer. Pure: the
 * caller looks up the zones of the number's range (the server and the
 * desktop both do, from libphonenumber's prefix-to-zone map), so the
 * campaign sender, the scheduler and the desktop's preview decide alike.
 */

/**
 * The zone quiet hours fall back to when neither the contact nor the number
 * says: the main zone of the account's country.
 */
const COUNTRY_ZONES: Readonly<Record<string, string>> = {
  US: 'America/New_York',
  CA: 'America/Toronto',
  MX: 'America/Mexico_City',
  BR: 'America/Sao_Paulo',
  GB: 'Europe/London',
  IE: 'Europe/Dublin',
  FR: 'Europe/Paris',
  DE: 'Europe/Berlin',
  ES: 'Europe/Madrid',
  IT: 'Europe/Rome',
  NL: 'Europe/Amsterdam',
  IN: 'Asia/Kolkata',
  AU: 'Australia/Sydney',
  NZ: 'Pacific/Auckland',
};

/**
 * A number whose range spans zones further apart than this (a toll-free
 * number, a whole country) says nothing useful about where its owner is.
 */
const MAX_NUMBER_SPREAD_MINUTES = 3 * 60;

/** Minutes east of UTC in `zone` at `at`. */
function utcOffsetMinutes(zone: string, at: Date): number {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (match === null) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/** The zones of a number's range, when they are close enough to go by. */
function closeZones(numberZones: readonly string[], at: Date): readonly string[] {
  const zones = numberZones.filter(isTimeZone);
  if (zones.length === 0) return [];
  const offsets = zones.map((zone) => utcOffsetMinutes(zone, at));
  return Math.max(...offsets) - Math.min(...offsets) <= MAX_NUMBER_SPREAD_MINUTES ? zones : [];
}

/**
 * The zones quiet hours are read in, first that applies: the contact's own
 * zone (a person set it); the zones of the number's area code (all of them
 * when it spans a zone line); the account's zone, for numbers that do not
 * say; the account country's main zone; UTC.
 */
export function quietHoursZones(input: {
  readonly contactZone: string | null;
  /** The zones the number's range is assigned to; empty when unknown. */
  readonly numberZones: readonly string[];
  readonly accountZone: string | null;
  readonly country: string;
  readonly at: Date;
}): readonly string[] {
  if (input.contactZone !== null && isTimeZone(input.contactZone)) return [input.contactZone];
  const fromNumber = closeZones(input.numberZones, input.at);
  if (fromNumber.length > 0) return fromNumber;
  for (const zone of [input.accountZone, COUNTRY_ZONES[input.country]]) {
    if (zone !== null && zone !== undefined && isTimeZone(zone)) return [zone];
  }
  return ['UTC'];
}
