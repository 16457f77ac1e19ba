import type { Statement } from 'better-sqlite3';
import type { KnownContact, MemberCursor, MemberPage, MemberRow } from '../../../shared/ipc/manage';
import type { ContactSnapshot } from '../../../shared/protocol/entities';
import type { Role } from './meta';
import type { Database } from './migrations';
import { parseJson } from './rows';

/**
 * List members and the Opt-Out List, a page at a time in name order (named
 * contacts first, case folded, then unnamed ones by number, then id), and
 * whole for export. The order is the contacts_by_name indexes' (migration 5),
 * so a page is one index range however deep it is. Agents never see
 * blocked contacts here (R3).
 */

export interface MemberQuery {
  /** A list's members; left out for every opted-out contact (the Opt-Out List). */
  readonly listId?: string | undefined;
  readonly after?: MemberCursor | undefined;
  readonly limit: number;
}

/** A contact as an export writes it: consent, and the names of the lists they are on. */
export interface ExportRow {
  readonly phone: string;
  readonly name: string;
  readonly optedIn: boolean;
  readonly blocked: boolean;
  readonly optOut: ContactSnapshot['optOut'];
  /** List names, in name order. */
  readonly lists: readonly string[];
}

interface MemberRecord {
  readonly id: string;
  readonly name: string;
  readonly phone: string;
  readonly opted_in: number;
  readonly blocked: number;
  readonly opt_out: string | null;
  readonly lists: string;
}

interface PageParams {
  readonly list: string | null;
  /** 1 to include blocked contacts (supervisors and admins), 0 for agents. */
  readonly all: 0 | 1;
  readonly unnamed: number;
  readonly name: string;
  readonly phone: string;
  readonly id: string;
  readonly limit: number;
}

const COLUMNS = 'k.id, k.name, k.phone, k.opted_in, k.blocked, k.opt_out, k.lists';
const ORDER = 'ORDER BY k.unnamed, k.sort_name, k.phone, k.id';
const AFTER = '(k.unnamed, k.sort_name, k.phone, k.id) > (@unnamed, @name, @phone, @id)';
const VISIBLE = '(@all = 1 OR k.blocked = 0)';
/** Before the first row: every contact sorts after it. */
const START = { unnamed: -1, name: '', phone: '', id: '' };

/*
 * As in the inbox: a small list sorts its members (cost grows with the
 * list), a large one walks every contact in order keeping members (cost
 * grows with contacts ÷ members). Up to this many members the first is cheaper.
 */
const SMALL_LIST = 4096;

export class Lists {
  private readonly statements;

  constructor(db: Database) {
    const page = (from: string, where: string): Statement<[PageParams], MemberRecord> =>
      db.prepare<[PageParams], MemberRecord>(
        `SELECT ${COLUMNS} FROM ${from} WHERE ${where} AND ${VISIBLE} AND ${AFTER} ${ORDER} LIMIT @limit`,
      );
    this.statements = {
      smallList: page(
        // CROSS JOIN keeps the members as the outer loop.
        'contact_lists l CROSS JOIN contacts k ON k.id = l.contact_id',
        'l.list_id = @list',
      ),
      largeList: page(
        'contacts k INDEXED BY contacts_by_name',
        `EXISTS (SELECT 1 FROM contact_lists l WHERE l.list_id = @list AND l.contact_id = k.id)`,
      ),
      optedOut: page('contacts k INDEXED BY contacts_opted_out_by_name', 'k.opted_in = 0'),
      listSize: db.prepare<[string, number], { size: number }>(
        'SELECT count(*) AS size FROM (SELECT 1 FROM contact_lists WHERE list_id = ? LIMIT ?)',
      ),
      countList: db.prepare<{ list: string; all: 0 | 1 }, { total: number }>(
        `SELECT count(*) AS total FROM contact_lists l CROSS JOIN contacts k ON k.id = l.contact_id
         WHERE l.list_id = @list AND ${VISIBLE}`,
      ),
      countOptedOut: db.prepare<{ all: 0 | 1 }, { total: number }>(
        `SELECT count(*) AS total FROM contacts k INDEXED BY contacts_opted_out_by_name
         WHERE k.opted_in = 0 AND ${VISIBLE}`,
      ),
      phoneOf: db.prepare<[string], { phone: string }>('SELECT phone FROM contacts WHERE id = ?'),
      list: db.prepare<[string], { name: string }>('SELECT name FROM lists WHERE id = ?'),
      sizes: db.prepare<{ all: 0 | 1 }, { id: string; size: number }>(
        `SELECT l.list_id AS id, count(*) AS size FROM contact_lists l
         CROSS JOIN contacts k ON k.id = l.contact_id WHERE ${VISIBLE} GROUP BY l.list_id`,
      ),
      sizesAll: db.prepare<[], { id: string; size: number }>(
        'SELECT list_id AS id, count(*) AS size FROM contact_lists GROUP BY list_id',
      ),
      // IN (…) over json_each: one pass over contacts against the numbers' own b-tree.
      known: db.prepare<[string], MemberRecord>(
        `SELECT ${COLUMNS} FROM contacts k WHERE k.phone IN (SELECT value FROM json_each(?))`,
      ),
      listNames: db.prepare<[], { id: string; name: string }>(
        'SELECT id, name FROM lists ORDER BY name COLLATE NOCASE, id',
      ),
    };
  }

  /** A page of a list's members, or of the Opt-Out List; null when the list is not known. */
  page(query: MemberQuery, role: Role): MemberPage | null {
    const all = role === 'agent' ? 0 : 1;
    const s = this.statements;
    if (query.listId !== undefined && s.list.get(query.listId) === undefined) return null;
    const params: PageParams = {
      list: query.listId ?? null,
      all,
      ...this.cursor(query.after),
      // One more than asked: whether a next page exists, without a query for an empty one.
      limit: query.limit + 1,
    };
    const records = this.statement(query.listId).all(params);
    const rows = records.slice(0, query.limit).map(memberRow);
    const last = rows.at(-1);
    const total =
      query.listId === undefined
        ? (s.countOptedOut.get({ all })?.total ?? 0)
        : (s.countList.get({ list: query.listId, all })?.total ?? 0);
    return {
      rows,
      next:
        records.length > query.limit && last !== undefined
          ? { name: last.name, id: last.contactId }
          : null,
      total,
    };
  }

  /**
   * Every row of a list, or of the Opt-Out List, in the same order, with the
   * names of the lists each contact is on; null when the list is not known.
   */
  exportRows(
    target: { readonly listId: string } | { readonly optOut: true },
    role: Role,
  ): { readonly listName: string | null; readonly rows: readonly ExportRow[] } | null {
    const listId = 'listId' in target ? target.listId : undefined;
    const listName = listId === undefined ? null : (this.statements.list.get(listId)?.name ?? null);
    if (listId !== undefined && listName === null) return null;
    const names = new Map(this.statements.listNames.all().map((list) => [list.id, list.name]));
    const order = [...names.keys()];
    const records = this.statement(listId).all({
      list: listId ?? null,
      all: role === 'agent' ? 0 : 1,
      ...START,
      limit: -1,
    });
    return {
      listName,
      rows: records.map((record) => {
        const member = memberRow(record);
        const on = new Set(parseJson(record.lists) as string[]);
        return {
          phone: member.phone,
          name: member.name,
          optedIn: member.optedIn,
          blocked: member.blocked,
          optOut: member.optOut,
          lists: order.filter((id) => on.has(id)).map((id) => names.get(id) ?? id),
        };
      }),
    };
  }

  /** Each list's member count; every list of the account is there, empty ones as 0. */
  sizes(role: Role): Record<string, number> {
    const sizes: Record<string, number> = {};
    for (const { id } of this.statements.listNames.all()) sizes[id] = 0;
    const counted =
      role === 'agent' ? this.statements.sizes.all({ all: 0 }) : this.statements.sizesAll.all();
    for (const { id, size } of counted) if (id in sizes) sizes[id] = size;
    return sizes;
  }

  /** The contacts with these numbers; blocked ones look merely opted out to agents (R3). */
  known(phones: readonly string[], role: Role): KnownContact[] {
    if (phones.length === 0) return [];
    return this.statements.known.all(JSON.stringify(phones)).map((record) => {
      const member = memberRow(record);
      const hidden = role === 'agent' && member.blocked;
      return {
        phone: member.phone,
        name: member.name,
        optedIn: member.optedIn,
        blocked: hidden ? false : member.blocked,
        optOut: hidden ? null : member.optOut,
      };
    });
  }

  private statement(listId: string | undefined): Statement<[PageParams], MemberRecord> {
    const s = this.statements;
    if (listId === undefined) return s.optedOut;
    const size = s.listSize.get(listId, SMALL_LIST + 1)?.size ?? 0;
    return size <= SMALL_LIST ? s.smallList : s.largeList;
  }

  /** Where a page starts: after the cursor's contact, whose number settles ties of name. */
  private cursor(after: MemberCursor | undefined) {
    if (after === undefined) return START;
    return {
      unnamed: after.name === '' ? 1 : 0,
      name: after.name,
      phone: this.statements.phoneOf.get(after.id)?.phone ?? '',
      id: after.id,
    };
  }
}

function memberRow(record: MemberRecord): MemberRow {
  return {
    contactId: record.id,
    name: record.name,
    phone: record.phone,
    optedIn: record.opted_in === 1,
    blocked: record.blocked === 1,
    optOut:
      record.opt_out === null ? null : (parseJson(record.opt_out) as ContactSnapshot['optOut']),
  };
}
