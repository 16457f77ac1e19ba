import { type ClipboardEvent, type KeyboardEvent, type SubmitEvent, useRef, useState } from 'react';
import { sendGate } from '../../../shared/consent';
import { ShrunkMediaSchema } from '../../../shared/protocol/commands';
import { textdesk } from '../api';
import { LOCAL_ZONE, secondsAgo } from '../format';
import { billingExplanation, billingLabel, billingOf, MMS_MAX_CHARACTERS } from '../media/billing';
import { checkSend, shrunkSentence } from '../media/limits';
import { useStore } from '../store';
import { useFilesDrop } from './fileDrop';
import { AttachmentStrip } from './media/AttachmentStrip';
import { useAttachments } from './media/useAttachments';
import { TemplatePicker } from './TemplatePicker';

/** Someone else's reply this recent gets a warning before yours goes out. */
const RECENT_REPLY_MS = 30_000;
/** How often "typing" is said again while the agent keeps typing. */
const TYPING_REFRESH_MS = 3000;

type Mode = 'reply' | 'note';

/** How the text will be billed: SMS segments (GSM-7 or UCS-2), or one MMS with files. */
function BillingCounter(props: { readonly text: string; readonly files: number }) {
  const billing = billingOf(props.text, props.files);
  if (billing.kind === 'none') return null;
  return (
    <span
      className={`segments small${billing.kind === 'mms' && billing.tooLong ? ' error' : ' muted'}`}
      title={billingExplanation(billing)}
      data-testid="segments"
    >
      {billingLabel(billing)}
    </span>
  );
}

/** Clipboard files, when what was copied is files only (a picture), not text that came with one. */
function pastedFiles(event: ClipboardEvent): File[] {
  const data = event.clipboardData;
  if (data.files.length === 0 || data.types.includes('text/plain')) return [];
  return Array.from(data.files);
}

/** Keyed by conversation in Thread, so its state (errors, warnings) starts afresh in each. */
export function Composer(props: { readonly onShowContact: () => void }) {
  const conversationId = useStore((state) => state.selectedId);
  const contact = useStore((state) => state.contactView?.contact ?? null);
  const me = useStore((state) => state.session?.user ?? null);
  const messages = useStore((state) => state.messages);
  const users = useStore((state) => state.account?.users);
  const run = useStore((state) => state.run);
  const runForValue = useStore((state) => state.runForValue);
  const notify = useStore((state) => state.notify);
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
  const picker = useRef<HTMLInputElement>(null);
  const attachments = useAttachments(conversationId);
  const gate =
    contact === null ? null : sendGate(contact, { kind: 'reply' }, { timeZone: LOCAL_ZONE });
  const refused = mode === 'reply' && gate !== null && !gate.allowed ? gate.reason : null;
  // Files go with replies only (a note is the team's), and never to someone the gate refuses.
  const canAttach = mode === 'reply' && refused === null;
  const drop = useFilesDrop(
    canAttach
      ? (files) => {
          attachments.add(files);
        }
      : undefined,
  );

  if (conversationId === null) return null;
  const files = mode === 'reply' ? attachments.items.length : 0;
  const limits = mode === 'reply' ? checkSend(attachments.staged) : { blocked: null, notice: null };
  const tooLong = files > 0 && draft.length > MMS_MAX_CHARACTERS;
  const blocked =
    limits.blocked ??
    (tooLong
      ? `One MMS carries at most ${String(MMS_MAX_CHARACTERS)} characters; shorten the text by ${String(draft.length - MMS_MAX_CHARACTERS)}.`
      : null);
  const empty = draft.trim() === '' && files === 0;

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
    if (empty || sending) return;
    if (mode === 'note' && body === '') return;
    if (mode === 'reply' && attachments.staging) {
      setError('Wait until the files are attached.');
      return;
    }
    if (mode === 'reply' && blocked !== null) {
      setError(blocked);
      return;
    }
    if (mode === 'reply' && !anyway) {
      const recent = recentReply();
      if (recent !== null) {
        setConfirming(recent);
        return;
      }
    }
    setSending(true);
    setConfirming(null);
    const mediaIds = attachments.staged.map((item) => item.id);
    if (mode === 'reply') {
      const outcome = await runForValue({
        type: 'message.send',
        conversationId,
        body,
        ...(mediaIds.length > 0 && { mediaIds }),
      });
      setSending(false);
      if ('refusal' in outcome) {
        setError(outcome.refusal);
        return;
      }
      attachments.sent();
      const shrunk = ShrunkMediaSchema.array().safeParse(
        (outcome.value as { readonly shrunk?: unknown } | undefined)?.shrunk ?? [],
      );
      const said = shrunkSentence(shrunk.success ? shrunk.data.length : 0);
      if (said !== null) notify('info', said);
    } else {
      const refusal = await run({ type: 'note.add', conversationId, body });
      setSending(false);
      if (refusal !== null) {
        setError(refusal);
        return;
      }
    }
    stopTyping();
    saveDraft(conversationId, '');
    box.current?.focus();
  };

  const attach = (picked: File[]) => {
    if (!canAttach || picked.length === 0) return;
    setError(null);
    attachments.add(picked);
  };

  const paste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    if (!canAttach) return;
    const pasted = pastedFiles(event);
    if (pasted.length === 0) return;
    event.preventDefault();
    attach(pasted);
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
    <form
      className={`composer composer-${mode}${drop.dragging ? ' drop-target' : ''}`}
      onSubmit={submit}
      aria-label="Composer"
      {...drop.handlers}
    >
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
        onPaste={paste}
        onBlur={stopTyping}
      />
      {mode === 'reply' && (
        <AttachmentStrip items={attachments.items} onRemove={attachments.remove} />
      )}
      {mode === 'reply' &&
        attachments.errors.map((text) => (
          <p key={text} className="error small" role="alert">
            {text}
          </p>
        ))}
      {mode === 'reply' && blocked !== null && (
        <p className="error small" role="alert" data-testid="attachments-blocked">
          {blocked}
        </p>
      )}
      {mode === 'reply' && blocked === null && limits.notice !== null && (
        <p className="composer-notice small" role="status" data-testid="attachments-notice">
          {limits.notice}
        </p>
      )}
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
        {canAttach && (
          <>
            <button
              type="button"
              className="button small attach-button"
              aria-label="Attach files"
              title="Attach pictures or files (or paste or drop them here)"
              onClick={() => picker.current?.click()}
            >
              <svg
                aria-hidden="true"
                width="16"
                height="16"
                viewBox="0 0 24 24"
                fill="none"
                stroke="currentColor"
                strokeWidth="2"
                strokeLinecap="round"
                strokeLinejoin="round"
              >
                <path d="M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5" />
              </svg>
            </button>
            <input
              ref={picker}
              type="file"
              multiple
              hidden
              aria-label="Files to attach"
              data-testid="attach-input"
              onChange={(event) => {
                attach(Array.from(event.target.files ?? []));
                // The same file may be picked again after it was removed.
                event.target.value = '';
              }}
            />
          </>
        )}
        {mode === 'reply' && refused === null && (
          <TemplatePicker
            onPick={(text) => {
              setDraft(text);
              box.current?.focus();
            }}
          />
        )}
        {mode === 'reply' && <BillingCounter text={draft} files={files} />}
        <button
          type="submit"
          className="button primary"
          disabled={
            refused !== null ||
            sending ||
            (mode === 'note'
              ? draft.trim() === ''
              : empty || attachments.staging || blocked !== null)
          }
        >
          {mode === 'reply' ? 'Send' : 'Add note'}
        </button>
      </div>
    </form>
  );
}
