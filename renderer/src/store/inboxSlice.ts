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
  /**
   * The loaded rows by id. Written in place (one Map per view), not copied:
   * copying 100,000 entries on every change took ~50 ms a time. A changed
   * row is a new object, so a component that selects `rows.get(id)` renders
   * again exactly when its own row changed; `rowsVersion` tells the store's
   * subscribers that something did.
   */
  readonly rows: ReadonlyMap<string, ConversationRow>;
  readonly rowsVersion: number;
  readonly next: PageCursor | null;
  readonly loadingMore: boolean;
  /** True once the first page of the current view has arrived. */
  readonly loaded: boolean;
  readonly counts: InboxCounts | null;
  showView: (view: InboxView) => void;
  loadMore: () => Promise<void>;
  /** Reads the loaded rows again from the cache (after changes), and the counts. */
  reloadInbox: () => Promise<void>;
  /**
   * Takes in the first `reread` rows of the list as read again (`fresh`):
   * changed rows are replaced, rows that left the top leave the view, rows
   * further down stay as they were.
   */
  applyTop: (fresh: readonly ConversationRow[], reread: number, next: PageCursor | null) => void;
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
  rows: new Map(),
  rowsVersion: 0,
  next: null,
  loadingMore: false,
  loaded: false,
  counts: null,
  showView: (view) => {
    get().showScreen('inbox');
    if (sameView(view, get().view) && get().loaded) return;
    set({ view, ids: [], rows: new Map(), next: null, loaded: false, loadingMore: false });
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
    const rows = writable(get().rows);
    const arrived = new Set(result.value.rows.map((row) => row.id));
    const ids = get().ids.filter((id) => !arrived.has(id));
    for (const row of result.value.rows) {
      rows.set(row.id, row);
      ids.push(row.id);
    }
    set({ ids, next: result.value.next, loadingMore: false, rowsVersion: get().rowsVersion + 1 });
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
    get().applyTop(page.value.rows, limit, page.value.next);
  },
  applyTop: (fresh, reread, next) => {
    const { ids } = get();
    const rows = writable(get().rows);
    const top = new Set(fresh.map((row) => row.id));
    // Rows past what was re-read stay as they were, less those that moved into the top.
    const tail = ids.slice(reread).filter((id) => !top.has(id));
    for (const id of ids.slice(0, reread)) if (!top.has(id)) rows.delete(id);
    for (const row of fresh) {
      const before = rows.get(row.id);
      if (before === undefined || !same(before, row)) rows.set(row.id, row);
    }
    set({
      ids: [...top, ...tail],
      rowsVersion: get().rowsVersion + 1,
      next: tail.length > 0 ? get().next : next,
      loaded: true,
    });
  },
  loadCounts: async () => {
    const result = await textdesk().inbox.counts();
    if (result.ok) set({ counts: result.value });
  },
  resetInbox: () => {
    set({ ids: [], rows: new Map(), next: null, loaded: false, counts: null });
  },
});

/**
 * Unchanged rows keep their object, so their components do not render
 * again. Field by field: serialising 500 rows twice per change cost more.
 */
function same(before: ConversationRow, after: ConversationRow): boolean {
  const a = before.lastMessage;
  const b = after.lastMessage;
  return (
    before.lastActivityAt === after.lastActivityAt &&
    before.unread === after.unread &&
    before.status === after.status &&
    before.assigneeId === after.assigneeId &&
    before.optedIn === after.optedIn &&
    before.blocked === after.blocked &&
    before.name === after.name &&
    before.phone === after.phone &&
    before.contactId === after.contactId &&
    (a === b ||
      (a !== null &&
        b !== null &&
        a.at === b.at &&
        a.body === b.body &&
        a.status === b.status &&
        a.direction === b.direction))
  );
}

/** The view's Map, which only this slice writes (see `rows`). */
const writable = (rows: ReadonlyMap<string, ConversationRow>) =>
  rows as Map<string, ConversationRow>;
