import { useEffect } from 'react';
import { useStore } from '../store';
import { Dialog } from './Dialog';
import { Explainer } from './Explainer';

const SHORTCUTS: readonly (readonly [string, string])[] = [
  ['J / K', 'Next / previous conversation'],
  ['R', 'Reply'],
  ['E', 'Close the conversation'],
  ['A', 'Assign to me'],
  ['/ or Ctrl+K', 'Search'],
  ['Esc', 'Leave the composer or a dialog'],
];

/** Help: the shortcuts, how texts are read, and the version. */
export function About(props: { readonly onClose: () => void }) {
  const info = useStore((state) => state.info);
  const infoError = useStore((state) => state.infoError);
  const loadInfo = useStore((state) => state.loadInfo);
  useEffect(() => {
    void loadInfo();
  }, [loadInfo]);
  return (
    <Dialog title="Help" onCancel={props.onClose}>
      <p className="muted" data-testid="app-info">
        {infoError ?? (info === null ? 'Starting…' : `Version ${info.version} · ${info.platform}`)}
      </p>
      <h3>Keyboard shortcuts</h3>
      <dl className="shortcuts">
        {SHORTCUTS.map(([keys, what]) => (
          <div key={keys}>
            <dt>
              <kbd>{keys}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <Explainer />
      <div className="actions">
        <button type="button" className="button" onClick={props.onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
