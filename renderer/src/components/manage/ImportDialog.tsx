import Papa from 'papaparse';
import { useState } from 'react';
import {
  COLUMN_ROLES,
  type ColumnRole,
  guessColumns,
  looksLikeHeader,
  mapRows,
} from '../../../../shared/csv/importRows';
import { type ImportReport, MAX_IMPORT_ROWS } from '../../../../shared/protocol/commands';
import { textdesk } from '../../api';
import { useStore } from '../../store';
import { Dialog } from '../Dialog';
import { CountrySelect } from '../fields';

const PREVIEW_ROWS = 8;

/** Where the rows go: onto a list, or the Opt-Out List (every number opted out). */
export type ImportTarget =
  | { readonly kind: 'list'; readonly listId: string; readonly name: string }
  | { readonly kind: 'opt-out' };

interface Parsed {
  readonly fileName: string;
  readonly cells: string[][];
}

/** What the server answered over all the chunks, and the file's own mistakes. */
interface Outcome {
  readonly created: number;
  readonly updated: number;
  readonly keptOptedOut: readonly number[];
  readonly errors: readonly { readonly line: number; readonly message: string }[];
}

async function importChunks(
  rows: ReturnType<typeof mapRows>['rows'],
  target: ImportTarget,
  defaultCountry: string,
): Promise<Outcome | string> {
  let outcome: Outcome = { created: 0, updated: 0, keptOptedOut: [], errors: [] };
  for (let start = 0; start < rows.length; start += MAX_IMPORT_ROWS) {
    const result = await textdesk().commands.run({
      command: {
        type: 'contacts.import',
        rows: rows.slice(start, start + MAX_IMPORT_ROWS),
        defaultCountry,
        ...(target.kind === 'list' ? { listId: target.listId } : { optOutList: true }),
      },
    });
    if (!result.ok) return result.error.message;
    if (result.value.state === 'queued') return 'You are offline: import again once connected.';
    const report = result.value.value as ImportReport;
    outcome = {
      created: outcome.created + report.created,
      updated: outcome.updated + report.updated,
      keptOptedOut: [...outcome.keptOptedOut, ...report.keptOptedOut],
      errors: [...outcome.errors, ...report.errors],
    };
  }
  return outcome;
}

/** CSV import: pick a file, map its columns, preview, import; bad lines are listed, good ones kept. */
export function ImportDialog(props: {
  readonly target: ImportTarget;
  readonly onClose: () => void;
}) {
  const accountCountry = useStore((state) => state.account?.profile?.defaultCountry ?? 'US');
  const [parsed, setParsed] = useState<Parsed | null>(null);
  const [header, setHeader] = useState(true);
  const [columns, setColumns] = useState<ColumnRole[]>([]);
  const [country, setCountry] = useState(accountCountry);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const read = async (file: File) => {
    setError(null);
    setOutcome(null);
    const result = Papa.parse<string[]>(await file.text(), { skipEmptyLines: 'greedy' });
    const cells = result.data.filter((row) => Array.isArray(row));
    if (cells.length === 0) {
      setError('The file has no rows.');
      return;
    }
    const first = cells[0] ?? [];
    const hasHeader = looksLikeHeader(first);
    setParsed({ fileName: file.name, cells });
    setHeader(hasHeader);
    setColumns(
      guessColumns(
        hasHeader ? first : first.map(() => ''),
        cells.slice(hasHeader ? 1 : 0, hasHeader ? 11 : 10),
      ),
    );
  };

  const body = parsed === null ? [] : parsed.cells.slice(header ? 1 : 0);
  const mapped = mapRows(body, columns, header ? 2 : 1);
  const width = Math.max(0, ...(parsed?.cells.map((row) => row.length) ?? [0]));
  const titles = parsed?.cells[0] ?? [];

  const start = async () => {
    setBusy(true);
    const result = await importChunks(mapped.rows, props.target, country);
    setBusy(false);
    if (typeof result === 'string') setError(result);
    else
      setOutcome({
        ...result,
        errors: [...mapped.problems, ...result.errors].sort((a, b) => a.line - b.line),
      });
  };

  const title =
    props.target.kind === 'list'
      ? `Import into “${props.target.name}”`
      : 'Import into the Opt-Out List';
  return (
    <Dialog title={title} onCancel={props.onClose}>
      <div className="import">
        {props.target.kind === 'opt-out' && (
          <p className="warning-box">Every number in the file will be opted out of all texts.</p>
        )}
        <label className="field">
          <span>CSV file</span>
          <input
            type="file"
            accept=".csv,text/csv"
            onChange={(event) => {
              const file = event.target.files?.[0];
              if (file !== undefined) void read(file);
            }}
          />
        </label>
        {parsed !== null && outcome === null && (
          <>
            <div className="row">
              <label className="check">
                <input
                  type="checkbox"
                  checked={header}
                  onChange={(event) => {
                    setHeader(event.target.checked);
                  }}
                />
                The first row holds column titles
              </label>
              <label className="small">
                Numbers without a country code are in{' '}
                <CountrySelect
                  aria-label="Default country"
                  value={country}
                  onChange={(event) => {
                    setCountry(event.target.value);
                  }}
                />
              </label>
            </div>
            <div className="table-scroll">
              <table className="table">
                <thead>
                  <tr>
                    {Array.from({ length: width }, (_, column) => (
                      <th key={column}>
                        <select
                          aria-label={`Column ${String(column + 1)}${header && titles[column] ? ` (${titles[column]})` : ''}`}
                          value={columns[column] ?? 'ignore'}
                          onChange={(event) => {
                            const next = [...columns];
                            next[column] = event.target.value as ColumnRole;
                            setColumns(next);
                          }}
                        >
                          {COLUMN_ROLES.map((item) => (
                            <option key={item.role} value={item.role}>
                              {item.label}
                            </option>
                          ))}
                        </select>
                        {header && <div className="muted small">{titles[column]}</div>}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {body.slice(0, PREVIEW_ROWS).map((row, index) => (
                    <tr key={index}>
                      {Array.from({ length: width }, (_, column) => (
                        <td key={column}>{row[column] ?? ''}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="small" data-testid="import-summary">
              {mapped.rows.length} {mapped.rows.length === 1 ? 'row' : 'rows'} to import
              {mapped.problems.length > 0 &&
                `, ${String(mapped.problems.length)} with problems (listed after the import)`}
              . An import never opts back in someone who opted out.
            </p>
          </>
        )}
        {error !== null && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {outcome !== null && (
          <div className="import-outcome" role="status" aria-label="Import result">
            <p>
              <strong>
                {outcome.created} added, {outcome.updated} updated
              </strong>
              {outcome.keptOptedOut.length > 0 &&
                ` · ${String(outcome.keptOptedOut.length)} kept opted out (lines ${outcome.keptOptedOut.join(', ')})`}
            </p>
            {outcome.errors.length > 0 && (
              <>
                <p className="error">{outcome.errors.length} lines were not imported:</p>
                <ul className="import-errors">
                  {outcome.errors.map((problem) => (
                    <li key={`${String(problem.line)}-${problem.message}`}>
                      Line {problem.line}: {problem.message}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        )}
        <div className="actions">
          {outcome === null ? (
            <button
              type="button"
              className="button primary"
              disabled={
                busy || parsed === null || !columns.includes('phone') || mapped.rows.length === 0
              }
              onClick={() => void start()}
            >
              {busy ? 'Importing…' : 'Import'}
            </button>
          ) : null}
          <button type="button" className="button" onClick={props.onClose}>
            {outcome === null ? 'Cancel' : 'Done'}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
