import { useId } from 'react';
import { useStore } from '../store';

const KIND_LABELS = {
  'opt-out': 'Opt-out',
  'opt-in': 'Opt-in',
  trigger: 'Trigger',
  message: 'Message',
} as const;

/** "What happens if a customer texts…": how Textdesk reads a text, before anyone sends it. */
export function Explainer() {
  const inputId = useId();
  const text = useStore((state) => state.explainText);
  const explanation = useStore((state) => state.explanation);
  const error = useStore((state) => state.explainError);
  const explain = useStore((state) => state.explain);

  return (
    <section className="card" aria-labelledby={`${inputId}-title`}>
      <h2 id={`${inputId}-title`}>What happens if a customer texts…</h2>
      <label htmlFor={inputId} className="visually-hidden">
        Customer text
      </label>
      <input
        id={inputId}
        className="text-input"
        type="text"
        placeholder="Try STOP, HELP, “please stop texting me” or “Cancel my appointment”"
        value={text}
        maxLength={1600}
        autoComplete="off"
        onChange={(event) => void explain(event.target.value)}
      />
      <output className="explanation" aria-live="polite" data-testid="explanation">
        {error !== null ? (
          <span className="error">{error}</span>
        ) : explanation !== null ? (
          <>
            <span className={`badge badge-${explanation.kind}`}>
              {KIND_LABELS[explanation.kind]}
              {explanation.possibleOptOut ? ' · possible opt-out' : ''}
            </span>
            <span>{explanation.summary}</span>
          </>
        ) : (
          <span className="muted">Type a text to see how Textdesk reads it.</span>
        )}
      </output>
    </section>
  );
}
