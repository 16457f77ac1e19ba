import { type QuietHours, quietHoursDecision, quietHoursZones } from '../../shared/consent';
import type { QuietCandidate } from './cache/campaigns';

/**
 * How many of these recipients are outside the account's sending window
 * where they are at `at`, and so would wait for it: the decision the
 * campaign sender makes on the server (the contact's zone, else the zones
 * of the number's area code, else the account's zone, else its country's),
 * made once per distinct set of zones so a list of thousands costs a few.
 * The recipients are those who have not texted in the last 24 hours.
 */
export function countOutsideQuietHours(input: {
  readonly recipients: readonly QuietCandidate[];
  readonly hours: QuietHours;
  readonly accountZone: string | null;
  readonly country: string;
  readonly at: Date;
  /** The zones a number's range is in (libphonenumber's map); empty when unknown. */
  readonly zonesOfNumber: (phone: string) => readonly string[];
}): number {
  const { hours, accountZone, country, at } = input;
  const allowed = new Map<string, boolean>();
  let outside = 0;
  for (const recipient of input.recipients) {
    const numberZones = input.zonesOfNumber(recipient.phone);
    const key = `${recipient.timeZone ?? ''}|${numberZones.join('&')}`;
    let open = allowed.get(key);
    if (open === undefined) {
      const zone = quietHoursZones({
        contactZone: recipient.timeZone,
        numberZones,
        accountZone,
        country,
        at,
      });
      open = quietHoursDecision({ zone, at, hours }).allowed;
      allowed.set(key, open);
    }
    if (!open) outside += 1;
  }
  return outside;
}
