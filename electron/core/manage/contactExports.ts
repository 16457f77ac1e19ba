import ICAL from 'ical.js';
import type { ExportRow } from '../cache/lists';
import { toCsv } from './csv';

/**
 * A list's contacts in the forms other programs import: CSV with Google
 * Contacts' own column titles (which Outlook and most CRMs also map), and
 * vCard 3.0 (phones, macOS and Outlook). Each keeps the consent beside the
 * number — in columns of their own and in the note — so an export is also
 * evidence of who may be texted.
 */

/** Google's titles, then Textdesk's consent columns, which Google keeps as custom fields. */
const CSV_COLUMNS = [
  'First Name',
  'Last Name',
  'Phone 1 - Label',
  'Phone 1 - Value',
  'Labels',
  'Notes',
  'Opted In',
  'Blocked',
  'Opted Out At',
  'Opt-Out Source',
] as const;
const PHONE_COLUMN = CSV_COLUMNS.indexOf('Phone 1 - Value');

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

/**
 * A whole name as Google's first and last: the last word is the family
 * name. Google (and Textdesk's import) join them again, so the name reads
 * as it did, whatever the split.
 */
export function splitName(name: string): { first: string; last: string } {
  const trimmed = name.trim().replace(/\s+/gu, ' ');
  const space = trimmed.lastIndexOf(' ');
  return space < 0
    ? { first: trimmed, last: '' }
    : { first: trimmed.slice(0, space), last: trimmed.slice(space + 1) };
}

/** The consent in words, for the Notes column and the vCard's NOTE. */
export function consentNote(row: ExportRow): string {
  if (row.blocked) return 'Textdesk: blocked; do not text.';
  if (row.optedIn) return 'Textdesk: opted in.';
  const when = row.optOut === null ? '' : ` on ${row.optOut.at.slice(0, 10)}`;
  const how = row.optOut === null ? '' : ` (${row.optOut.source})`;
  return `Textdesk: opted out${when}${how}; do not text.`;
}

export function contactsCsv(rows: readonly ExportRow[]): string {
  return toCsv(
    CSV_COLUMNS,
    rows.map((row) => {
      const { first, last } = splitName(row.name);
      return [
        first,
        last,
        'Mobile',
        row.phone,
        row.lists.join(' ::: '),
        consentNote(row),
        yesNo(row.optedIn),
        yesNo(row.blocked),
        row.optOut?.at ?? '',
        row.optOut?.source ?? '',
      ];
    }),
    [PHONE_COLUMN],
  );
}

/** A jCard property: name, parameters, value type, then its values (a structured one as an array). */
type JCardProperty = [string, Record<string, string | string[]>, string, ...(string | string[])[]];

export function contactsVcard(rows: readonly ExportRow[]): string {
  return rows
    .map((row) => {
      const { first, last } = splitName(row.name);
      const properties: JCardProperty[] = [
        ['version', {}, 'text', '3.0'],
        // FN is required in 3.0: a contact without a name is shown by its number.
        ['fn', {}, 'text', row.name.trim() === '' ? row.phone : row.name.trim()],
        ['n', {}, 'text', [last, first, '', '', '']],
        ['tel', { type: ['CELL', 'VOICE'] }, 'phone-number', row.phone],
        ['note', {}, 'text', consentNote(row)],
      ];
      if (row.lists.length > 0) properties.push(['categories', {}, 'text', ...row.lists]);
      return ICAL.stringify(['vcard', properties, []]);
    })
    .join('');
}
