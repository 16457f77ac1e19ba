import type { StateCreator } from 'zustand';
import type {
  ConversationFilter,
  ConversationRow,
  InboxCounts,
  PageCursor,
} from '../../../shared/ipc';
import { textdesk } from '../api';
import type { Store } from './index';

/** What the conversation list shows: one of the filters, or the members of a list. */
export type InboxView =
  | { readonly kind: 'filter'; readonly filter: ConversationFilter }
  | { readonly kind: 'list'; readonly listId: string };

const PAGE = 100;
/** Rows re-read from the top when something changes; rows further down are re-read as they come into view again. */
const REFRESH_MAX = 500;

export interface InboxSlice {
  readonly view: InboxView;
  /** The conversations loaded so far, in list order. */
  readonly ids: readonly string[];
  readonly rows: Readonly<Record<string, ConversationRow>>;
  readonly next: PageCursor | null;
  readonly loadingMore: boolean;
  /** True once the first page of the current view has arrived. */
  readonly loaded: boolean;
  readonly counts: InboxCounts | null;
  showView: (view: InboxView) => void;
  loadMore: () => Promise<void>;
  /** Reads the loaded rows again from the cache (after changes), and the counts. */
  reloadInbox: () => Promise<void>;
  loadCounts: () => Promise<void>;
  resetInbox: () => void;
}

const viewQuery = (view: InboxView) =>
  view.kind === 'filter' ? { filter: view.filter } : { listId: view.listId };

const sameView = (a: InboxView, b: InboxView) =>
  a.kind === 'filter'
    ? b.kind === 'filter' && a.filter === b.filter
    : b.kind === 'list' && a.listId === b.listId;

export const createInboxSlice: StateCreator<Store, [], [], InboxSlice> = (set, get) => ({
  view: { kind: 'filter', filter: 'open' },
  ids: [],
  rows: {},
  next: null,
  loadingMore: false,
  loaded: false,
  counts: null,
  showView: (view) => {
    get().showScreen('inbox');
    if (sameView(view, get().view) && get().loaded) return;
    set({ view, ids: [], rows: {}, next: null, loaded: false, loadingMore: false });
    void get().reloadInbox();
  },
  loadMore: async () => {
    const { next, loadingMore, view } = get();
    if (next === null || loadingMore) return;
    set({ loadingMore: true });
    const result = await textdesk().inbox.conversations({
      ...viewQuery(view),
      after: next,
      limit: PAGE,
    });
    // The view changed meanwhile: this page belongs to another list.
    if (!sameView(view, get().view)) return;
    if (!result.ok) {
      set({ loadingMore: false });
      get().notify('error', result.error.message);
      return;
    }
    const rows = { ...get().rows };
    const ids = get().ids.filter((id) => !result.value.rows.some((row) => row.id === id));
    for (const row of result.value.rows) {
      rows[row.id] = row;
      ids.push(row.id);
    }
    set({ ids, rows, next: result.value.next, loadingMore: false });
  },
  reloadInbox: async () => {
    const { view, ids } = get();
    const limit = Math.min(Math.max(ids.length, PAGE), REFRESH_MAX);
    const [page] = await Promise.all([
      textdesk().inbox.conversations({ ...viewQuery(view), limit }),
      get().loadCounts(),
    ]);
    if (!sameView(view, get().view)) return;
    if (!page.ok) {
      get().notify('error', page.error.message);
      return;
    }
    const fresh = page.value.rows;
    const top = new Set(fresh.map((row) => row.id));
    // Rows past what was re-read stay as they were, less those that moved into the top.
    const tail = get()
      .ids.slice(limit)
      .filter((id) => !top.has(id));
    const rows: Record<string, ConversationRow> = {};
    for (const row of fresh) rows[row.id] = keep(get().rows[row.id], row);
    for (const id of tail) {
      const row = get().rows[id];
      if (row !== undefined) rows[id] = row;
    }
    set({
      ids: [...fresh.map((row) => row.id), ...tail],
      rows,
      next: tail.length > 0 ? get().next : page.value.next,
      loaded: true,
    });
  },
  loadCounts: async () => {
    const result = await textdesk().inbox.counts();
    if (result.ok) set({ counts: result.value });
  },
  resetInbox: () => {
    set({ ids: [], rows: {}, next: null, loaded: false, counts: null });
  },
});

/** The same object when nothing changed, so the row's component does not render again. */
function keep(before: ConversationRow | undefined, after: ConversationRow): ConversationRow {
  return before !== undefined && JSON.stringify(before) === JSON.stringify(after) ? before : after;
}
