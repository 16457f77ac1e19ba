import type { MessageView } from '../../../shared/ipc';
import { displayName, displayPhone } from '../format';
import { useStore } from '../store';
import { selectCountry } from '../store/sessionSlice';
import { Composer } from './Composer';
import { Messages } from './Messages';

function Presence(props: { readonly conversationId: string }) {
  const people = useStore((state) => state.presence[props.conversationId]);
  if (people === undefined || people.length === 0) return null;
  const typing = people.filter((person) => person.typing).map((person) => person.name);
  const viewing = people.filter((person) => !person.typing).map((person) => person.name);
  const words = [
    typing.length > 0 ? `${typing.join(', ')} ${typing.length === 1 ? 'is' : 'are'} typing…` : '',
    viewing.length > 0
      ? `${viewing.join(', ')} ${viewing.length === 1 ? 'is' : 'are'} viewing`
      : '',
  ].filter(Boolean);
  return (
    <p className="presence" role="status" data-testid="presence">
      {words.join(' · ')}
    </p>
  );
}

function Header(props: { readonly conversationId: string }) {
  const row = useStore((state) => state.conversation ?? state.rows.get(props.conversationId));
  const contact = useStore((state) => state.contactView?.contact ?? null);
  const users = useStore((state) => state.account?.users);
  const me = useStore((state) => state.session?.user?.id);
  const country = useStore(selectCountry);
  const act = useStore((state) => state.act);
  const who = contact ?? row;
  if (who === undefined) return <header className="thread-header" />;
  const name = displayName(who, country);
  const status = row?.status;
  return (
    <header className="thread-header">
      <div className="thread-title">
        <h1>{name}</h1>
        {name !== displayPhone(who.phone, country) && (
          <span className="muted">{displayPhone(who.phone, country)}</span>
        )}
        <Presence conversationId={props.conversationId} />
      </div>
      <div className="thread-actions">
        <label className="small">
          <span className="visually-hidden">Assignee</span>
          <select
            aria-label="Assignee"
            value={row?.assigneeId ?? ''}
            onChange={(event) =>
              void act({
                type: 'conversation.assign',
                conversationId: props.conversationId,
                assigneeId: event.target.value === '' ? null : event.target.value,
              })
            }
          >
            <option value="">Unassigned</option>
            {users
              ?.filter((user) => !user.disabled || user.id === row?.assigneeId)
              .map((user) => (
                <option key={user.id} value={user.id}>
                  {user.id === me ? `${user.name || user.email} (you)` : user.name || user.email}
                </option>
              ))}
          </select>
        </label>
        {status === 'closed' ? (
          <button
            type="button"
            className="button small"
            onClick={() =>
              void act({ type: 'conversation.reopen', conversationId: props.conversationId })
            }
          >
            Reopen
          </button>
        ) : (
          <button
            type="button"
            className="button small"
            title="Close (E)"
            onClick={() =>
              void act({ type: 'conversation.close', conversationId: props.conversationId })
            }
          >
            Close
          </button>
        )}
      </div>
    </header>
  );
}

/** The open conversation: who, the messages, and the composer. */
export function Thread(props: { readonly onShowContact: () => void }) {
  const conversationId = useStore((state) => state.selectedId);
  const act = useStore((state) => state.act);
  if (conversationId === null) {
    return (
      <section className="thread thread-empty" aria-label="Conversation">
        <p className="muted">Pick a conversation, or press J to open the first one.</p>
      </section>
    );
  }
  const review = (message: MessageView, optOut: boolean) => {
    void act({ type: 'message.reviewOptOut', messageId: message.id, optOut });
  };
  return (
    <section className="thread" aria-label="Conversation">
      <Header conversationId={conversationId} />
      <Messages onReview={review} />
      <Composer key={conversationId} onShowContact={props.onShowContact} />
    </section>
  );
}
