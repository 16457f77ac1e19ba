import { type SubmitEvent, useState } from 'react';
import { useStore } from '../../store';

/** The choices admins are offered; the server takes any number of days from 1 to 3650. */
const CHOICES: readonly { readonly days: number | null; readonly label: string }[] = [
  { days: null, label: 'For good' },
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
  { days: 365, label: '1 year' },
  { days: 730, label: '2 years' },
];

const labelOf = (days: number | null): string =>
  CHOICES.find((choice) => choice.days === days)?.label ?? `${String(days)} days`;

function MediaRetentionForm(props: { readonly saved: number | null }) {
  const act = useStore((state) => state.act);
  const [days, setDays] = useState<number | null>(props.saved);
  const choices = CHOICES.some((choice) => choice.days === props.saved)
    ? CHOICES
    : [...CHOICES, { days: props.saved, label: labelOf(props.saved) }];

  const save = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void act(
      { type: 'account.update', mediaRetentionDays: days },
      'How long pictures and files are kept was saved.',
    );
  };

  return (
    <form onSubmit={save} aria-label="Pictures and files">
      <label className="field">
        <span>Keep pictures and files</span>
        <select
          className="text-input"
          value={days === null ? '' : String(days)}
          onChange={(event) => {
            setDays(event.target.value === '' ? null : Number(event.target.value));
          }}
        >
          {choices.map((choice) => (
            <option
              key={String(choice.days)}
              value={choice.days === null ? '' : String(choice.days)}
            >
              {choice.label}
            </option>
          ))}
        </select>
      </label>
      <p className="muted small" data-testid="media-retention-meaning">
        {days === null
          ? 'Pictures and files stay with their texts until the texts are deleted.'
          : `Pictures and files of texts older than ${labelOf(days)} are removed from the server and every computer; the texts stay and say the file is no longer kept.`}
      </p>
      <button type="submit" className="button primary" disabled={days === props.saved}>
        Save
      </button>
    </form>
  );
}

/** How long the account keeps the pictures and files of its texts, for admins. */
export function MediaRetention() {
  const saved = useStore((state) => state.account?.profile?.mediaRetentionDays ?? null);
  return (
    <section className="card" aria-labelledby="media-retention-title">
      <h2 id="media-retention-title">Pictures and files</h2>
      {/* Keyed by what is saved: a change another admin makes replaces what is shown. */}
      <MediaRetentionForm key={String(saved)} saved={saved} />
    </section>
  );
}
