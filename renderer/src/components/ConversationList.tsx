import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import type { ConversationFilter } from '../../../shared/ipc';
import { displayName, initial, listTime } from '../format';
import { lastMessageText } from '../media/lastMessage';
import { useStore } from '../store';
import { selectCountry } from '../store/sessionSlice';

const ROW_HEIGHT = 76;

const EMPTY: Readonly<Record<ConversationFilter, string>> = {
  open: 'No open conversations. New texts land here.',
  mine: 'Nothing assigned to you. Press A in a conversation to take it.',
  unassigned: 'Every open conversation has someone on it.',
  closed: 'No closed conversations.',
  'opted-out': 'Nobody has opted out.',
  blocked: 'No blocked numbers.',
};

/** One row; it reads only its own conversation, so a change elsewhere does not render it. */
const ConversationItem = memo(function ConversationItem(props: {
  readonly id: string;
  readonly start: number;
}) {
  const row = useStore((state) => state.rows.get(props.id));
  const selected = useStore((state) => state.selectedId === props.id);
  const country = useStore(selectCountry);
  const me = useStore((state) => state.session?.user?.id);
  const assignee = useStore((state) =>
    row?.assigneeId == null
      ? null
      : (state.account?.users.find((user) => user.id === row.assigneeId)?.name ?? 'Someone'),
  );
  const open = useStore((state) => state.openConversation);
  if (row === undefined) return null;
  const name = displayName(row, country);
  const last = row.lastMessage;
  const prefix =
    last?.direction === 'outbound' ? 'You: ' : last?.direction === 'note' ? 'Note: ' : '';
  return (
    <div
      role="option"
      aria-selected={selected}
      aria-label={name}
      data-conversation-id={row.id}
      className={`conversation-item${selected ? ' selected' : ''}${row.unread > 0 ? ' unread' : ''}`}
      style={{ transform: `translateY(${String(props.start)}px)` }}
      onClick={() => void open(row.id)}
    >
      <span className={`avatar${row.blocked ? ' avatar-blocked' : ''}`} aria-hidden="true">
        {initial(row.name)}
      </span>
      <span className="conversation-main">
        <span className="conversation-top">
          <span className="conversation-name">{name}</span>
          <time className="conversation-time" dateTime={row.lastActivityAt}>
            {listTime(row.lastActivityAt)}
          </time>
        </span>
        <span className="conversation-bottom">
          <span className="conversation-preview">
            {last === null ? (
              <em className="muted">No messages</em>
            ) : (
              `${prefix}${lastMessageText(last)}`
            )}
          </span>
          {row.unread > 0 && (
            <span className="unread-badge" aria-label={`${String(row.unread)} unread`}>
              {row.unread}
            </span>
          )}
        </span>
        <span className="conversation-tags">
          {row.blocked ? (
            <span className="tag tag-danger">Blocked</span>
          ) : (
            !row.optedIn && <span className="tag tag-warn">Opted out</span>
          )}
          {row.status === 'closed' && <span className="tag">Closed</span>}
          {assignee !== null && (
            <span className="tag tag-muted">{row.assigneeId === me ? 'You' : assignee}</span>
          )}
        </span>
      </span>
    </div>
  );
});

function EmptyInbox() {
  const solo = useStore((state) => state.session?.mode === 'solo');
  const view = useStore((state) => state.view);
  const loaded = useStore((state) => state.loaded);
  if (!loaded) return <p className="empty muted">Loading…</p>;
  if (solo && view.kind === 'filter' && view.filter === 'open') {
    return (
      <div className="empty">
        <h2>No conversations yet</h2>
        <p className="muted">
          Text your business number from the phone simulator and the conversation appears here.
        </p>
        <button
          type="button"
          className="button primary"
          onClick={() => void window.textdesk.simulator.open()}
        >
          Open the phone simulator
        </button>
      </div>
    );
  }
  return (
    <p className="empty muted">
      {view.kind === 'filter' ? EMPTY[view.filter] : 'Nobody on this list has a conversation.'}
    </p>
  );
}

/** The conversation list: virtualized, so 100,000 conversations scroll like 10. */
export function ConversationList() {
  const ids = useStore((state) => state.ids);
  const more = useStore((state) => state.next !== null);
  const loadMore = useStore((state) => state.loadMore);
  const selectedId = useStore((state) => state.selectedId);
  const parent = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer's functions change under React Compiler's memoization; nothing here is compiled
  const virtualizer = useVirtualizer({
    count: ids.length,
    getScrollElement: () => parent.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;

  useEffect(() => {
    if (more && lastIndex >= ids.length - 20) void loadMore();
  }, [more, lastIndex, ids.length, loadMore]);

  // Keep the selected row in view when j/k moves it.
  useEffect(() => {
    if (selectedId === null) return;
    const index = ids.indexOf(selectedId);
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'auto' });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the selection moves
  }, [selectedId]);

  if (ids.length === 0) return <EmptyInbox />;
  return (
    <div ref={parent} className="conversation-scroll">
      <div
        role="listbox"
        aria-label="Conversations"
        className="conversation-list"
        style={{ height: `${String(virtualizer.getTotalSize())}px` }}
      >
        {items.map((item) => {
          const id = ids[item.index];
          return id === undefined ? null : <ConversationItem key={id} id={id} start={item.start} />;
        })}
      </div>
    </div>
  );
}
