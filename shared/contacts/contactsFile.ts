import {
  guessColumns,
  headerKey,
  looksLikeHeader,
  sourceOfHeader,
  type ColumnRole,
  type CsvSource,
} from './csvColumns';
import { parseCsv, peopleFromCsv, type CsvRecords, type RowProblem } from './csvPeople';
import { decodeText } from './encoding';
import type { Person } from './people';
import { peopleFromVcard } from './vcard';

/**
 * A contacts file opened: its bytes read as text in the detected (or
 * chosen) encoding, then as CSV records or vCards. For a CSV, the columns
 * are guessed; the person may change them, and `peopleOf` reads the people
 * again under the new mapping without reading the file again.
 */

export type ContactsFormat = 'csv' | 'vcard';

/** How a CSV's columns are read: whether the first record is titles, and each column's role. */
export interface CsvMapping {
  readonly hasHeader: boolean;
  readonly columns: readonly ColumnRole[];
}

export type OpenedFile =
  | {
      readonly format: 'vcard';
      readonly encoding: string;
      readonly people: Person[];
      readonly problems: RowProblem[];
    }
  | {
      readonly format: 'csv';
      readonly encoding: string;
      readonly csv: CsvRecords;
      /** The first record: titles when `guess.hasHeader`. */
      readonly first: readonly string[];
      readonly width: number;
      readonly source: CsvSource;
      /** Identifies the set of titles, to remember a mapping for it. */
      readonly key: string;
      readonly guess: CsvMapping;
    };

const VCARD_NAME = /\.(vcf|vcard)$/iu;

/** A vCard by its name, or by its first line when the name says nothing. */
export function formatOf(fileName: string, text: string): ContactsFormat {
  if (VCARD_NAME.test(fileName)) return 'vcard';
  return /^\s*BEGIN:VCARD/iu.test(text.slice(0, 200)) ? 'vcard' : 'csv';
}

export function openContactsFile(
  bytes: Uint8Array,
  fileName: string,
  encoding?: string,
): OpenedFile {
  const decoded = decodeText(bytes, encoding);
  if (formatOf(fileName, decoded.text) === 'vcard') {
    return { format: 'vcard', encoding: decoded.encoding, ...peopleFromVcard(decoded.text) };
  }
  const csv = parseCsv(decoded.text);
  const first = csv.records[0] ?? [];
  const width = Math.max(0, ...csv.records.slice(0, 1000).map((record) => record.length));
  const hasHeader = looksLikeHeader(first);
  const header = Array.from({ length: width }, (_, column) =>
    hasHeader ? (first[column] ?? '') : '',
  );
  const sample = csv.records.slice(hasHeader ? 1 : 0, 51);
  return {
    format: 'csv',
    encoding: decoded.encoding,
    csv,
    first,
    width,
    source: hasHeader ? sourceOfHeader(first) : 'other',
    key: hasHeader ? headerKey(first) : `columns:${String(width)}`,
    guess: { hasHeader, columns: guessColumns(header, sample) },
  };
}

/** The people of an opened file; for a CSV, under `mapping` (the guess when left out). */
export function peopleOf(
  file: OpenedFile,
  mapping?: CsvMapping,
): { people: Person[]; problems: RowProblem[] } {
  if (file.format === 'vcard') return { people: file.people, problems: file.problems };
  const { hasHeader, columns } = mapping ?? file.guess;
  return peopleFromCsv(file.csv, columns, hasHeader ? file.first : null, hasHeader);
}
