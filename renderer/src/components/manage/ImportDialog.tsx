import { useEffect, useMemo, useRef, useState } from 'react';
import type { CsvMapping } from '../../../../shared/contacts/contactsFile';
import { TEXT_ENCODINGS } from '../../../../shared/contacts/encoding';
import type { KnownContact } from '../../../../shared/ipc/manage';
import { isCountryCode, type CountryCode } from '../../../../shared/phone';
import {
  type ImportOutcome,
  type ImportTarget,
  lookUpKnown,
  previewCounts,
  runImport,
} from '../../import/importRun';
import { ImportReader } from '../../import/importReader';
import { rememberedMapping, rememberMapping } from '../../import/mappings';
import type { OpenedSummary, PlanSummary } from '../../import/protocol';
import { useStore } from '../../store';
import { Dialog } from '../Dialog';
import { CountrySelect } from '../fields';
import { ImportResult } from './ImportResult';
import { MappingTable, PlannedTable, PreviewSummary, sourceName } from './ImportPreview';

export type { ImportTarget } from '../../import/importRun';

/** What the person picks or drops: contacts exported from an address book, a phone or another tool. */
export const CONTACT_FILE_TYPES = '.csv,.vcf,.vcard,.txt,text/csv,text/vcard,text/x-vcard';

interface Preview {
  readonly plan: PlanSummary;
  readonly known: ReadonlyMap<string, KnownContact>;
}

/**
 * Import: choose or drop a file; it is read off the window's thread, each
 * person's number chosen, and the first rows shown as they will be saved,
 * with counts, before anything is written. Then the rows go in batches with
 * a progress bar and Cancel.
 */
export function ImportDialog(props: {
  readonly target: ImportTarget;
  /** A file dropped onto the list, to start with. */
  readonly file?: File | undefined;
  readonly onClose: () => void;
}) {
  const accountCountry = useStore((state) => state.account?.profile?.defaultCountry ?? 'US');
  const [reader] = useState(() => new ImportReader());
  const [file, setFile] = useState<File | null>(props.file ?? null);
  const [summary, setSummary] = useState<OpenedSummary | null>(null);
  const [mapping, setMapping] = useState<CsvMapping | null>(null);
  const [country, setCountry] = useState<CountryCode>(
    isCountryCode(accountCountry) ? accountCountry : 'US',
  );
  const [preview, setPreview] = useState<Preview | null>(null);
  const [overwriteNames, setOverwriteNames] = useState(false);
  const [reading, setReading] = useState(props.file !== undefined);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [stopping, setStopping] = useState(false);
  const [outcome, setOutcome] = useState<ImportOutcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  const cancel = useRef(false);
  // Each read or plan is numbered; an answer to an older one is dropped.
  const generation = useRef(0);

  const failed = (cause: unknown) => {
    setReading(false);
    setError(cause instanceof Error ? cause.message : String(cause));
  };

  /** Plans the import (numbers chosen, known contacts looked up) for the mapping and country. */
  const plan = async (next: CsvMapping | null, nextCountry: CountryCode, run: number) => {
    const planned = await reader.plan(next ?? undefined, nextCountry);
    const known = await lookUpKnown(planned.rows);
    if (run !== generation.current) return;
    setPreview({ plan: planned, known });
    setReading(false);
  };

  /** Reads a file (in `encoding`, else the detected one), then plans it. */
  const read = async (chosen: File, encoding?: string) => {
    generation.current += 1;
    const run = generation.current;
    try {
      const opened = await reader.open(chosen, chosen.name, encoding);
      if (run !== generation.current) return;
      const remembered =
        opened.guess === null
          ? null
          : (rememberedMapping(opened.key, opened.width) ?? opened.guess);
      setSummary(opened);
      setMapping(remembered);
      setError(opened.records === 0 ? 'The file has no contacts in it.' : null);
      await plan(remembered, country, run);
    } catch (cause) {
      if (run === generation.current) failed(cause);
    }
  };

  const choose = (chosen: File, encoding?: string) => {
    setFile(chosen);
    setPreview(null);
    setError(null);
    setReading(true);
    void read(chosen, encoding);
  };

  const replan = (next: CsvMapping | null, nextCountry: CountryCode) => {
    setMapping(next);
    setCountry(nextCountry);
    setReading(true);
    generation.current += 1;
    const run = generation.current;
    plan(next, nextCountry, run).catch((cause: unknown) => {
      if (run === generation.current) failed(cause);
    });
  };

  useEffect(() => {
    // A file dropped onto the list: read once the dialog is up.
    void Promise.resolve(props.file).then(async (dropped) => {
      if (dropped !== undefined) await read(dropped);
    });
    return () => {
      reader.close();
    };
    // Once, for the file the dialog was opened with; the worker lives as long as the dialog.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const counts = useMemo(
    () =>
      preview === null
        ? null
        : previewCounts(
            preview.plan.rows,
            preview.plan.skipped,
            preview.known,
            props.target,
            overwriteNames,
          ),
    [preview, props.target, overwriteNames],
  );

  const start = async () => {
    if (preview === null) return;
    if (summary !== null && mapping !== null) rememberMapping(summary.key, mapping);
    cancel.current = false;
    setStopping(false);
    const result = await runImport(preview.plan.rows, {
      target: props.target,
      country,
      overwriteNames,
      cancelled: () => cancel.current,
      progress: (done, total) => {
        setProgress({ done, total });
      },
    });
    setProgress(null);
    setOutcome(result);
  };

  const title =
    props.target.kind === 'list'
      ? `Import into “${props.target.name}”`
      : 'Import into the Opt-Out List';
  const importing = progress !== null;
  const rows = preview?.plan.rows.length ?? 0;
  return (
    <Dialog title={title} onCancel={importing ? () => undefined : props.onClose}>
      <div className="import">
        {props.target.kind === 'opt-out' && (
          <p className="warning-box">Every number in the file will be opted out of all texts.</p>
        )}
        {outcome === null && !importing && (
          <label
            className="field drop-zone"
            onDragOver={(event) => {
              event.preventDefault();
            }}
            onDrop={(event) => {
              event.preventDefault();
              const dropped = event.dataTransfer.files[0];
              if (dropped !== undefined) choose(dropped);
            }}
          >
            <span>Contacts file (CSV or vCard): choose one or drop it here</span>
            <input
              type="file"
              accept={CONTACT_FILE_TYPES}
              onChange={(event) => {
                const chosen = event.target.files?.[0];
                if (chosen !== undefined) choose(chosen);
              }}
            />
            {file !== null && (
              <span className="muted small" data-testid="import-file">
                File: {file.name}
              </span>
            )}
          </label>
        )}
        {summary !== null && outcome === null && !importing && (
          <>
            <div className="row import-options">
              <span className="small" data-testid="import-source">
                {sourceName(summary)} · {summary.records.toLocaleString()}{' '}
                {summary.format === 'vcard' ? 'cards' : 'rows'}
              </span>
              <label className="small">
                Text encoding{' '}
                <select
                  aria-label="Text encoding"
                  value={summary.encoding}
                  onChange={(event) => {
                    if (file !== null) choose(file, event.target.value);
                  }}
                >
                  {TEXT_ENCODINGS.map((item) => (
                    <option key={item.id} value={item.id}>
                      {item.label}
                    </option>
                  ))}
                </select>
              </label>
              <label className="small">
                Numbers without a country code are in{' '}
                <CountrySelect
                  aria-label="Default country"
                  value={country}
                  onChange={(event) => {
                    if (isCountryCode(event.target.value)) replan(mapping, event.target.value);
                  }}
                />
              </label>
            </div>
            {mapping !== null && (
              <>
                <label className="check small">
                  <input
                    type="checkbox"
                    checked={mapping.hasHeader}
                    onChange={(event) => {
                      replan({ ...mapping, hasHeader: event.target.checked }, country);
                    }}
                  />
                  The first row holds column titles
                </label>
                <MappingTable
                  summary={summary}
                  mapping={mapping}
                  onChange={(next) => {
                    replan(next, country);
                  }}
                />
              </>
            )}
            {preview !== null && counts !== null && (
              <>
                <PlannedTable
                  rows={preview.plan.rows}
                  known={preview.known}
                  target={props.target}
                  overwriteNames={overwriteNames}
                  country={country}
                />
                <PreviewSummary
                  counts={counts}
                  target={props.target}
                  skipped={preview.plan.skipped}
                />
                <label className="check small">
                  <input
                    type="checkbox"
                    checked={overwriteNames}
                    onChange={(event) => {
                      setOverwriteNames(event.target.checked);
                    }}
                  />
                  Overwrite the names of contacts who already have one
                </label>
              </>
            )}
            {reading && (
              <p className="muted small" role="status">
                Reading the file…
              </p>
            )}
          </>
        )}
        {importing && (
          <div className="import-progress">
            <progress
              aria-label="Import progress"
              value={progress.done}
              max={Math.max(1, progress.total)}
            />
            <p className="small" role="status">
              {stopping ? 'Stopping after this batch… ' : 'Importing '}
              {progress.done.toLocaleString()} of {progress.total.toLocaleString()}
            </p>
          </div>
        )}
        {error !== null && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {outcome !== null && (
          <ImportResult outcome={outcome} skipped={preview?.plan.skipped ?? []} />
        )}
        <div className="actions">
          {outcome === null && !importing && (
            <button
              type="button"
              className="button primary"
              disabled={reading || preview === null || rows === 0}
              onClick={() => void start()}
            >
              {rows === 0
                ? 'Import'
                : `Import ${rows.toLocaleString()} ${rows === 1 ? 'contact' : 'contacts'}`}
            </button>
          )}
          {importing ? (
            <button
              type="button"
              className="button"
              onClick={() => {
                cancel.current = true;
                setStopping(true);
              }}
            >
              Cancel import
            </button>
          ) : (
            <button type="button" className="button" onClick={props.onClose}>
              {outcome === null ? 'Cancel' : 'Done'}
            </button>
          )}
        </div>
      </div>
    </Dialog>
  );
}
