import type { RowProblem } from '../../../../shared/contacts/csvPeople';
import type { ImportOutcome } from '../../import/importRun';

const LISTED = 200;

/** After an import: what was added and updated, who stays opted out, and every line not imported. */
export function ImportResult(props: {
  readonly outcome: ImportOutcome;
  readonly skipped: readonly RowProblem[];
}) {
  const { outcome } = props;
  // A duplicate was imported, once, with its first row.
  const merged = props.skipped.filter((skip) => skip.reason === 'duplicate').length;
  const problems = [
    ...props.skipped.filter((skip) => skip.reason !== 'duplicate'),
    ...outcome.errors,
  ].sort((a, b) => a.line - b.line);
  const stopped = outcome.cancelled || outcome.failure !== null;
  return (
    <div className="import-outcome" role="status" aria-label="Import result">
      {stopped && (
        <p className={outcome.failure === null ? 'warning-box' : 'error'}>
          {outcome.failure === null ? 'Cancelled' : `Stopped: ${outcome.failure}`}. The first{' '}
          {outcome.done.toLocaleString()} of {outcome.total.toLocaleString()} rows were imported;
          the rest were not.
        </p>
      )}
      <p>
        <strong>
          {outcome.created.toLocaleString()} added, {outcome.updated.toLocaleString()} updated
        </strong>
        {outcome.optedOut > 0 && ` · ${outcome.optedOut.toLocaleString()} opted out`}
        {outcome.keptOptedOut.length > 0 &&
          ` · ${outcome.keptOptedOut.length.toLocaleString()} kept opted out (lines ${outcome.keptOptedOut.slice(0, 20).join(', ')}${outcome.keptOptedOut.length > 20 ? '…' : ''})`}
        {outcome.namesKept > 0 &&
          ` · ${outcome.namesKept.toLocaleString()} kept the name they already had`}
        {merged > 0 && ` · ${merged.toLocaleString()} repeated numbers imported once`}
      </p>
      {problems.length > 0 && (
        <>
          <p className="error">
            {problems.length.toLocaleString()} {problems.length === 1 ? 'line was' : 'lines were'}{' '}
            not imported:
          </p>
          <ul className="import-errors">
            {problems.slice(0, LISTED).map((problem) => (
              <li key={`${String(problem.line)}-${problem.message}`}>
                Line {problem.line}: {problem.message}
              </li>
            ))}
            {problems.length > LISTED && (
              <li>…and {(problems.length - LISTED).toLocaleString()} more.</li>
            )}
          </ul>
        </>
      )}
    </div>
  );
}
