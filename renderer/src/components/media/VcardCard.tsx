import { useEffect, useState } from 'react';
import type { ImportReport } from '../../../../shared/protocol/commands';
import { formatBytes, type MediaSnapshot } from '../../../../shared/protocol/media';
import { mediaPath } from '../../../../shared/ipc/media';
import { textdesk } from '../../api';
import { parseVcard, type CardPerson } from '../../media/vcard';
import { downloadName } from './pictures';

type Loaded =
  | { readonly state: 'loading' }
  | { readonly state: 'read'; readonly person: CardPerson }
  | { readonly state: 'unreadable' };

/** What adding a number did, in words. */
function addedText(report: ImportReport, name: string): string {
  const error = report.errors[0];
  if (error !== undefined) return error.message;
  if (report.created > 0) return `Added ${name === '' ? 'the contact' : name}.`;
  if (report.namesKept > 0) return 'Already a contact; their name was kept.';
  return 'Already a contact.';
}

/**
 * A contact card a customer sent: who and their numbers, read from the
 * card's text here (never shown as markup), and "Add as contact", which
 * adds the number the way an import of one row does: it never opts them in.
 */
export function VcardCard(props: { readonly media: MediaSnapshot }) {
  const { media } = props;
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [adding, setAdding] = useState(false);
  const [outcome, setOutcome] = useState<{ text: string; failed: boolean } | null>(null);

  useEffect(() => {
    let live = true;
    const read = async () => {
      try {
        const response = await fetch(mediaPath(media.id, 'original'));
        if (!response.ok) throw new Error(String(response.status));
        const person = parseVcard(await response.text());
        if (live) setLoaded(person === null ? { state: 'unreadable' } : { state: 'read', person });
      } catch {
        if (live) setLoaded({ state: 'unreadable' });
      }
    };
    void read();
    return () => {
      live = false;
    };
  }, [media.id]);

  const add = async (person: CardPerson, phone: string) => {
    setAdding(true);
    setOutcome(null);
    const result = await textdesk().commands.run({
      command: {
        type: 'contacts.import',
        rows: [{ line: 1, phone, ...(person.name !== '' && { name: person.name.slice(0, 200) }) }],
      },
    });
    setAdding(false);
    if (!result.ok) {
      setOutcome({ text: result.error.message, failed: true });
    } else if (result.value.state === 'queued') {
      setOutcome({ text: 'Offline: added when the connection is back.', failed: false });
    } else {
      const report = result.value.value as ImportReport;
      setOutcome({ text: addedText(report, person.name), failed: report.errors.length > 0 });
    }
  };

  const person = loaded.state === 'read' ? loaded.person : null;
  return (
    <div className="media-card vcard-card" role="group" aria-label="Contact card">
      <div className="media-card-icon" aria-hidden="true">
        👤
      </div>
      <div className="media-card-main">
        {loaded.state === 'loading' && <span className="muted">Reading the contact card…</span>}
        {loaded.state === 'unreadable' && (
          <span className="muted">This contact card could not be read.</span>
        )}
        {person !== null && (
          <>
            <strong className="media-card-name">
              {person.name === '' ? 'No name' : person.name}
            </strong>
            {person.phones.map((phone) => (
              <span key={phone} className="small">
                {phone}
              </span>
            ))}
            {person.emails.map((email) => (
              <span key={email} className="small muted">
                {email}
              </span>
            ))}
          </>
        )}
        <span className="media-card-actions">
          {person?.phones.map((phone, index) => (
            <button
              key={phone}
              type="button"
              className="button small"
              disabled={adding}
              onClick={() => void add(person, phone)}
            >
              {index === 0 ? 'Add as contact' : `Add ${phone}`}
            </button>
          ))}
          <a
            className="button small"
            href={mediaPath(media.id, 'original')}
            download={downloadName(media)}
          >
            Save card ({formatBytes(media.size)})
          </a>
        </span>
        {outcome !== null && (
          <span className={outcome.failed ? 'error small' : 'small'} role="status">
            {outcome.text}
          </span>
        )}
      </div>
    </div>
  );
}
