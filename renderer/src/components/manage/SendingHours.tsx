import { type SubmitEvent, useState } from 'react';
import {
  DEFAULT_QUIET_HOURS,
  normalizeQuietHours,
  type QuietHours,
  quietHoursProblem,
  type Weekday,
  WEEKDAYS,
} from '../../../../shared/consent';
import { useStore } from '../../store';
import { sendingHoursSentence } from '../../quietHours';

const DAY_NAMES: Readonly<Record<Weekday, string>> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

function SendingHoursForm(props: { readonly saved: QuietHours }) {
  const act = useStore((state) => state.act);
  const [hours, setHours] = useState<QuietHours>(props.saved);
  const problem = quietHoursProblem(hours);
  const edited = JSON.stringify(normalizeQuietHours(hours)) !== JSON.stringify(props.saved);

  const toggle = (day: Weekday, on: boolean) => {
    setHours({ ...hours, days: on ? [...hours.days, day] : hours.days.filter((d) => d !== day) });
  };

  const save = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    // The server checks the same; a window that cannot be right is never sent.
    if (quietHoursProblem(hours) !== null) return;
    void act(
      { type: 'account.update', quietHours: normalizeQuietHours(hours) },
      'Sending hours saved.',
    );
  };

  return (
    <form onSubmit={save} aria-label="Sending hours">
      <div className="form-grid">
        <label className="field">
          <span>Texts start going out at</span>
          <input
            className="text-input"
            type="time"
            required
            value={hours.start}
            onChange={(event) => {
              setHours({ ...hours, start: event.target.value });
            }}
          />
        </label>
        <label className="field">
          <span>and stop at</span>
          <input
            className="text-input"
            type="time"
            required
            value={hours.end}
            onChange={(event) => {
              setHours({ ...hours, end: event.target.value });
            }}
          />
        </label>
      </div>
      <fieldset className="purpose">
        <legend>On</legend>
        {WEEKDAYS.map((day) => (
          <label key={day} className="check">
            <input
              type="checkbox"
              checked={hours.days.includes(day)}
              onChange={(event) => {
                toggle(day, event.target.checked);
              }}
            />
            {DAY_NAMES[day]}
          </label>
        ))}
      </fieldset>
      {problem === null ? (
        <p className="muted small" data-testid="sending-hours-meaning">
          {sendingHoursSentence(hours)}
        </p>
      ) : (
        <p className="error small" role="alert">
          {problem}
        </p>
      )}
      <button type="submit" className="button primary" disabled={problem !== null || !edited}>
        Save sending hours
      </button>
    </form>
  );
}

/**
 * When campaigns and scheduled texts may go out (quiet hours), for admins:
 * start, end and days, in each customer's own zone, with what it means.
 */
export function SendingHours() {
  const saved = useStore((state) => state.account?.profile?.quietHours ?? DEFAULT_QUIET_HOURS);
  return (
    <section className="card" aria-labelledby="sending-hours-title">
      <h2 id="sending-hours-title">Sending hours</h2>
      {/* Keyed by what is saved: a change another admin makes replaces what is shown. */}
      <SendingHoursForm key={JSON.stringify(saved)} saved={saved} />
    </section>
  );
}
