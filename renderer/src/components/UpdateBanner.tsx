import { useStore } from '../store';

/**
 * Shown while this desktop and the team's server cannot sync because one of
 * them is too old: who must update, in words. It stays until then; what is
 * on screen is what the desktop had, and texts sent meanwhile wait.
 */
export function UpdateBanner() {
  const sync = useStore((state) => state.sync);
  if (sync.state !== 'update-needed') return null;
  const waiting =
    sync.queued === 1 ? '1 text is waiting' : `${sync.queued.toLocaleString()} texts are waiting`;
  return (
    <div className="update-banner" role="alert" data-testid="update-banner">
      <strong>
        {sync.update === 'desktop' ? 'Update Textdesk' : 'Your team’s server needs an update'}
      </strong>
      <span>{sync.reason}</span>
      <span className="muted small">
        {sync.queued > 0
          ? `${waiting}: nothing is sent or received until then.`
          : 'Nothing is sent or received until then.'}
      </span>
    </div>
  );
}
