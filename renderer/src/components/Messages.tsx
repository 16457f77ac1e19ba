import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { DEFAULT_QUIET_HOURS, type QuietHours } from '../../../shared/consent';
import type { MessageView } from '../../../shared/ipc';
import type { MediaSnapshot } from '../../../shared/protocol/media';
import { fullTime, messageTime } from '../format';
import { billedAs } from '../media/billing';
import { scheduledQuietNote } from '../quietHours';
import { useStore } from '../store';
import { MediaViewer, type ViewerPicture } from './media/MediaViewer';
import { MessageMedia } from './media/MessageMedia';
import { isViewable } from './media/pictures';

const BILLED: ReadonlySet<MessageView['status']> = new Set([
  'queued',
  'sending',
  'sent',
  'delivered',
]);

/** Messages from before media records, or from a cache not yet filled, carry none. */
const mediaOf = (message: MessageView): readonly MediaSnapshot[] =>
  (message as Partial<MessageView>).media ?? [];

/** What happened to a text that went (or was meant to go) out; `hours` is the account's sending window. */
function deliveryText(
  message: MessageView,
  hours: QuietHours,
): { text: string; failed: boolean } | null {
  if (message.local === 'outbox') return { text: 'Waiting to send', failed: false };
  if (message.local === 'cancelled') {
    return { text: `Not sent: ${message.errorMessage ?? 'refused'}`, failed: true };
  }
  switch (message.status) {
    case 'scheduled':
      return {
        text: `Scheduled${message.sendAt !== null ? ` for ${fullTime(message.sendAt)}` : ''} (${scheduledQuietNote(hours)})`,
        failed: false,
      };
    case 'queued':
    case 'sending':
      return { text: 'Sending…', failed: false };
    case 'sent':
      return { text: 'Sent', failed: false };
    case 'delivered':
      return { text: 'Delivered', failed: false };
    case 'undelivered':
    case 'failed':
      return {
        text: `Failed${message.errorMessage !== null ? `: ${message.errorMessage}` : ''}${message.errorCode !== null ? ` (${message.errorCode})` : ''}`,
        failed: true,
      };
    case 'refused':
      return { text: `Not sent: ${message.errorMessage ?? 'refused'}`, failed: true };
    default:
      return null;
  }
}

const Message = memo(function Message(props: {
  readonly message: MessageView;
  readonly focused: boolean;
  readonly author: string | null;
  readonly hours: QuietHours;
  readonly onReview: (message: MessageView, optOut: boolean) => void;
  readonly onOpenPicture: (media: MediaSnapshot) => void;
}) {
  const { message } = props;
  const media = mediaOf(message);
  if (message.direction === 'system') {
    return (
      <li className="message-system" data-message-id={message.id}>
        <span>{message.body}</span>
        <time dateTime={message.createdAt}> · {messageTime(message.createdAt)}</time>
      </li>
    );
  }
  const delivery = message.direction === 'outbound' ? deliveryText(message, props.hours) : null;
  // Only texts that left (or are leaving) are billed: not refused, scheduled or failed ones.
  const billed =
    message.direction === 'outbound' && message.local === null && BILLED.has(message.status)
      ? billedAs(message.body, media.length)
      : null;
  const by =
    message.direction === 'note'
      ? `Internal note · ${props.author ?? 'Someone'}`
      : message.direction === 'outbound'
        ? message.triggerId !== null
          ? 'Automatic reply'
          : (props.author ?? (message.authorId === null ? 'Sent by the API' : 'Someone'))
        : null;
  return (
    <li
      className={`message message-${message.direction}${message.status === 'quarantined' ? ' message-quarantined' : ''}${props.focused ? ' message-focused' : ''}`}
      data-message-id={message.id}
    >
      <div className="bubble">
        {by !== null && <div className="message-by">{by}</div>}
        <MessageMedia
          media={media}
          from={message.direction === 'inbound' ? 'customer' : 'team'}
          onOpen={props.onOpenPicture}
        />
        {/* Customers' words are text, never markup: React escapes them. */}
        {message.body !== '' && <div className="message-body">{message.body}</div>}
        <div className="message-meta">
          <time dateTime={message.createdAt} title={fullTime(message.createdAt)}>
            {messageTime(message.createdAt)}
          </time>
          {delivery !== null && (
            <span className={delivery.failed ? 'delivery failed' : 'delivery'}>
              {' · '}
              {delivery.text}
            </span>
          )}
          {billed !== null && (
            <span className="billed" title="How carriers bill this text">
              {' · '}
              {billed}
            </span>
          )}
          {message.status === 'quarantined' && <span> · Quarantined (blocked number)</span>}
        </div>
      </div>
      {message.possibleOptOut && message.direction === 'inbound' && (
        <div className="possible-opt-out" role="group" aria-label="Possible opt-out">
          <span>This may be a request to stop texting.</span>
          <button
            type="button"
            className="button small danger"
            onClick={() => {
              props.onReview(message, true);
            }}
          >
            Opt out
          </button>
          <button
            type="button"
            className="button small"
            onClick={() => {
              props.onReview(message, false);
            }}
          >
            Dismiss
          </button>
        </div>
      )}
    </li>
  );
});

/** The open conversation's messages, oldest first, kept scrolled to the newest. */
export function Messages(props: {
  readonly onReview: (message: MessageView, optOut: boolean) => void;
}) {
  const messages = useStore((state) => state.messages);
  const olderExist = useStore((state) => state.olderExist);
  const loadOlder = useStore((state) => state.loadOlder);
  const focusMessageId = useStore((state) => state.focusMessageId);
  const users = useStore((state) => state.account?.users);
  const me = useStore((state) => state.session?.user?.id);
  const hours = useStore((state) => state.account?.profile?.quietHours ?? DEFAULT_QUIET_HOURS);
  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const lastId = messages.at(-1)?.id;
  const [viewingId, setViewingId] = useState<string | null>(null);

  // Every picture in the loaded thread, oldest first: the viewer's ← and → go through them.
  const pictures = useMemo<ViewerPicture[]>(
    () =>
      messages.flatMap((message) =>
        mediaOf(message)
          .filter(isViewable)
          .map((media) => ({
            media,
            from: message.direction === 'inbound' ? ('customer' as const) : ('team' as const),
          })),
      ),
    [messages],
  );
  const openPicture = useCallback((media: MediaSnapshot) => {
    setViewingId(media.id);
  }, []);
  const viewing =
    viewingId === null ? -1 : pictures.findIndex((picture) => picture.media.id === viewingId);

  const last = messages.at(-1);
  const lastIsMine =
    last?.direction === 'outbound' && last.authorId !== null && last.authorId === me;
  // New texts scroll into view when the agent is at the bottom, not while they read back; their own always do.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (element === null || focusMessageId !== null) return;
    if (pinned.current || lastIsMine) {
      element.scrollTop = element.scrollHeight;
      pinned.current = true;
    }
  }, [lastId, focusMessageId, lastIsMine]);

  useEffect(() => {
    if (focusMessageId === null) return;
    const element = scroller.current?.querySelector(
      `[data-message-id="${CSS.escape(focusMessageId)}"]`,
    );
    element?.scrollIntoView({ block: 'center' });
  }, [focusMessageId, messages]);

  const authorName = (id: string | null) =>
    id === null ? null : (users?.find((user) => user.id === id)?.name ?? null);

  return (
    <div
      ref={scroller}
      className="messages-scroll"
      onScroll={(event) => {
        const element = event.currentTarget;
        pinned.current = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
      }}
    >
      {olderExist && (
        <button type="button" className="button small older" onClick={() => void loadOlder()}>
          Earlier messages
        </button>
      )}
      <ol className="messages" aria-label="Messages">
        {messages.map((message) => (
          <Message
            key={message.id}
            message={message}
            focused={message.id === focusMessageId}
            author={authorName(message.authorId)}
            hours={hours}
            onReview={props.onReview}
            onOpenPicture={openPicture}
          />
        ))}
      </ol>
      {viewing >= 0 && (
        <MediaViewer
          pictures={pictures}
          index={viewing}
          onIndex={(index) => {
            setViewingId(pictures[index]?.media.id ?? null);
          }}
          onClose={() => {
            setViewingId(null);
          }}
        />
      )}
    </div>
  );
}
