import { useEffect, useState } from 'react';
import type { SessionInfo } from '../../../../shared/protocol/access';
import { textdesk } from '../../api';
import { fullTime } from '../../format';
import { useStore } from '../../store';
import { Dialog } from '../Dialog';

/** What is asked before ending: one session (by id) or all of them. */
type Ending = { readonly sessionId: string } | { readonly all: true };

/**
 * A person's sessions (device, address, created, last used), each with End,
 * and End all, for admins. Ending one's own session here signs this desktop out.
 */
export function SessionsDialog(props: {
  readonly user: { readonly id: string; readonly name: string };
  readonly onClose: () => void;
}) {
  const notify = useStore((state) => state.notify);
  const me = useStore((state) => state.session?.user?.id);
  const mine = props.user.id === me;
  const [sessions, setSessions] = useState<readonly SessionInfo[] | null>(null);
  const [ending, setEnding] = useState<Ending | null>(null);

  const [version, setVersion] = useState(0);

  useEffect(() => {
    void textdesk()
      .admin.sessions({ userId: props.user.id })
      .then((result) => {
        if (result.ok) setSessions(result.value);
        else notify('error', result.error.message);
      });
  }, [props.user.id, version, notify]);

  const end = async (which: Ending) => {
    setEnding(null);
    const result = await textdesk().admin.endSessions(
      'all' in which ? { userId: props.user.id } : { sessionId: which.sessionId },
    );
    if (!result.ok) {
      notify('error', result.error.message);
      return;
    }
    if (result.value.signedOut) {
      notify('info', 'Your session on this desktop was ended: you are signed out.');
      props.onClose();
      return;
    }
    const count = result.value.ended.length;
    notify(
      'info',
      count === 1
        ? `One session of ${props.user.name} ended.`
        : `${String(count)} sessions of ${props.user.name} ended.`,
    );
    setVersion((seen) => seen + 1);
  };

  const question =
    ending === null
      ? ''
      : 'all' in ending
        ? mine
          ? 'End all your sessions? This signs you out of this desktop too, and every other one.'
          : `End all of ${props.user.name}’s sessions? Every desktop of theirs must sign in again.`
        : mine
          ? 'End this session? If it is this desktop’s, you will be signed out.'
          : `End this session? That desktop of ${props.user.name}’s must sign in again.`;

  return (
    <Dialog title={`Sessions of ${props.user.name}`} onCancel={props.onClose}>
      {mine && (
        <p className="muted small">One of these is this desktop: ending it signs you out here.</p>
      )}
      {sessions === null || sessions.length === 0 ? (
        <p className="muted small">
          {sessions === null ? 'Loading…' : 'No sessions: signed out everywhere.'}
        </p>
      ) : (
        <table className="table" aria-label="Sessions">
          <thead>
            <tr>
              <th>Device</th>
              <th>Address</th>
              <th>Created</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {sessions.map((session) => (
              <tr key={session.id}>
                <td>{session.userAgent ?? 'Unknown'}</td>
                <td>{session.address ?? 'Unknown'}</td>
                <td>{fullTime(session.createdAt)}</td>
                <td>{fullTime(session.lastUsedAt)}</td>
                <td>
                  <button
                    type="button"
                    className="button small danger"
                    onClick={() => {
                      setEnding({ sessionId: session.id });
                    }}
                  >
                    End
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {ending !== null && (
        <div className="warning-box" role="alertdialog" aria-label="End sessions">
          <p>{question}</p>
          <div className="actions-inline">
            <button type="button" className="button small danger" onClick={() => void end(ending)}>
              {'all' in ending ? 'End all' : 'End session'}
            </button>
            <button
              type="button"
              className="button small"
              onClick={() => {
                setEnding(null);
              }}
            >
              Keep
            </button>
          </div>
        </div>
      )}
      <div className="actions">
        {sessions !== null && sessions.length > 0 && (
          <button
            type="button"
            className="button danger"
            onClick={() => {
              setEnding({ all: true });
            }}
          >
            End all
          </button>
        )}
        <button type="button" className="button" onClick={props.onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
