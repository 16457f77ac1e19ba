import type { ImportRow } from '../protocol/commands';

/**
 * Turning a contacts file (already split into cells) into the rows the
 * `contacts.import` command takes: which column is which, the header, and
 * the opted-in column's many spellings. Numbers are read by the server,
 * which reports bad ones by line; nothing here drops a row silently.
 */

export type ColumnRole = 'phone' | 'name' | 'lists' | 'optedIn' | 'ignore';

export const COLUMN_ROLES: readonly { readonly role: ColumnRole; readonly label: string }[] = [
  { role: 'phone', label: 'Phone number' },
  { role: 'name', label: 'Name' },
  { role: 'lists', label: 'Lists' },
  { role: 'optedIn', label: 'Opted in' },
  { role: 'ignore', label: 'Ignore' },
];

const GUESSES: readonly (readonly [RegExp, ColumnRole])[] = [
  [/phone|mobile|cell|number|msisdn|tel/iu, 'phone'],
  [/opt|consent|subscri|permission|sms ?ok/iu, 'optedIn'],
  [/lists?$|tags?|groups?|segments?/iu, 'lists'],
  [/name/iu, 'name'],
];

/** A first guess at each column from its header (or, with no header, from its cells). */
export function guessColumns(header: readonly string[], sample: readonly string[][]): ColumnRole[] {
  const taken = new Set<ColumnRole>();
  return header.map((title, column) => {
    const byTitle = GUESSES.find(([pattern]) => pattern.test(title))?.[1];
    const cells = sample.map((row) => row[column] ?? '').filter((cell) => cell.trim() !== '');
    const looksLikePhones =
      cells.length > 0 && cells.every((cell) => /^[+(]?[\d\s().-]{7,}$/u.test(cell.trim()));
    const role = byTitle ?? (looksLikePhones ? 'phone' : 'ignore');
    if (role !== 'ignore' && taken.has(role)) return 'ignore';
    taken.add(role);
    return role;
  });
}

/** True when the first row reads like titles rather than a contact. */
export function looksLikeHeader(first: readonly string[]): boolean {
  return (
    first.some((cell) => GUESSES.some(([pattern]) => pattern.test(cell))) &&
    !first.some((cell) => /\d{7,}/u.test(cell.replace(/\D/gu, '')))
  );
}

const YES = new Set(['yes', 'y', 'true', '1', 'opted in', 'opted-in', 'subscribed', 'x']);
const NO = new Set(['no', 'n', 'false', '0', 'opted out', 'opted-out', 'unsubscribed']);

export interface MappedFile {
  readonly rows: ImportRow[];
  /** Lines the file itself gets wrong (no number, an opted-in cell that is neither yes nor no). */
  readonly problems: { readonly line: number; readonly message: string }[];
}

/**
 * The file's rows as import rows. `firstLine` is the line number of
 * `cells[0]` in the file (2 when a header was skipped), so errors point at
 * the line a person sees in a spreadsheet.
 */
export function mapRows(
  cells: readonly (readonly string[])[],
  columns: readonly ColumnRole[],
  firstLine: number,
): MappedFile {
  const at = (role: ColumnRole) => columns.indexOf(role);
  const phoneAt = at('phone');
  const rows: ImportRow[] = [];
  const problems: { line: number; message: string }[] = [];
  cells.forEach((row, index) => {
    const line = firstLine + index;
    if (row.every((cell) => cell.trim() === '')) return;
    const cell = (role: ColumnRole) => {
      const column = at(role);
      return column < 0 ? undefined : (row[column] ?? '').trim();
    };
    const phone = phoneAt < 0 ? '' : (row[phoneAt] ?? '').trim();
    if (phone === '') {
      problems.push({ line, message: 'No phone number.' });
      return;
    }
    const name = cell('name');
    const lists = cell('lists');
    const optedInCell = cell('optedIn');
    let optedIn: boolean | undefined;
    if (optedInCell !== undefined && optedInCell !== '') {
      const folded = optedInCell.toLowerCase();
      if (YES.has(folded)) optedIn = true;
      else if (NO.has(folded)) optedIn = false;
      else {
        problems.push({
          line,
          message: `“${optedInCell}” in the opted-in column is neither yes nor no.`,
        });
        return;
      }
    }
    rows.push({
      line,
      phone,
      ...(name !== undefined && name !== '' && { name }),
      ...(lists !== undefined &&
        lists !== '' && {
          lists: lists
            .split(/[;,|]/u)
            .map((list) => list.trim())
            .filter((list) => list !== ''),
        }),
      ...(optedIn !== undefined && { optedIn }),
    });
  });
  return { rows, problems };
}
