import { useEffect, useState } from 'react';
import type { IpcOutput } from '../../../../shared/ipc';
import { textdesk } from '../../api';
import { download } from '../../download';
import { displayName, fullTime } from '../../format';
import { useStore } from '../../store';
import { selectCountry } from '../../store/sessionSlice';
import { OptOutWebhook } from './SettingsScreen';

type Report = IpcOutput<'reports.optOuts'>;
type Source = keyof Report['days'][number]['bySource'];

const SOURCES: readonly {
  readonly source: Source;
  readonly label: string;
  readonly color: string;
}[] = [
  { source: 'keyword', label: 'By text', color: '#2457d6' },
  { source: 'link', label: 'Opt-out link', color: '#0f9d8a' },
  { source: 'carrier', label: 'Carrier', color: '#8a5a00' },
  { source: 'manual', label: 'By hand', color: '#7b4bd6' },
  { source: 'blocked', label: 'Blocked', color: '#b42318' },
  { source: 'import', label: 'Import', color: '#5d636f' },
];
const PERIODS = [7, 30, 90] as const;

/** Opt-outs per day, stacked by source: an SVG drawn from numbers, no chart library needed. */
function Chart(props: { readonly days: Report['days'] }) {
  const totals = props.days.map((day) =>
    SOURCES.reduce((sum, s) => sum + day.bySource[s.source], 0),
  );
  const max = Math.max(1, ...totals);
  const width = 720;
  const height = 160;
  const bar = width / Math.max(1, props.days.length);
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${String(width)} ${String(height + 20)}`}
        role="img"
        aria-label={`Opt-outs per day: ${String(totals.reduce((a, b) => a + b, 0))} in ${String(props.days.length)} days`}
      >
        {props.days.map((day, index) => {
          let y = height;
          return (
            <g key={day.day}>
              <title>
                {day.day}:{' '}
                {SOURCES.filter((s) => day.bySource[s.source] > 0)
                  .map((s) => `${s.label} ${String(day.bySource[s.source])}`)
                  .join(', ') || 'none'}
              </title>
              {SOURCES.map((s) => {
                const h = (day.bySource[s.source] / max) * height;
                y -= h;
                return h === 0 ? null : (
                  <rect
                    key={s.source}
                    x={index * bar + 1}
                    y={y}
                    width={Math.max(1, bar - 2)}
                    height={h}
                    fill={s.color}
                  />
                );
              })}
            </g>
          );
        })}
        <line x1={0} x2={width} y1={height} y2={height} stroke="currentColor" opacity={0.3} />
        <text x={0} y={height + 15} fontSize={11} fill="currentColor">
          {props.days[0]?.day}
        </text>
        <text x={width} y={height + 15} fontSize={11} fill="currentColor" textAnchor="end">
          {props.days.at(-1)?.day}
        </text>
      </svg>
      <figcaption className="legend">
        {SOURCES.map((s) => (
          <span key={s.source}>
            <i style={{ background: s.color }} aria-hidden="true" /> {s.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** Who opted out, when and how, over a period; exportable as evidence. */
export function ReportScreen() {
  const country = useStore(selectCountry);
  const notify = useStore((state) => state.notify);
  const admin = useStore((state) => state.session?.user?.role === 'admin');
  const changes = useStore((state) => state.changeCount);
  const [days, setDays] = useState<(typeof PERIODS)[number]>(30);
  const [report, setReport] = useState<Report | null>(null);

  useEffect(() => {
    void textdesk()
      .reports.optOuts({ days })
      .then((result) => {
        if (result.ok) setReport(result.value);
      });
  }, [days, changes]);

  const exportCsv = async () => {
    const result = await textdesk().reports.exportOptOutsCsv({ days });
    if (result.ok) download(result.value.filename, result.value.csv);
    else notify('error', result.error.message);
  };

  const label = (source: string) => SOURCES.find((s) => s.source === source)?.label ?? source;
  return (
    <div className="screen-body">
      <div className="row">
        <label className="small">
          Period{' '}
          <select
            value={days}
            onChange={(event) => {
              setDays(Number(event.target.value) as (typeof PERIODS)[number]);
            }}
          >
            {PERIODS.map((period) => (
              <option key={period} value={period}>
                Last {period} days
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button small" onClick={() => void exportCsv()}>
          Export CSV
        </button>
      </div>
      {report !== null && (
        <>
          <Chart days={report.days} />
          <table className="table" aria-label="Opt-outs">
            <thead>
              <tr>
                <th>When</th>
                <th>Contact</th>
                <th>How</th>
                <th>What they said, or the note</th>
                <th>By</th>
              </tr>
            </thead>
            <tbody>
              {report.rows.length === 0 && (
                <tr>
                  <td colSpan={5} className="muted">
                    Nobody opted out in this period.
                  </td>
                </tr>
              )}
              {report.rows.map((row, index) => (
                <tr key={`${row.contactId}-${row.at}-${String(index)}`}>
                  <td>{fullTime(row.at)}</td>
                  <td>{displayName(row, country)}</td>
                  <td>
                    {label(row.source)}
                    {row.word !== null && ` (${row.word})`}
                  </td>
                  <td>{row.text ?? ''}</td>
                  <td>{row.by ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {admin && <OptOutWebhook />}
    </div>
  );
}
