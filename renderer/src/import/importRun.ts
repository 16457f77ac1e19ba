import { importChunks, type PlannedRow } from '../../../shared/contacts/importPlan';
import type { SkipReason } from '../../../shared/contacts/people';
import { type KnownContact, MAX_LOOKUP_PHONES } from '../../../shared/ipc/manage';
import type { ImportReport } from '../../../shared/protocol/commands';
import type { CountryCode } from '../../../shared/phone';
import { textdesk } from '../api';

/** Where the rows go: onto a list, or the Opt-Out List (every number opted out). */
export type ImportTarget =
  | { readonly kind: 'list'; readonly listId: string; readonly name: string }
  | { readonly kind: 'opt-out' };

/** The numbers the account already has, looked up in parts the IPC contract allows. */
export async function lookUpKnown(
  rows: readonly PlannedRow[],
): Promise<ReadonlyMap<string, KnownContact>> {
  const known = new Map<string, KnownContact>();
  for (let start = 0; start < rows.length; start += MAX_LOOKUP_PHONES) {
    const phones = rows.slice(start, start + MAX_LOOKUP_PHONES).map((row) => row.phone);
    const result = await textdesk().contacts.lookup({ phones });
    if (!result.ok) throw new Error(result.error.message);
    for (const contact of result.value) known.set(contact.phone, contact);
  }
  return known;
}

/** What a row will do to the account, as the preview says it. */
export type RowStatus = 'new' | 'known' | 'opted-out' | 'blocked';

export function statusOf(row: PlannedRow, known: ReadonlyMap<string, KnownContact>): RowStatus {
  const contact = known.get(row.phone);
  if (contact === undefined) return 'new';
  if (contact.blocked) return 'blocked';
  return contact.optedIn ? 'known' : 'opted-out';
}

/** The name a row leaves the contact with: a known contact keeps theirs unless overwritten. */
export function savedName(
  row: PlannedRow,
  known: ReadonlyMap<string, KnownContact>,
  overwriteNames: boolean,
): string {
  const contact = known.get(row.phone);
  const mine = row.name ?? '';
  if (contact === undefined || contact.name === '') return mine;
  return overwriteNames && mine !== '' ? mine : contact.name;
}

export interface PreviewCounts {
  readonly created: number;
  readonly updated: number;
  /** Known contacts who are opted out or blocked, and stay so (R11). */
  readonly staysOptedOut: number;
  /** Known contacts keeping their own name over the file's. */
  readonly namesKept: number;
  /** For the Opt-Out List: how many this import opts out. */
  readonly optsOut: number;
  readonly skipped: Readonly<Partial<Record<SkipReason, number>>>;
}

export function previewCounts(
  rows: readonly PlannedRow[],
  skipped: readonly { readonly reason: SkipReason }[],
  known: ReadonlyMap<string, KnownContact>,
  target: ImportTarget,
  overwriteNames: boolean,
): PreviewCounts {
  let created = 0;
  let staysOptedOut = 0;
  let namesKept = 0;
  let optsOut = 0;
  for (const row of rows) {
    const contact = known.get(row.phone);
    const out = contact !== undefined && (!contact.optedIn || contact.blocked);
    if (contact === undefined) created += 1;
    if (out) staysOptedOut += 1;
    else if (target.kind === 'opt-out' || row.optedIn === false) optsOut += 1;
    const mine = row.name ?? '';
    if (contact !== undefined && !overwriteNames && contact.name !== '' && mine !== '') {
      if (mine !== contact.name) namesKept += 1;
    }
  }
  const byReason: Partial<Record<SkipReason, number>> = {};
  for (const skip of skipped) byReason[skip.reason] = (byReason[skip.reason] ?? 0) + 1;
  return {
    created,
    updated: rows.length - created,
    staysOptedOut,
    namesKept,
    optsOut,
    skipped: byReason,
  };
}

export interface ImportOutcome extends ImportReport {
  /** Rows the server took, out of `total`. */
  readonly done: number;
  readonly total: number;
  readonly cancelled: boolean;
  /** Why it stopped early, when the server or the connection refused a part. */
  readonly failure: string | null;
}

/**
 * Sends the rows, a command at a time. Each command is one transaction on
 * the server, so a cancel (checked between commands) or a failure leaves
 * every row either imported or not, never half.
 */
export async function runImport(
  rows: readonly PlannedRow[],
  options: {
    readonly target: ImportTarget;
    readonly country: CountryCode;
    readonly overwriteNames: boolean;
    readonly cancelled: () => boolean;
    readonly progress: (done: number, total: number) => void;
  },
): Promise<ImportOutcome> {
  const report = {
    created: 0,
    updated: 0,
    keptOptedOut: [] as number[],
    optedOut: 0,
    namesKept: 0,
    errors: [] as { line: number; message: string }[],
  };
  let done = 0;
  const finish = (cancelled: boolean, failure: string | null): ImportOutcome => ({
    ...report,
    done,
    total: rows.length,
    cancelled,
    failure,
  });
  options.progress(0, rows.length);
  for (const chunk of importChunks(rows)) {
    if (options.cancelled()) return finish(true, null);
    const result = await textdesk().commands.run({
      command: {
        type: 'contacts.import',
        rows: chunk,
        defaultCountry: options.country,
        ...(options.overwriteNames && { overwriteNames: true }),
        ...(options.target.kind === 'list'
          ? { listId: options.target.listId }
          : { optOutList: true }),
      },
    });
    if (!result.ok) return finish(false, result.error.message);
    // Imports are never queued: offline, main refuses them instead (see sendWithoutOutbox).
    if (result.value.state !== 'done') return finish(false, 'You are offline.');
    const value = result.value.value as ImportReport;
    report.created += value.created;
    report.updated += value.updated;
    report.keptOptedOut.push(...value.keptOptedOut);
    report.optedOut += value.optedOut;
    report.namesKept += value.namesKept;
    report.errors.push(...value.errors);
    done += chunk.length;
    options.progress(done, rows.length);
  }
  return finish(false, null);
}
