import { useEffect, useRef, useState } from 'react';
import type { SearchHit } from '../../../shared/ipc';
import { displayName, listTime } from '../format';
import { useStore } from '../store';
import { selectCountry } from '../store/sessionSlice';

/** The snippet with its matches marked, as text: never HTML from a customer. */
function Snippet(props: { readonly hit: SearchHit }) {
  const parts: { text: string; mark: boolean }[] = [];
  let at = 0;
  for (const [start, end] of props.hit.highlights) {
    if (start > at) parts.push({ text: props.hit.snippet.slice(at, start), mark: false });
    parts.push({ text: props.hit.snippet.slice(start, end), mark: true });
    at = end;
  }
  parts.push({ text: props.hit.snippet.slice(at), mark: false });
  return (
    <span className="snippet">
      {parts.map((part, index) =>
        part.mark ? <mark key={index}>{part.text}</mark> : <span key={index}>{part.text}</span>,
      )}
    </span>
  );
}

/** Search over messages, names and numbers (/ or Ctrl/Cmd+K); a hit opens the conversation at it. */
export function SearchDialog() {
  const open = useStore((state) => state.searchOpen);
  const setOpen = useStore((state) => state.openSearch);
  const query = useStore((state) => state.searchQuery);
  const hits = useStore((state) => state.searchHits);
  const error = useStore((state) => state.searchError);
  const search = useStore((state) => state.search);
  const openConversation = useStore((state) => state.openConversation);
  const country = useStore(selectCountry);
  const [active, setActive] = useState(0);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);

  const pick = (hit: SearchHit | undefined) => {
    if (hit === undefined || hit.conversationId === null) return;
    setOpen(false);
    void openConversation(hit.conversationId, {
      contactId: hit.contactId,
      ...(hit.messageId !== null && { messageId: hit.messageId }),
    });
  };

  return (
    <dialog
      ref={dialog}
      className="dialog search-dialog"
      aria-label="Search"
      onClose={() => {
        setOpen(false);
      }}
    >
      {open && (
        <>
          <input
            className="text-input search-input"
            type="search"
            aria-label="Search messages, names and numbers"
            placeholder="Search messages, names and numbers"
            autoFocus
            value={query}
            maxLength={200}
            onChange={(event) => {
              setActive(0);
              void search(event.target.value);
            }}
            onKeyDown={(event) => {
              if (event.key === 'ArrowDown') {
                event.preventDefault();
                setActive(Math.min(active + 1, hits.length - 1));
              } else if (event.key === 'ArrowUp') {
                event.preventDefault();
                setActive(Math.max(active - 1, 0));
              } else if (event.key === 'Enter') {
                event.preventDefault();
                pick(hits[active]);
              }
            }}
          />
          {error !== null && <p className="error small">{error}</p>}
          <ul className="search-results" role="listbox" aria-label="Search results">
            {hits.map((hit, index) => (
              <li
                key={`${hit.kind}-${hit.messageId ?? hit.contactId}`}
                role="option"
                aria-selected={index === active}
                className={`search-hit${index === active ? ' active' : ''}`}
                onMouseEnter={() => {
                  setActive(index);
                }}
                onClick={() => {
                  pick(hit);
                }}
              >
                <span className="search-hit-top">
                  <strong>{displayName(hit, country)}</strong>
                  <span className="muted small">
                    {hit.kind === 'contact' ? 'Contact' : listTime(hit.at)}
                  </span>
                </span>
                <Snippet hit={hit} />
              </li>
            ))}
          </ul>
          {query.trim() !== '' && hits.length === 0 && error === null && (
            <p className="muted small">No matches.</p>
          )}
        </>
      )}
    </dialog>
  );
}
