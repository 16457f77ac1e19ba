import type {
  ConversationFilter,
  ConversationPage,
  ConversationRow,
  InboxCounts,
  PageCursor,
} from '../../../shared/ipc/views';
import type { Statement } from 'better-sqlite3';
import type { Role } from './meta';
import type { Database } from './migrations';
import { CONVERSATION_COLUMNS, type ConversationRecord, conversationRow } from './rows';
import type { ConversationQuery } from './types';

/**
 * Each filter as the index that holds it in inbox order: the first page is
 * one index range read backwards, whatever the inbox's size. INDEXED BY
 * pins the plan (a full sort of the inbox would still give right answers,
 * only slowly, so a planner change must fail loudly instead).
 */
const FILTERS: Record<ConversationFilter, { readonly index: string; readonly where: string }> = {
  open: { index: 'conversations_by_status', where: "blocked = 0 AND status = 'open'" },
  mine: {
    index: 'conversations_by_assignee',
    where: "blocked = 0 AND status = 'open' AND assignee_id = @me",
  },
  unassigned: {
    index: 'conversations_by_assignee',
    where: "blocked = 0 AND status = 'open' AND assignee_id IS NULL",
  },
  closed: { index: 'conversations_by_status', where: "blocked = 0 AND status = 'closed'" },
  'opted-out': { index: 'conversations_by_activity', where: 'blocked = 0 AND opted_in = 0' },
  blocked: { index: 'conversations_by_activity', where: 'blocked = 1' },
};

const AFTER = '(last_activity_at, id) < (@at, @id)';
const ORDER = 'ORDER BY last_activity_at DESC, id DESC LIMIT @limit';

/*
 * A list's page is found one of two ways. A small list: its members'
 * conversations, sorted (cost grows with the list). A large one: the inbox
 * in order, keeping members, until the page is full (cost grows with
 * inbox size ÷ list size). Up to this many members, the first is cheaper.
 */
const SMALL_LIST = 4096;

interface PageParams {
  readonly me: string | null;
  readonly list: string | null;
  readonly at: string | null;
  readonly id: string | null;
  readonly limit: number;
}

type PageStatement = Statement<[PageParams], ConversationRecord>;

function pageStatements(db: Database) {
  const prepare = (sql: string): PageStatement => db.prepare<[PageParams], ConversationRecord>(sql);
  const variants = (from: string, where: string) => ({
    first: prepare(`SELECT ${CONVERSATION_COLUMNS} FROM ${from} WHERE ${where} ${ORDER}`),
    after: prepare(
      `SELECT ${CONVERSATION_COLUMNS} FROM ${from} WHERE ${where} AND ${AFTER} ${ORDER}`,
    ),
  });
  const filters = Object.fromEntries(
    Object.entries(FILTERS).map(([name, { index, where }]) => [
      name,
      variants(`conversations INDEXED BY ${index}`, where),
    ]),
  ) as Record<ConversationFilter, ReturnType<typeof variants>>;
  return {
    filters,
    // CROSS JOIN keeps the members as the outer loop (the planner would walk the whole inbox).
    smallList: variants(
      `(SELECT c.* FROM contact_lists l
          CROSS JOIN conversations c INDEXED BY conversations_by_contact ON c.contact_id = l.contact_id
          WHERE l.list_id = @list)`,
      'blocked = 0',
    ),
    largeList: variants(
      'conversations INDEXED BY conversations_by_activity',
      `blocked = 0 AND EXISTS (SELECT 1 FROM contact_lists l
         WHERE l.list_id = @list AND l.contact_id = conversations.contact_id)`,
    ),
  };
}

export class Inbox {
  private readonly pages;
  private readonly statements;

  constructor(db: Database) {
    this.pages = pageStatements(db);
    this.statements = {
      row: db.prepare<[string], ConversationRecord>(
        `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE id = ?`,
      ),
      listSize: db.prepare<[string, number], { size: number }>(
        'SELECT count(*) AS size FROM (SELECT 1 FROM contact_lists WHERE list_id = ? LIMIT ?)',
      ),
      // The groups are few (statuses × consent × assignees): summing them is instant.
      counts: db.prepare<
        [string | null],
        {
          open: number;
          mine: number;
          unassigned: number;
          closed: number;
          opted_out: number;
          blocked: number;
          unread: number;
        }
      >(
        `SELECT
           coalesce(sum(conversations) FILTER (WHERE blocked = 0 AND status = 'open'), 0) AS open,
           coalesce(sum(conversations)
             FILTER (WHERE blocked = 0 AND status = 'open' AND assignee_id = ?), 0) AS mine,
           coalesce(sum(conversations)
             FILTER (WHERE blocked = 0 AND status = 'open' AND assignee_id = ''), 0) AS unassigned,
           coalesce(sum(conversations) FILTER (WHERE blocked = 0 AND status = 'closed'), 0) AS closed,
           coalesce(sum(conversations) FILTER (WHERE blocked = 0 AND opted_in = 0), 0) AS opted_out,
           coalesce(sum(conversations) FILTER (WHERE blocked = 1), 0) AS blocked,
           coalesce(sum(unread) FILTER (WHERE blocked = 0), 0) AS unread
         FROM conversation_groups`,
      ),
      lists: db.prepare<[], { id: string }>('SELECT id FROM lists'),
      listCounts: db.prepare<[], { id: string; count: number }>(
        'SELECT list_id AS id, conversations AS count FROM list_counts WHERE conversations > 0',
      ),
    };
  }

  conversations(query: ConversationQuery, me: string | null, role: Role): ConversationPage {
    const limit = Math.max(1, Math.floor(query.limit));
    const { filter } = query;
    if (filter === 'blocked' && role === 'agent') return { rows: [], next: null };
    let variants;
    let list: string | null = null;
    if (typeof filter === 'string') {
      variants = this.pages.filters[filter];
    } else {
      list = filter.listId;
      const size = this.statements.listSize.get(list, SMALL_LIST)?.size ?? 0;
      variants = size < SMALL_LIST ? this.pages.smallList : this.pages.largeList;
    }
    const after: PageCursor | undefined = query.after;
    const params: PageParams = {
      me,
      list,
      at: after?.lastActivityAt ?? null,
      id: after?.id ?? null,
      limit: limit + 1,
    };
    const records = (after === undefined ? variants.first : variants.after).all(params);
    const rows = records.slice(0, limit).map(conversationRow);
    const last = rows.at(-1);
    return {
      rows,
      next:
        records.length > limit && last !== undefined
          ? { lastActivityAt: last.lastActivityAt, id: last.id }
          : null,
    };
  }

  conversationRow(conversationId: string): ConversationRow | null {
    const record = this.statements.row.get(conversationId);
    return record === undefined ? null : conversationRow(record);
  }

  counts(me: string | null, role: Role): InboxCounts {
    const counts = this.statements.counts.get(me);
    const lists: Record<string, number> = {};
    for (const { id } of this.statements.lists.all()) lists[id] = 0;
    for (const { id, count } of this.statements.listCounts.all()) lists[id] = count;
    return {
      open: counts?.open ?? 0,
      mine: counts?.mine ?? 0,
      unassigned: counts?.unassigned ?? 0,
      closed: counts?.closed ?? 0,
      optedOut: counts?.opted_out ?? 0,
      blocked: role === 'agent' ? null : (counts?.blocked ?? 0),
      lists,
      unread: counts?.unread ?? 0,
    };
  }
}
