import type SqliteDatabase from 'better-sqlite3';

/** Keys per millisecond: texts stamped in the same millisecond share its range in arrival order. */
const PER_MILLISECOND = 1024;

/**
 * An integer key that sorts like the time `at`: milliseconds × 1024, plus
 * one for each key already taken in that millisecond. Messages are keyed
 * this way so the search index, whose rowids are these keys, hands back
 * newest first by reading its rowids backwards and can stop after the first
 * hits instead of sorting them all (contacts too, by when they were added).
 * Keys stay below 2^53 until the year 2248.
 */
export function timeKey(
  at: string,
  maxBetween: (low: number, high: number) => number | null,
): number {
  const ms = Date.parse(at);
  let low = Number.isFinite(ms) && ms > 0 ? ms * PER_MILLISECOND : 0;
  for (;;) {
    const high = low + PER_MILLISECOND - 1;
    const max = maxBetween(low, high);
    if (max === null) return low;
    if (max < high) return max + 1;
    // A full millisecond (over 1024 at once) borrows the next one.
    low += PER_MILLISECOND;
  }
}

const KEYED = {
  messages: 'SELECT max(rk) AS max FROM messages WHERE rk BETWEEN ? AND ?',
  contacts: 'SELECT max(search_key) AS max FROM contacts WHERE search_key BETWEEN ? AND ?',
} as const;

/** Makes time keys for one table, with its lookup compiled once. */
export function timeKeys(
  db: SqliteDatabase.Database,
  table: keyof typeof KEYED,
): (at: string) => number {
  const statement = db.prepare<[number, number], { max: number | null }>(KEYED[table]);
  return (at) => timeKey(at, (low, high) => statement.get(low, high)?.max ?? null);
}
