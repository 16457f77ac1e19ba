import { useEffect, useId } from 'react';
import { useStore } from './store';

const KIND_LABELS = {
  'opt-out': 'Opt-out',
  'opt-in': 'Opt-in',
  trigger: 'Trigger',
  message: 'Message',
} as const;

function Explainer() {
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

export function App() {
  const info = useStore((state) => state.info);
  const infoError = useStore((state) => state.infoError);
  const loadInfo = useStore((state) => state.loadInfo);

  useEffect(() => {
    void loadInfo();
  }, [loadInfo]);

  return (
    <div className="app">
      <header className="app-header">
        <h1>Textdesk</h1>
        <p className="muted" data-testid="app-info">
          {infoError ??
            (info === null ? 'Starting…' : `Version ${info.version} · ${info.platform}`)}
        </p>
      </header>
      <main className="app-main">
        <p className="lead">
          The shared inbox is on its way. Until then, check how Textdesk reads a customer’s text:
          opt-outs are honoured at once, and nothing is ever sent to someone who said stop.
        </p>
        <Explainer />
      </main>
    </div>
  );
}
