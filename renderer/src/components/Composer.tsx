import { type KeyboardEvent, type SubmitEvent, useRef, useState } from 'react';
import { sendGate } from '../../../shared/consent';
import { countSegments } from '../../../shared/sms/segments';
import { textdesk } from '../api';
import { LOCAL_ZONE, secondsAgo } from '../format';
import { useStore } from '../store';
import { TemplatePicker } from './TemplatePicker';

/** Someone else's reply this recent gets a warning before yours goes out. */
const RECENT_REPLY_MS = 30_000;
/** How often "typing" is said again while the agent keeps typing. */
const TYPING_REFRESH_MS = 3000;

type Mode = 'reply' | 'note';

function SegmentCounter(props: { readonly text: string }) {
  const count = countSegments(props.text);
  if (props.text === '') return null;
  const title =
    count.unicodeCharacter !== null
      ? `“${count.unicodeCharacter}” sends the text as Unicode: 70 characters per message instead of 160.`
      : undefined;
  return (
    <span className="segments muted small" title={title} data-testid="segments">
      {count.remaining} · {count.segments} {count.segments === 1 ? 'message' : 'messages'}
      {count.encoding === 'UCS-2' ? ' · Unicode' : ''}
    </span>
  );
}

/** Keyed by conversation in Thread, so its state (errors, warnings) starts afresh in each. */
export function Composer(props: { readonly onShowContact: () => void }) {
  const conversationId = useStore((state) => state.selectedId);
  const contact = useStore((state) => state.contactView?.contact ?? null);
  const me = useStore((state) => state.session?.user ?? null);
  const messages = useStore((state) => state.messages);
  const users = useStore((state) => state.account?.users);
  const run = useStore((state) => state.run);
  const draft = useStore((state) =>
    conversationId === null ? '' : (state.drafts[conversationId] ?? ''),
  );
  const saveDraft = useStore((state) => state.saveDraft);
  const [mode, setMode] = useState<Mode>('reply');
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const typingSaid = useRef(0);
  const box = useRef<HTMLTextAreaElement>(null);

  if (conversationId === null) return null;
  const gate =
    contact === null ? null : sendGate(contact, { kind: 'reply' }, { timeZone: LOCAL_ZONE });
  const refused = mode === 'reply' && gate !== null && !gate.allowed ? gate.reason : null;

  const setDraft = (text: string) => {
    saveDraft(conversationId, text);
    setError(null);
    const now = Date.now();
    if (text !== '' && now - typingSaid.current > TYPING_REFRESH_MS) {
      typingSaid.current = now;
      void textdesk().presence.set({ conversationId, typing: true });
    }
  };

  const stopTyping = () => {
    if (typingSaid.current === 0) return;
    typingSaid.current = 0;
    void textdesk().presence.set({ conversationId, typing: false });
  };

  /** Another person's reply in the last 30 seconds: who and when. */
  const recentReply = (): string | null => {
    const cutoff = Date.now() - RECENT_REPLY_MS;
    for (let i = messages.length - 1; i >= 0; i--) {
      const message = messages[i];
      if (message === undefined || Date.parse(message.createdAt) < cutoff) break;
      if (
        message.direction === 'outbound' &&
        message.authorId !== null &&
        message.authorId !== me?.id
      ) {
        const who = users?.find((user) => user.id === message.authorId)?.name ?? 'Someone';
        return `${who} replied ${secondsAgo(message.createdAt)}.`;
      }
    }
    return null;
  };

  const send = async (anyway: boolean) => {
    const body = draft.trim();
    if (body === '' || sending) return;
    if (mode === 'reply' && !anyway) {
      const recent = recentReply();
      if (recent !== null) {
        setConfirming(recent);
        return;
      }
    }
    setSending(true);
    setConfirming(null);
    const refusal = await run(
      mode === 'reply'
        ? { type: 'message.send', conversationId, body }
        : { type: 'note.add', conversationId, body },
    );
    setSending(false);
    if (refusal !== null) {
      setError(refusal);
      return;
    }
    stopTyping();
    saveDraft(conversationId, '');
    box.current?.focus();
  };

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void send(false);
  };

  const keyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send(false);
    }
    if (event.key === 'Escape') box.current?.blur();
  };

  return (
    <form className={`composer composer-${mode}`} onSubmit={submit} aria-label="Composer">
      <div className="composer-tabs" role="tablist" aria-label="Write">
        {(['reply', 'note'] as const).map((item) => (
          <button
            key={item}
            type="button"
            role="tab"
            aria-selected={mode === item}
            className={`tab${mode === item ? ' selected' : ''}`}
            onClick={() => {
              setMode(item);
              setError(null);
            }}
          >
            {item === 'reply' ? 'Reply' : 'Internal note'}
          </button>
        ))}
      </div>
      {refused !== null && (
        <div className="composer-refused" role="status" data-testid="composer-refused">
          <strong>{refused}</strong>
          <span>Texts cannot be sent to this contact.</span>
          <button type="button" className="link" onClick={props.onShowContact}>
            Open contact
          </button>
        </div>
      )}
      <textarea
        ref={box}
        id="composer-message"
        className="composer-input"
        aria-label="Message"
        placeholder={
          mode === 'reply'
            ? 'Write a reply… (Enter sends, Shift+Enter for a new line)'
            : 'A note only your team sees'
        }
        rows={3}
        maxLength={1600}
        disabled={refused !== null}
        value={refused !== null ? '' : draft}
        onChange={(event) => {
          setDraft(event.target.value);
        }}
        onKeyDown={keyDown}
        onBlur={stopTyping}
      />
      {confirming !== null && (
        <div className="composer-warning" role="alert">
          <span>{confirming} Send yours anyway?</span>
          <button type="button" className="button small primary" onClick={() => void send(true)}>
            Send anyway
          </button>
          <button
            type="button"
            className="button small"
            onClick={() => {
              setConfirming(null);
            }}
          >
            Cancel
          </button>
        </div>
      )}
      {error !== null && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
      <div className="composer-bar">
        {mode === 'reply' && refused === null && (
          <TemplatePicker
            onPick={(text) => {
              setDraft(text);
              box.current?.focus();
            }}
          />
        )}
        {mode === 'reply' && <SegmentCounter text={draft} />}
        <button
          type="submit"
          className="button primary"
          disabled={refused !== null || draft.trim() === '' || sending}
        >
          {mode === 'reply' ? 'Send' : 'Add note'}
        </button>
      </div>
    </form>
  );
}
