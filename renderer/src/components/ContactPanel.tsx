import { type SubmitEvent, useState } from 'react';
import { describeCreation } from '../../../shared/consent';
import type { ConsentEntrySnapshot } from '../../../shared/protocol/entities';
import { displayPhone, fullTime, LOCAL_ZONE, optedOutText } from '../format';
import { useStore } from '../store';
import { selectCountry, selectIsSupervisor } from '../store/sessionSlice';
import { Dialog } from './Dialog';

const SOURCES: Readonly<Record<string, string>> = {
  keyword: 'by text',
  link: 'with the opt-out link',
  carrier: 'with the carrier',
  manual: 'by hand',
  blocked: 'by blocking',
  import: 'by an import',
  inbound: 'by texting in',
  trigger: 'by an automatic reply',
};

/** One line of the consent history, in words. */
function historyLine(entry: ConsentEntrySnapshot, listName: (id: string) => string): string {
  const source = entry.source === null ? '' : ` ${SOURCES[entry.source] ?? entry.source}`;
  switch (entry.change) {
    case 'opted-out':
      return `Opted out${entry.word !== null ? ` (${entry.word})` : ''}${source}`;
    case 'opted-in':
      return `Opted in${entry.word !== null ? ` (${entry.word})` : ''}${source}`;
    case 'blocked':
      return 'Blocked';
    case 'unblocked':
      return 'Unblocked';
    case 'list-added':
      return `Added to ${entry.listId === null ? 'a list' : listName(entry.listId)}${source}`;
    case 'list-removed':
      return `Removed from ${entry.listId === null ? 'a list' : listName(entry.listId)}${source}`;
    case 'created':
      // How the contact came to be (R12), the day in the zone the panel's other dates are in.
      return describeCreation(entry, { timeZone: LOCAL_ZONE });
    default:
      return entry.change;
  }
}

function actorName(actor: unknown): string | null {
  if (typeof actor !== 'object' || actor === null || !('kind' in actor)) return null;
  const kind = actor.kind;
  if (kind === 'user' && 'name' in actor) {
    const name = actor.name;
    return typeof name === 'string' && name !== '' ? name : 'A team member';
  }
  if (kind === 'contact') return 'The contact';
  if (kind === 'carrier') return 'The carrier';
  return 'Textdesk';
}

function NameField(props: { readonly contactId: string; readonly name: string }) {
  const act = useStore((state) => state.act);
  const [name, setName] = useState(props.name);
  const save = () => {
    if (name.trim() === props.name) return;
    void act({ type: 'contact.update', contactId: props.contactId, name: name.trim() });
  };
  return (
    <label className="field">
      <span>Name</span>
      <input
        className="text-input"
        value={name}
        maxLength={200}
        placeholder="Add a name"
        onChange={(event) => {
          setName(event.target.value);
        }}
        onBlur={save}
        onKeyDown={(event) => {
          if (event.key === 'Enter') event.currentTarget.blur();
        }}
      />
    </label>
  );
}

function OptInDialog(props: { readonly onDone: (note: string | null) => void }) {
  const [note, setNote] = useState('');
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (note.trim() !== '') props.onDone(note.trim());
  };
  return (
    <Dialog
      title="How did they agree to texts?"
      onCancel={() => {
        props.onDone(null);
      }}
    >
      <form onSubmit={submit}>
        <p className="muted">
          Opting someone in by hand needs their express consent. Say how they gave it; it is kept in
          their consent history with your name.
        </p>
        <label className="field">
          <span>How they consented</span>
          <textarea
            className="text-input"
            rows={3}
            maxLength={500}
            required
            placeholder="Asked on the phone on 23 Nov to get appointment texts"
            value={note}
            onChange={(event) => {
              setNote(event.target.value);
            }}
          />
        </label>
        <div className="actions">
          <button type="submit" className="button primary" disabled={note.trim() === ''}>
            Opt in
          </button>
          <button
            type="button"
            className="button"
            onClick={() => {
              props.onDone(null);
            }}
          >
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function BlockDialog(props: { readonly who: string; readonly onDone: (block: boolean) => void }) {
  return (
    <Dialog
      title={`Block ${props.who}?`}
      onCancel={() => {
        props.onDone(false);
      }}
    >
      <p>
        They will be <strong>opted out</strong> of all texts. Nothing will be sent to them, and what
        they send is kept aside for supervisors, out of the inbox.
      </p>
      <div className="actions">
        <button
          type="button"
          className="button danger"
          onClick={() => {
            props.onDone(true);
          }}
        >
          Block
        </button>
        <button
          type="button"
          className="button"
          onClick={() => {
            props.onDone(false);
          }}
        >
          Cancel
        </button>
      </div>
    </Dialog>
  );
}

/** The contact editor: name, number, consent, lists and the consent history. */
export function ContactPanel() {
  const view = useStore((state) => state.contactView);
  const lists = useStore((state) => state.account?.lists);
  const supervisor = useStore(selectIsSupervisor);
  const country = useStore(selectCountry);
  const act = useStore((state) => state.act);
  const [asking, setAsking] = useState<'opt-in' | 'block' | null>(null);

  if (view === null) return <aside className="contact-panel" aria-label="Contact" />;
  const { contact, history } = view;
  const phone = displayPhone(contact.phone, country);
  const listName = (id: string) => lists?.find((list) => list.id === id)?.name ?? 'a list';

  return (
    <aside className="contact-panel" aria-label="Contact">
      <h2 className="panel-title">Contact</h2>
      {/* Keyed by the stored name: a rename by someone else replaces what is shown. */}
      <NameField key={`${contact.id}:${contact.name}`} contactId={contact.id} name={contact.name} />
      <div className="field">
        <span>Number</span>
        <span className="phone" title={contact.phone}>
          {phone}
        </span>
      </div>

      <fieldset className="consent">
        <legend>Consent</legend>
        <label className="check">
          <input
            id="contact-opted-in"
            type="checkbox"
            checked={contact.optedIn}
            disabled={contact.blocked}
            aria-describedby="opted-in-help"
            onChange={(event) => {
              if (event.target.checked) setAsking('opt-in');
              else void act({ type: 'contact.optOut', contactId: contact.id });
            }}
          />
          Opted-in
        </label>
        <p id="opted-in-help" className="muted small">
          {contact.blocked
            ? 'Unblock first'
            : contact.optedIn
              ? 'May be texted.'
              : contact.optOut !== null
                ? optedOutText(contact.optOut)
                : 'Opted out.'}
        </p>
        <label className="check">
          <input
            type="checkbox"
            checked={contact.blocked}
            disabled={!supervisor}
            aria-describedby="blocked-help"
            onChange={(event) => {
              if (event.target.checked) setAsking('block');
              else void act({ type: 'contact.unblock', contactId: contact.id });
            }}
          />
          Blocked
        </label>
        <p id="blocked-help" className="muted small">
          {supervisor
            ? contact.blocked
              ? 'Their texts are quarantined. Unblocking leaves them opted out.'
              : 'Blocking opts them out and quarantines what they send.'
            : 'Only supervisors can block or unblock.'}
        </p>
      </fieldset>

      {lists !== undefined && lists.length > 0 && (
        <fieldset className="lists">
          <legend>Lists</legend>
          {lists.map((list) => (
            <label key={list.id} className="check">
              <input
                type="checkbox"
                checked={contact.lists.includes(list.id)}
                onChange={(event) =>
                  void act({
                    type: 'contact.lists',
                    contactId: contact.id,
                    listId: list.id,
                    member: event.target.checked,
                  })
                }
              />
              {list.name}
            </label>
          ))}
        </fieldset>
      )}

      <section className="history" aria-labelledby="history-title">
        <h3 id="history-title">Consent history</h3>
        {history.length === 0 ? (
          <p className="muted small">No changes yet.</p>
        ) : (
          <ol className="timeline">
            {history.map((entry, index) => (
              <li key={`${entry.at}-${String(index)}`}>
                <div>{historyLine(entry, listName)}</div>
                <div className="muted small">
                  {[actorName(entry.actor), fullTime(entry.at)].filter(Boolean).join(' · ')}
                </div>
                {entry.text !== null && <div className="quote small">“{entry.text}”</div>}
              </li>
            ))}
          </ol>
        )}
      </section>

      {asking === 'opt-in' && (
        <OptInDialog
          onDone={(note) => {
            setAsking(null);
            if (note !== null) void act({ type: 'contact.optIn', contactId: contact.id, note });
          }}
        />
      )}
      {asking === 'block' && (
        <BlockDialog
          who={contact.name === '' ? phone : contact.name}
          onDone={(block) => {
            setAsking(null);
            if (block) void act({ type: 'contact.block', contactId: contact.id });
          }}
        />
      )}
    </aside>
  );
}
