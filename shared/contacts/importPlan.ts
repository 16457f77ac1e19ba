import type { CountryCode, E164 } from '../phone';
import { type ImportRow, MAX_IMPORT_ROWS } from '../protocol/commands';
import type { RowProblem } from './csvPeople';
import { choosePhone, type ChoiceReason, type Person, type PhoneKind } from './people';

/**
 * From the people of a file to the rows an import sends: each person's
 * number chosen, the people without a usable one set aside with the reason,
 * and a number that appears twice imported once (its lists joined, its
 * first name kept, and opted out if any of its rows says so).
 */

export interface PlannedRow extends ImportRow {
  readonly phone: E164;
  /** The chosen number's label as the file wrote it ('' when none). */
  readonly label: string;
  readonly kind: PhoneKind;
  readonly why: ChoiceReason;
  /** The person's other numbers, not imported. */
  readonly others: number;
  /** Lines of later rows with the same number, merged into this one. */
  readonly merged: readonly number[];
}

export interface ImportPlan {
  readonly rows: readonly PlannedRow[];
  /** Everyone set aside, by line: no number, only a fax, a bad cell, a duplicate… */
  readonly skipped: readonly RowProblem[];
}

export function planImport(
  people: readonly Person[],
  problems: readonly RowProblem[],
  country: CountryCode,
): ImportPlan {
  const rows: PlannedRow[] = [];
  const byPhone = new Map<string, number>();
  const skipped: RowProblem[] = [...problems];
  for (const person of people) {
    const choice = choosePhone(person, country);
    if (!choice.ok) {
      skipped.push({ line: person.line, reason: choice.reason, message: choice.message });
      continue;
    }
    const seen = byPhone.get(choice.phone);
    const earlier = seen === undefined ? undefined : rows[seen];
    if (seen !== undefined && earlier !== undefined) {
      rows[seen] = merge(earlier, person);
      skipped.push({
        line: person.line,
        reason: 'duplicate',
        message: `Same number as line ${String(earlier.line)}: imported once.`,
      });
      continue;
    }
    byPhone.set(choice.phone, rows.length);
    rows.push({
      line: person.line,
      phone: choice.phone,
      ...(person.name !== '' && { name: person.name }),
      ...(person.lists !== undefined && { lists: [...person.lists] }),
      ...(person.optedIn !== undefined && { optedIn: person.optedIn }),
      label: choice.label,
      kind: choice.kind,
      why: choice.why,
      others: person.phones.length - 1,
      merged: [],
    });
  }
  skipped.sort((a, b) => a.line - b.line);
  return { rows, skipped };
}

function merge(row: PlannedRow, person: Person): PlannedRow {
  const lists = [...new Set([...(row.lists ?? []), ...(person.lists ?? [])])];
  const optedIn =
    row.optedIn === false || person.optedIn === false ? false : (row.optedIn ?? person.optedIn);
  const name = row.name ?? (person.name === '' ? undefined : person.name);
  return {
    ...row,
    ...(name !== undefined && { name }),
    ...(lists.length > 0 && { lists }),
    ...(optedIn !== undefined && { optedIn }),
    merged: [...row.merged, person.line],
  };
}

/** What the server needs of a planned row. */
export const importRowOf = (row: PlannedRow): ImportRow => ({
  line: row.line,
  phone: row.phone,
  ...(row.name !== undefined && { name: row.name }),
  ...(row.lists !== undefined && { lists: row.lists }),
  ...(row.optedIn !== undefined && { optedIn: row.optedIn }),
});

/** What a socket.io packet may carry (the server's limit is 1 MB), with room to spare. */
const MAX_COMMAND_BYTES = 512 * 1024;

/** The rows in commands of at most MAX_IMPORT_ROWS rows and MAX_COMMAND_BYTES. */
export function importChunks(rows: readonly PlannedRow[]): ImportRow[][] {
  const chunks: ImportRow[][] = [];
  let chunk: ImportRow[] = [];
  let bytes = 0;
  const encoder = new TextEncoder();
  for (const planned of rows) {
    const row = importRowOf(planned);
    // The row's JSON in UTF-8, and a comma.
    const size = encoder.encode(JSON.stringify(row)).length + 1;
    if (chunk.length > 0 && (chunk.length >= MAX_IMPORT_ROWS || bytes + size > MAX_COMMAND_BYTES)) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(row);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
