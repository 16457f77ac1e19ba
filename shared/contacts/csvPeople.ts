import Papa from 'papaparse';
import { labelColumns, labelOfTitle, type ColumnRole } from './csvColumns';
import {
  cleanLabel,
  joinName,
  kindOfLabel,
  splitValues,
  type Person,
  type PhoneEntry,
  type SkipReason,
} from './people';

/** A CSV's records, each with the line of the file it starts on (a quoted cell may span lines). */
export interface CsvRecords {
  readonly records: string[][];
  readonly lines: number[];
}

/** Counts line ends (CRLF, LF or a lone CR) in text[from, to). */
function lineEnds(text: string, from: number, to: number): number {
  let count = 0;
  for (let index = from; index < to; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 10) count += 1;
    else if (code === 13 && text.charCodeAt(index + 1) !== 10) count += 1;
  }
  return count;
}

/**
 * Splits CSV text into records: the delimiter guessed (comma, semicolon as
 * European Excel writes, tab), quotes as RFC 4180, empty lines dropped.
 */
export function parseCsv(text: string): CsvRecords {
  const records: string[][] = [];
  const lines: number[] = [];
  let counted = 0;
  let line = 1;
  let end = -1;
  Papa.parse<string[]>(text, {
    step: (result) => {
      let start = end < 0 ? 0 : end;
      if (end >= 0) {
        if (text.charCodeAt(start) === 13 && text.charCodeAt(start + 1) === 10) start += 2;
        else if (text.charCodeAt(start) === 10 || text.charCodeAt(start) === 13) start += 1;
      }
      line += lineEnds(text, counted, start);
      counted = start;
      end = result.meta.cursor;
      const row = result.data;
      if (!Array.isArray(row) || row.every((cell) => cell.trim() === '')) return;
      records.push(row);
      lines.push(line);
    },
  });
  return { records, lines };
}

/** Cells that say yes or no, and statuses that say in or out whatever the column's title. */
const AFFIRM = new Set(['yes', 'y', 'true', '1', 'x', '✓']);
const DENY = new Set(['no', 'n', 'false', '0']);
const SUBSCRIBED = new Set([
  'opted in',
  'opt in',
  'subscribed',
  'active',
  'confirmed',
  'double opt in',
]);
const UNSUBSCRIBED = new Set([
  'opted out',
  'opt out',
  'unsubscribed',
  'inactive',
  'stopped',
  // Double opt-in not confirmed yet: no consent to text.
  'wait sms confirmation',
  'pending',
  'unconfirmed',
  'reject confirmation',
]);

/** A person's row that the file itself gets wrong, by line. */
export interface RowProblem {
  readonly line: number;
  readonly reason: SkipReason;
  readonly message: string;
}

export interface CsvPeople {
  readonly people: Person[];
  readonly problems: RowProblem[];
}

/**
 * The people of a CSV's records under a column mapping. `header` gives the
 * phone columns their labels ("Mobile Phone"); records without a header
 * are read with no labels.
 */
export function peopleFromCsv(
  csv: CsvRecords,
  columns: readonly ColumnRole[],
  header: readonly string[] | null,
  skipFirst: boolean,
): CsvPeople {
  const titles = header ?? [];
  const first = (role: ColumnRole) => columns.indexOf(role);
  const at = {
    name: first('name'),
    firstName: first('firstName'),
    middleName: first('middleName'),
    lastName: first('lastName'),
    company: first('company'),
    lists: first('lists'),
    optedIn: first('optedIn'),
    optedOut: first('optedOut'),
  };
  const pairs = labelColumns(titles, columns);
  const phoneColumns = columns.flatMap((role, column) => {
    if (role !== 'phone') return [];
    const fromTitle = labelOfTitle(titles[column] ?? '');
    return [{ column, labelColumn: pairs.get(column), fromTitle }];
  });
  const people: Person[] = [];
  const problems: RowProblem[] = [];
  for (let index = skipFirst ? 1 : 0; index < csv.records.length; index += 1) {
    const row = csv.records[index] ?? [];
    const line = csv.lines[index] ?? index + 1;
    const cell = (column: number) => (column < 0 ? '' : unquote((row[column] ?? '').trim()));
    const phones: PhoneEntry[] = [];
    for (const phone of phoneColumns) {
      const written = phone.labelColumn === undefined ? '' : cell(phone.labelColumn);
      const label = written === '' ? phone.fromTitle.label : cleanLabel(written);
      const kind = written === '' ? phone.fromTitle.kind : kindOfLabel(written);
      // Google marks the primary number's label with "* "; Outlook has its Primary Phone.
      const preferred = written.startsWith('*') || /^primary\b/iu.test(titles[phone.column] ?? '');
      for (const value of splitValues(cell(phone.column))) {
        phones.push({ value, label, kind, preferred });
      }
    }
    const consent = readConsent(cell(at.optedIn), cell(at.optedOut));
    if (typeof consent === 'string') {
      problems.push({ line, reason: 'bad-cell', message: consent });
      continue;
    }
    const lists = splitLists(cell(at.lists));
    people.push({
      line,
      name:
        joinName(cell(at.firstName), cell(at.middleName), cell(at.lastName)) ||
        joinName(cell(at.name)) ||
        joinName(cell(at.company)),
      phones,
      ...(lists.length > 0 && { lists }),
      ...(consent !== undefined && { optedIn: consent }),
    });
  }
  return { people, problems };
}

/**
 * A cell without the quote spreadsheet exports put before text that would
 * otherwise run as a formula ("'+12015550123", "'=SUM(…)"): Textdesk's own
 * exports and Excel's write it, and it is no part of the number or name.
 */
const unquote = (cell: string): string => (/^'[=+\-@\t\r]/u.test(cell) ? cell.slice(1) : cell);

function splitLists(cell: string): string[] {
  return cell
    .split(/:::|[;,|]/u)
    .map((list) => list.trim())
    .filter((list) => list !== '');
}

/** The opted-in flag from an opted-in or an opted-out cell, or what is wrong with them. */
function readConsent(optedIn: string, optedOut: string): boolean | undefined | string {
  const column = optedIn !== '' ? 'opted-in' : 'opted-out';
  const written = optedIn !== '' ? optedIn : optedOut;
  if (written === '') return undefined;
  // SimpleTexting writes OPT_IN, OPT_OUT, WAIT_SMS_CONFIRMATION.
  const folded = written.toLowerCase().replace(/[_-]+/gu, ' ');
  if (SUBSCRIBED.has(folded)) return true;
  if (UNSUBSCRIBED.has(folded)) return false;
  const inverted = column === 'opted-out';
  if (AFFIRM.has(folded)) return !inverted;
  if (DENY.has(folded)) return inverted;
  return `“${written}” in the ${column} column is neither yes nor no.`;
}
