import type { SearchHit } from '../../../shared/ipc/views';
import type { Role } from './meta';
import type { Database } from './migrations';
import { parseMedia } from './rows';
import {
  ftsDigits,
  ftsWords,
  highlightDigits,
  highlightWords,
  parseQuery,
  type Range,
  snippet,
} from './searchText';

const MAX_HITS = 200;

interface MessageHitRecord {
  readonly id: string;
  readonly conversation_id: string;
  readonly body: string;
  readonly media: string;
  readonly created_at: string;
  readonly contact_id: string;
  readonly name: string;
  readonly phone: string;
}

interface ContactHitRecord {
  readonly id: string;
  readonly name: string;
  readonly phone: string;
  readonly updated_at: string;
  readonly conversation_id: string | null;
  readonly active_at: string | null;
}

/*
 * Contacts come newest first by their last conversation's activity, which
 * changes with every text: rather than move each contact in the index as
 * texts arrive (a third of the time a large catch-up took), the matches are
 * sorted as the query runs. Exact up to this many matching contacts; past
 * it (a prefix like "ma" or "555" in a large account), among the ones most
 * recently added.
 */
const CONTACT_CANDIDATES = 1000;

/*
 * Messages are keyed by time (timeKey.ts), so ORDER BY rowid DESC is the
 * index's own order: the search reads the newest matches and stops at the
 * limit, without sorting every match of a common word.
 */
const MESSAGES = (visible: string) => `
  SELECT m.id, m.conversation_id, m.body, m.media, m.created_at, c.contact_id, c.name, c.phone
  FROM messages_search s
  JOIN messages m ON m.rk = s.rowid
  JOIN conversations c ON c.id = m.conversation_id
  WHERE messages_search MATCH ? ${visible}
  ORDER BY s.rowid DESC LIMIT ?`;

const CONTACTS = (visible: string) => `
  SELECT k.id, k.name, k.phone, k.updated_at, c.id AS conversation_id,
    c.last_activity_at AS active_at
  FROM (SELECT rowid FROM contacts_search WHERE contacts_search MATCH ?
        ORDER BY rowid DESC LIMIT ${String(CONTACT_CANDIDATES)}) AS s
  JOIN contacts k ON k.search_key = s.rowid
  LEFT JOIN conversations c ON c.id = (
    SELECT id FROM conversations WHERE contact_id = k.id
    ORDER BY last_activity_at DESC, id DESC LIMIT 1)
  WHERE true ${visible}`;

/** Full-text search over message bodies and contacts' names and numbers, newest first. */
export class Search {
  private readonly statements;

  constructor(db: Database) {
    const messages = (visible: string) =>
      db.prepare<[string, number], MessageHitRecord>(MESSAGES(visible));
    const contacts = (visible: string) => db.prepare<[string], ContactHitRecord>(CONTACTS(visible));
    this.statements = {
      // Agents never see blocked contacts, nor the texts quarantined from them.
      agent: {
        messages: messages("AND m.status != 'quarantined' AND c.blocked = 0"),
        contacts: contacts('AND k.blocked = 0'),
      },
      everyone: { messages: messages(''), contacts: contacts('') },
    };
  }

  search(input: string, limit: number, role: Role): SearchHit[] {
    const count = Math.min(MAX_HITS, Math.max(1, Math.floor(limit)));
    const query = parseQuery(input);
    const statements = role === 'agent' ? this.statements.agent : this.statements.everyone;
    const hits: SearchHit[] = [];

    const messageQuery = ftsWords(query.words, 'messages');
    if (messageQuery !== null) {
      for (const row of statements.messages.all(messageQuery, count)) {
        hits.push({
          kind: 'message',
          conversationId: row.conversation_id,
          contactId: row.contact_id,
          messageId: row.id,
          name: row.name,
          phone: row.phone,
          ...messageSnippet(row, query.words),
          at: row.created_at,
        });
      }
    }

    const contactQuery =
      query.digits === null ? ftsWords(query.words, 'contacts') : ftsDigits(query.digits);
    if (contactQuery !== null) {
      const rows = statements.contacts
        .all(contactQuery)
        .map((row) => ({ row, at: row.active_at ?? row.updated_at }))
        .sort(newestFirst)
        .slice(0, count);
      for (const { row, at } of rows) {
        hits.push({
          kind: 'contact',
          conversationId: row.conversation_id,
          contactId: row.id,
          messageId: null,
          name: row.name,
          phone: row.phone,
          ...contactSnippet(row, query.words, query.digits),
          at,
        });
      }
    }

    // Each list is newest first; merge them (a stable sort keeps ties in that order).
    return hits.sort(newestFirst).slice(0, count);
  }
}

const newestFirst = (a: { readonly at: string }, b: { readonly at: string }) =>
  a.at < b.at ? 1 : a.at > b.at ? -1 : 0;

/**
 * The words around the match; when only a file's name matched, that name
 * ("📎 invoice_march.pdf"), with what matched in it marked.
 */
function messageSnippet(
  row: { readonly body: string; readonly media: string },
  words: readonly string[],
): { snippet: string; highlights: [number, number][] } {
  const inBody = highlightWords(row.body, words, 'messages');
  if (inBody.length > 0 || row.media === '[]') return snippet(row.body, inBody);
  for (const { filename } of parseMedia(row.media)) {
    if (filename === null) continue;
    const inName = highlightWords(filename, words, 'messages');
    if (inName.length === 0) continue;
    const lead = '📎 ';
    return snippet(
      `${lead}${filename}`,
      inName.map(([start, end]): Range => [start + lead.length, end + lead.length]),
    );
  }
  return snippet(row.body, inBody);
}

/** "Name · number" (or the number alone), with the matched words or digits marked. */
function contactSnippet(
  contact: { readonly name: string; readonly phone: string },
  words: readonly string[],
  digits: string | null,
): { snippet: string; highlights: [number, number][] } {
  const lead = contact.name === '' ? '' : `${contact.name} · `;
  const inName: readonly Range[] =
    digits === null ? highlightWords(contact.name, words, 'contacts') : [];
  // Digits typed among words ("ann 0123") may match anywhere in the number, as indexed.
  const inPhone =
    digits === null
      ? words
          .filter((word) => /^\d+$/u.test(word))
          .flatMap((word) => highlightDigits(contact.phone, word))
      : highlightDigits(contact.phone, digits);
  const text = `${lead}${contact.phone}`;
  return snippet(text, [
    ...inName,
    ...inPhone.map(([start, end]): Range => [start + lead.length, end + lead.length]),
  ]);
}
