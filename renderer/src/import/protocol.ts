import type { CsvMapping, ContactsFormat } from '../../../shared/contacts/contactsFile';
import type { CsvSource } from '../../../shared/contacts/csvColumns';
import type { RowProblem } from '../../../shared/contacts/csvPeople';
import type { PlannedRow } from '../../../shared/contacts/importPlan';
import type { CountryCode } from '../../../shared/phone';

/**
 * What the import dialog and its worker say to each other. The worker reads
 * the file (off the window's thread: a 100,000-row file takes seconds),
 * keeps it, and plans the import again whenever the person changes the
 * mapping or the country.
 */

export type WorkerRequest =
  | {
      readonly id: number;
      readonly type: 'open';
      readonly file: Blob;
      readonly name: string;
      /** Read the bytes in this encoding instead of the detected one. */
      readonly encoding?: string;
    }
  | {
      readonly id: number;
      readonly type: 'plan';
      /** A CSV's mapping; the guess when left out. */
      readonly mapping?: CsvMapping;
      readonly country: CountryCode;
    };

/** The file as opened: enough for the dialog to show it and its mapping. */
export interface OpenedSummary {
  readonly format: ContactsFormat;
  readonly encoding: string;
  readonly source: CsvSource | 'vcard';
  /** A CSV's first records as cells (titles first when it has them); empty for vCard. */
  readonly sample: readonly (readonly string[])[];
  readonly width: number;
  /** Identifies a CSV's set of titles, for the mapping remembered for it. */
  readonly key: string;
  readonly guess: CsvMapping | null;
  /** Records (CSV) or cards (vCard) read. */
  readonly records: number;
}

export interface PlanSummary {
  readonly rows: readonly PlannedRow[];
  readonly skipped: readonly RowProblem[];
}

export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly value: OpenedSummary | PlanSummary }
  | { readonly id: number; readonly ok: false; readonly error: string };
