/**
 * SQLite refuses a statement with more than 32 766 bound values (PostgreSQL
 * allows 65 535), so multi-row statements are cut to fit the smaller limit.
 */
export const MAX_BOUND_PARAMETERS = 32_766;

/** Splits rows into groups small enough for one statement, `perRow` values each. */
export function chunksFor<T>(rows: readonly T[], perRow: number, reserved = 0): T[][] {
  const size = Math.max(1, Math.floor((MAX_BOUND_PARAMETERS - reserved) / Math.max(1, perRow)));
  const chunks: T[][] = [];
  for (let start = 0; start < rows.length; start += size) {
    chunks.push(rows.slice(start, start + size));
  }
  return chunks;
}
