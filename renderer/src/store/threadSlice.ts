import type { StateCreator } from 'zustand';
import type { ContactView, ConversationRow, MessageView } from '../../../shared/ipc';
import type { Command } from '../../../shared/protocol/commands';
import { textdesk } from '../api';
import type { Store } from './index';

const PAGE = 200;

export interface ThreadSlice {
  readonly selectedId: string | null;
  /** The open conversation's row, read on its own: it may be in no loaded list (search, notifications). */
  readonly conversation: ConversationRow | null;
  /** Oldest first. */
  readonly messages: readonly MessageView[];
  readonly olderExist: boolean;
  readonly contactView: ContactView | null;
  /** The open conversation's contact (known before its row is loaded, as from a search hit). */
  readonly selectedContactId: string | null;
  /** A search hit to scroll to and mark. */
  readonly focusMessageId: string | null;
  openConversation: (
    conversationId: string | null,
    options?: { readonly messageId?: string; readonly contactId?: string },
  ) => Promise<void>;
  loadOlder: () => Promise<void>;
  /** Reads the open conversation and its contact again (after changes). */
  reloadThread: () => Promise<void>;
  /**
   * Runs a protocol command through main (which checks roles and the send
   * gate first). Returns the refusal's sentence, or null when it was done
   * or queued for when the connection is back.
   */
  run: (command: Command) => Promise<string | null>;
  /**
   * The same, answering with the server's answer too: `value` is undefined
   * while the command waits in the outbox.
   */
  runForValue: (
    command: Command,
  ) => Promise<{ readonly refusal: string } | { readonly value: unknown }>;
  /**
   * The same, for actions with no form to show a refusal in: the refusal
   * becomes a notice, and `done` one too when it worked. Answers null when
   * refused, else `{ value }`: the server's answer, undefined while queued.
   */
  act: (command: Command, done?: string) => Promise<{ readonly value: unknown } | null>;
  /** Marks the open conversation read, if it has unread texts. */
  markRead: () => void;
}

export const createThreadSlice: StateCreator<Store, [], [], ThreadSlice> = (set, get) => ({
  selectedId: null,
  conversation: null,
  messages: [],
  olderExist: false,
  contactView: null,
  selectedContactId: null,
  focusMessageId: null,
  openConversation: async (conversationId, options = {}) => {
    if (conversationId !== null) get().showScreen('inbox');
    const changed = conversationId !== get().selectedId;
    set({
      selectedId: conversationId,
      focusMessageId: options.messageId ?? null,
      selectedContactId:
        options.contactId ??
        (conversationId === null ? null : (get().rows.get(conversationId)?.contactId ?? null)),
      ...(changed && {
        conversation: get().rows.get(conversationId ?? '') ?? null,
        messages: [],
        olderExist: false,
        contactView: null,
      }),
    });
    void textdesk().presence.set({ conversationId, typing: false });
    if (conversationId === null) return;
    await get().reloadThread();
    get().markRead();
  },
  loadOlder: async () => {
    const { selectedId, messages } = get();
    const first = messages[0];
    if (selectedId === null || first === undefined || !get().olderExist) return;
    const result = await textdesk().inbox.messages({
      conversationId: selectedId,
      before: { createdAt: first.createdAt, id: first.id },
      limit: PAGE,
    });
    if (!result.ok || get().selectedId !== selectedId) return;
    set({
      messages: [...result.value.messages, ...get().messages],
      olderExist: result.value.more,
    });
  },
  reloadThread: async () => {
    const conversationId = get().selectedId;
    if (conversationId === null) return;
    // However many older texts were loaded, read as many again (and what is new).
    const limit = Math.min(Math.max(get().messages.length + 20, PAGE), 500);
    const [row, messages] = await Promise.all([
      textdesk().inbox.conversation({ conversationId }),
      textdesk().inbox.messages({ conversationId, limit }),
    ]);
    const conversation = row.ok ? row.value : null;
    const contactId = conversation?.contactId ?? get().selectedContactId;
    const contact = contactId === null ? null : await textdesk().inbox.contact({ contactId });
    if (get().selectedId !== conversationId) return;
    if (!messages.ok) {
      get().notify('error', messages.error.message);
      return;
    }
    set({
      conversation,
      selectedContactId: contactId,
      messages: messages.value.messages,
      olderExist: messages.value.more,
      contactView: contact?.ok === true ? contact.value : null,
    });
  },
  run: async (command) => {
    const result = await textdesk().commands.run({ command });
    if (!result.ok) return result.error.message;
    if (result.value.state === 'queued') {
      get().notify('info', 'Offline: saved, and sent when the connection is back.');
    }
    return null;
  },
  runForValue: async (command) => {
    const result = await textdesk().commands.run({ command });
    if (!result.ok) return { refusal: result.error.message };
    if (result.value.state === 'queued') {
      get().notify('info', 'Offline: saved, and sent when the connection is back.');
      return { value: undefined };
    }
    return { value: result.value.value };
  },
  act: async (command, done) => {
    const result = await textdesk().commands.run({ command });
    if (!result.ok) {
      get().notify('error', result.error.message);
      return null;
    }
    if (result.value.state === 'queued') {
      get().notify('info', 'Offline: saved, and sent when the connection is back.');
      return { value: undefined };
    }
    if (done !== undefined) get().notify('info', done);
    return { value: result.value.value };
  },
  markRead: () => {
    const { selectedId, conversation } = get();
    if (selectedId === null || (conversation?.unread ?? 0) === 0) return;
    if (typeof document !== 'undefined' && !document.hasFocus()) return;
    void get().run({ type: 'conversation.read', conversationId: selectedId });
  },
});
