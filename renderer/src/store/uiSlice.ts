import type { StateCreator } from 'zustand';
import type { SearchHit } from '../../../shared/ipc';
import type { Change } from '../../../shared/protocol/entities';
import { textdesk } from '../api';
import type { Store } from './index';

export type Theme = 'system' | 'light' | 'dark';

/** What the main area shows: the inbox, or one of the account's management screens. */
export type Screen = 'inbox' | 'lists' | 'campaigns' | 'triggers' | 'report' | 'settings';

export interface Notice {
  readonly id: number;
  readonly kind: 'error' | 'info';
  readonly text: string;
}

/** Who else is in a conversation, as main last said. */
export interface Presence {
  readonly userId: string;
  readonly name: string;
  readonly typing: boolean;
}

export interface UiSlice {
  readonly notices: readonly Notice[];
  readonly screen: Screen;
  /** Goes up each time stored changes are taken in: screens that read main directly read again. */
  readonly changeCount: number;
  showScreen: (screen: Screen) => void;
  readonly theme: Theme;
  readonly searchOpen: boolean;
  readonly searchQuery: string;
  readonly searchHits: readonly SearchHit[];
  readonly searchError: string | null;
  readonly presence: Readonly<Record<string, readonly Presence[]>>;
  /** Unsent replies, by conversation: switching away keeps what was typed. */
  readonly drafts: Readonly<Record<string, string>>;
  saveDraft: (conversationId: string, text: string) => void;
  notify: (kind: Notice['kind'], text: string) => void;
  dismissNotice: (id: number) => void;
  setTheme: (theme: Theme) => void;
  openSearch: (open: boolean) => void;
  search: (query: string) => Promise<void>;
  presenceChanged: (conversationId: string, people: readonly Presence[]) => void;
  /** Changes stored by the cache: re-read what they touch, at most a few times a second. */
  dataChanged: (changes: readonly Change[]) => void;
}

const THEME_KEY = 'textdesk.theme';
const REFRESH_MS = 120;
let noticeId = 0;

function savedTheme(): Theme {
  try {
    const saved = localStorage.getItem(THEME_KEY);
    return saved === 'light' || saved === 'dark' ? saved : 'system';
  } catch {
    return 'system';
  }
}

export const createUiSlice: StateCreator<Store, [], [], UiSlice> = (set, get) => {
  let pending: { inbox: boolean; thread: boolean; account: boolean } | null = null;
  const flush = () => {
    const work = pending;
    pending = null;
    if (work === null) return;
    set({ changeCount: get().changeCount + 1 });
    if (work.account) void get().loadAccount();
    if (work.inbox) void get().reloadInbox();
    if (work.thread) {
      void get()
        .reloadThread()
        .then(() => {
          get().markRead();
        });
    }
  };
  return {
    notices: [],
    screen: 'inbox',
    changeCount: 0,
    showScreen: (screen) => {
      set({ screen });
    },
    theme: savedTheme(),
    searchOpen: false,
    searchQuery: '',
    searchHits: [],
    searchError: null,
    presence: {},
    drafts: {},
    saveDraft: (conversationId, text) => {
      set({ drafts: { ...get().drafts, [conversationId]: text } });
    },
    notify: (kind, text) => {
      noticeId += 1;
      const id = noticeId;
      set({ notices: [...get().notices.slice(-2), { id, kind, text }] });
      setTimeout(() => {
        get().dismissNotice(id);
      }, 8000);
    },
    dismissNotice: (id) => {
      set({ notices: get().notices.filter((notice) => notice.id !== id) });
    },
    setTheme: (theme) => {
      try {
        localStorage.setItem(THEME_KEY, theme);
      } catch {
        // Private storage off: the choice lasts until the window closes.
      }
      set({ theme });
    },
    openSearch: (open) => {
      set({ searchOpen: open });
    },
    search: async (query) => {
      set({ searchQuery: query });
      if (query.trim() === '') {
        set({ searchHits: [], searchError: null });
        return;
      }
      const result = await textdesk().inbox.search({ query, limit: 50 });
      // Answers can overtake each other while someone types: keep the latest.
      if (get().searchQuery !== query) return;
      set(
        result.ok
          ? { searchHits: result.value, searchError: null }
          : { searchHits: [], searchError: result.error.message },
      );
    },
    presenceChanged: (conversationId, people) => {
      set({ presence: { ...get().presence, [conversationId]: people } });
    },
    dataChanged: (changes) => {
      const work = pending ?? { inbox: false, thread: false, account: false };
      const open = get().selectedId;
      const contactId = get().contactView?.contact.id ?? get().selectedContactId;
      for (const change of changes) {
        switch (change.type) {
          case 'message.created':
          case 'message.updated':
            work.inbox = true;
            if (change.data.conversationId === open) work.thread = true;
            break;
          case 'conversation.updated':
            work.inbox = true;
            if (change.data.id === open) work.thread = true;
            break;
          case 'conversation.read':
            work.inbox = true;
            break;
          case 'contact.updated':
            work.inbox = true;
            if (change.data.id === contactId) work.thread = true;
            break;
          case 'consent.recorded':
            if (change.data.contactId === contactId) work.thread = true;
            break;
          default:
            work.account = true;
            work.inbox = true;
        }
      }
      if (pending === null) setTimeout(flush, REFRESH_MS);
      pending = work;
    },
  };
};
