import type { CsvMapping } from '../../../shared/contacts/contactsFile';
import { COLUMN_ROLES, type ColumnRole } from '../../../shared/contacts/csvColumns';

/**
 * The column mappings people chose, by the file's set of titles: the next
 * export from the same program maps itself the same way.
 */

const STORAGE_KEY = 'textdesk.importMappings';
const KEEP = 30;
const ROLES = new Set<string>(COLUMN_ROLES.map((item) => item.role));

type Saved = Record<string, { hasHeader: boolean; columns: string[]; at: number }>;

function load(): Saved {
  try {
    const parsed = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as Saved) : {};
  } catch {
    return {};
  }
}

/** The mapping saved for this set of titles, if any still fits the file's width. */
export function rememberedMapping(key: string, width: number): CsvMapping | null {
  const saved = load()[key];
  if (saved?.columns.length !== width) return null;
  if (!saved.columns.every((role) => ROLES.has(role))) return null;
  return { hasHeader: saved.hasHeader, columns: saved.columns as ColumnRole[] };
}

export function rememberMapping(key: string, mapping: CsvMapping): void {
  const saved = load();
  saved[key] = { hasHeader: mapping.hasHeader, columns: [...mapping.columns], at: Date.now() };
  const newest = Object.entries(saved)
    .sort(([, a], [, b]) => b.at - a.at)
    .slice(0, KEEP);
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(Object.fromEntries(newest)));
  } catch {
    // Storage full or off: the mapping is only not remembered.
  }
}
