import type { CsvMapping } from '../../../../shared/contacts/contactsFile';
import { COLUMN_ROLES, type ColumnRole } from '../../../../shared/contacts/csvColumns';
import type { RowProblem } from '../../../../shared/contacts/csvPeople';
import type { PlannedRow } from '../../../../shared/contacts/importPlan';
import type { ChoiceReason, SkipReason } from '../../../../shared/contacts/people';
import type { KnownContact } from '../../../../shared/ipc/manage';
import { displayPhone, optedOutText } from '../../format';
import { type ImportTarget, type PreviewCounts, savedName, statusOf } from '../../import/importRun';
import type { OpenedSummary } from '../../import/protocol';

const PREVIEW_ROWS = 8;
const LISTED_SKIPS = 200;

const WHY: Readonly<Record<ChoiceReason, string>> = {
  'labelled-mobile': 'labelled mobile',
  'mobile-type': 'a mobile number',
  'first-valid': 'first valid number',
};

export const SKIPPED: Readonly<Record<SkipReason, string>> = {
  'no-number': 'no phone number',
  'only-fax-or-pager': 'only a fax or pager number',
  'invalid-number': 'no valid number',
  duplicate: 'the same number again (imported once)',
  'bad-cell': 'a cell that is neither yes nor no',
  unreadable: 'a card that could not be read',
};

const SOURCES: Readonly<Record<OpenedSummary['source'], string>> = {
  google: 'Google Contacts export',
  'google-legacy': 'Google Contacts export (Google CSV)',
  outlook: 'Outlook export',
  other: 'CSV file',
  vcard: 'vCard file',
};

export const sourceName = (summary: OpenedSummary): string => SOURCES[summary.source];

const plural = (count: number, one: string, many = `${one}s`) =>
  `${count.toLocaleString()} ${count === 1 ? one : many}`;

function statusText(
  row: PlannedRow,
  known: ReadonlyMap<string, KnownContact>,
  target: ImportTarget,
): string {
  const status = statusOf(row, known);
  const contact = known.get(row.phone);
  if (status === 'blocked') return 'Blocked: stays opted out';
  if (status === 'opted-out' && contact !== undefined) {
    return `${contact.optOut === null ? 'Opted out' : optedOutText(contact.optOut)}: stays opted out`;
  }
  if (target.kind === 'opt-out')
    return status === 'new' ? 'New: will be opted out' : 'Will be opted out';
  if (row.optedIn === false) return status === 'new' ? 'New, opted out' : 'Will be opted out';
  return status === 'new' ? 'New' : 'Already a contact';
}

/** The rows as they will be saved: name, chosen number and why, and what the import does to each. */
export function PlannedTable(props: {
  readonly rows: readonly PlannedRow[];
  readonly known: ReadonlyMap<string, KnownContact>;
  readonly target: ImportTarget;
  readonly overwriteNames: boolean;
  readonly country: string;
}) {
  return (
    <div className="table-scroll">
      <table className="table" aria-label="Contacts to import">
        <thead>
          <tr>
            <th>Line</th>
            <th>Name</th>
            <th>Number</th>
            <th>Chosen because</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.slice(0, PREVIEW_ROWS).map((row) => {
            const name = savedName(row, props.known, props.overwriteNames);
            const label = row.label === '' ? 'No label' : row.label;
            return (
              <tr key={row.line} aria-label={name === '' ? row.phone : name}>
                <td>{row.line}</td>
                <td>{name === '' ? '—' : name}</td>
                <td>{displayPhone(row.phone, props.country)}</td>
                <td>
                  {label}: {WHY[row.why]}
                  {row.others > 0 && ` (of ${String(row.others + 1)} numbers)`}
                </td>
                <td>{statusText(row, props.known, props.target)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {props.rows.length > PREVIEW_ROWS && (
        <p className="muted small">
          The first {PREVIEW_ROWS} of {props.rows.length.toLocaleString()} contacts.
        </p>
      )}
    </div>
  );
}

/** A CSV's first records with a role picker above each column. */
export function MappingTable(props: {
  readonly summary: OpenedSummary;
  readonly mapping: CsvMapping;
  readonly onChange: (mapping: CsvMapping) => void;
}) {
  const { summary, mapping } = props;
  const titles = summary.sample[0] ?? [];
  const body = summary.sample.slice(mapping.hasHeader ? 1 : 0, PREVIEW_ROWS);
  return (
    <details className="mapping" open={summary.source === 'other'}>
      <summary>Columns: what each one holds</summary>
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              {Array.from({ length: summary.width }, (_, column) => (
                <th key={column}>
                  <select
                    aria-label={`Column ${String(column + 1)}${mapping.hasHeader && titles[column] ? ` (${titles[column]})` : ''}`}
                    value={mapping.columns[column] ?? 'ignore'}
                    onChange={(event) => {
                      const columns = [...mapping.columns];
                      columns[column] = event.target.value as ColumnRole;
                      props.onChange({ ...mapping, columns });
                    }}
                  >
                    {COLUMN_ROLES.map((item) => (
                      <option key={item.role} value={item.role}>
                        {item.label}
                      </option>
                    ))}
                  </select>
                  {mapping.hasHeader && <div className="muted small">{titles[column]}</div>}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {body.map((row, index) => (
              <tr key={index}>
                {Array.from({ length: summary.width }, (_, column) => (
                  <td key={column}>{row[column] ?? ''}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/** The counts: new, updated, kept opted out, names kept, and everyone skipped with the reason. */
export function PreviewSummary(props: {
  readonly counts: PreviewCounts;
  readonly target: ImportTarget;
  readonly skipped: readonly RowProblem[];
}) {
  const { counts, target } = props;
  const skips = Object.entries(counts.skipped) as [SkipReason, number][];
  return (
    <div className="import-counts">
      <p data-testid="import-summary">
        <strong>
          {plural(counts.created, 'new contact')},{' '}
          {plural(counts.updated, 'already a contact', 'already contacts')}
        </strong>
        {counts.staysOptedOut > 0 &&
          ` · ${plural(counts.staysOptedOut, 'stays', 'stay')} opted out`}
        {counts.namesKept > 0 &&
          ` · ${plural(counts.namesKept, 'keeps its name', 'keep their names')}`}
        {target.kind === 'opt-out' && ` · ${plural(counts.optsOut, 'number')} will be opted out`}
        {target.kind === 'list' &&
          counts.optsOut > 0 &&
          ` · ${plural(counts.optsOut, 'will be opted out', 'will be opted out')}`}
      </p>
      {skips.length > 0 && (
        <details>
          <summary data-testid="import-skipped">
            {plural(props.skipped.length, 'row')} skipped:{' '}
            {skips
              .map(([reason, count]) => `${count.toLocaleString()} with ${SKIPPED[reason]}`)
              .join(', ')}
          </summary>
          <ul className="import-errors">
            {props.skipped.slice(0, LISTED_SKIPS).map((skip) => (
              <li key={`${String(skip.line)}-${skip.reason}`}>
                Line {skip.line}: {skip.message}
              </li>
            ))}
            {props.skipped.length > LISTED_SKIPS && (
              <li>…and {(props.skipped.length - LISTED_SKIPS).toLocaleString()} more.</li>
            )}
          </ul>
        </details>
      )}
      <p className="muted small">
        An import never opts back in someone who opted out or was blocked.
      </p>
    </div>
  );
}
