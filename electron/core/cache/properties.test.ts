import fc from 'fast-check';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONVERSATION_FILTERS, type SearchHit } from '../../../shared/ipc/views';
import type { Change, PendingChange } from '../../../shared/protocol/entities';
import { LocalCache } from './localCache';
import {
  consent,
  contact,
  conversation,
  list,
  ME,
  message,
  minute,
  temporaryFolder,
  user,
} from './testChanges';
import type { ConversationQuery } from './types';

/*
 * A few contacts, conversations and messages, written over and over in any
 * order (conversations before or after their contacts, messages before
 * their conversations), with times that often tie.
 */
const CONTACTS = ['contact-1', 'contact-2', 'contact-3', 'contact-4'];
const CONVERSATIONS = [
  'conversation-1',
  'conversation-2',
  'conversation-3',
  'conversation-4',
  'conversation-5',
];
const MESSAGES = Array.from({ length: 10 }, (_, n) => `message-${n}`);
const LISTS = ['list-1', 'list-2'];
const PEOPLE = [ME.userId, 'user-other'];
const QUERIES = ['appoint', 'ada', '555', 'park', 'cafe', 's'];

const time = fc.integer({ min: 0, max: 6 }).map(minute);

const pendingChange: fc.Arbitrary<PendingChange> = fc.oneof(
  fc
    .record({
      id: fc.constantFrom(...CONTACTS),
      name: fc.constantFrom('', 'Ada Lovelace', 'Bob Smith', 'Café Owner'),
      phone: fc.constantFrom('+14155550123', '+12125559876', '+13105550199'),
      optedIn: fc.boolean(),
      blocked: fc.boolean(),
      lists: fc.subarray(LISTS),
      updatedAt: time,
    })
    .map((fields) => ({ type: 'contact.updated' as const, data: contact(fields) })),
  fc
    .record({
      id: fc.constantFrom(...CONVERSATIONS),
      contactId: fc.constantFrom(...CONTACTS),
      status: fc.constantFrom('open' as const, 'closed' as const),
      assigneeId: fc.constantFrom(null, ...PEOPLE),
      lastActivityAt: time,
    })
    .map((fields) => ({ type: 'conversation.updated' as const, data: conversation(fields) })),
  fc
    .record({
      type: fc.constantFrom('message.created' as const, 'message.updated' as const),
      id: fc.constantFrom(...MESSAGES),
      conversationId: fc.constantFrom(...CONVERSATIONS),
      direction: fc.constantFrom('inbound' as const, 'outbound' as const, 'note' as const),
      status: fc.constantFrom('received' as const, 'quarantined' as const, 'sent' as const),
      body: fc.constantFrom('Appointment on Thursday?', 'Is there parking', 'café at 5', 'ok'),
      createdAt: time,
    })
    .map(({ type, ...fields }) => ({ type, data: message(fields) })),
  fc
    .record({
      conversationId: fc.constantFrom(...CONVERSATIONS),
      userId: fc.constantFrom(...PEOPLE),
      readAt: time,
    })
    .map((data) => ({ type: 'conversation.read' as const, data })),
  fc
    .record({ contactId: fc.constantFrom(...CONTACTS), at: time })
    .map((fields) => ({ type: 'consent.recorded' as const, data: consent(fields) })),
  fc
    .record({ id: fc.constantFrom(...LISTS), name: fc.constantFrom('VIP', 'Billing') })
    .map((fields) => ({ type: 'list.updated' as const, data: list(fields) })),
  fc
    .constantFrom('agent' as const, 'supervisor' as const)
    .map((role) => ({ type: 'user.updated' as const, data: user({ id: ME.userId, role }) })),
);

const changeLog = fc
  // size 'max': lengths up to the maximum (fast-check's default keeps most runs a few changes long).
  .array(pendingChange, { minLength: 1, maxLength: 80, size: 'max' })
  .map((pending) =>
    pending.map((change, index): Change => ({ ...change, seq: index + 1, at: minute(index) })),
  );

/** How a run of changes arrives in packets: where each ends, and what goes wrong on the way. */
const delivery = fc.array(fc.record({ end: fc.nat(), replay: fc.boolean(), ahead: fc.boolean() }), {
  maxLength: 12,
});

const FILTERS: ConversationQuery['filter'][] = [
  ...CONVERSATION_FILTERS,
  ...LISTS.map((listId) => ({ listId })),
];

/** Hits in one canonical order: contacts tied in time may come in either order. */
const canonical = (hits: readonly SearchHit[]) =>
  [...hits].sort((a, b) =>
    `${a.at}|${a.kind}|${a.messageId ?? a.contactId}`.localeCompare(
      `${b.at}|${b.kind}|${b.messageId ?? b.contactId}`,
    ),
  );

/** Everything the cache answers, for comparing two caches. */
function observe(cache: LocalCache) {
  return {
    cursor: cache.cursor(),
    counts: cache.counts(),
    filters: FILTERS.map((filter) => cache.conversations({ filter, limit: 1000 })),
    rows: CONVERSATIONS.map((id) => cache.conversationRow(id)),
    messages: CONVERSATIONS.map((conversationId) =>
      cache.messages({ conversationId, limit: 1000 }),
    ),
    contacts: CONTACTS.map((id) => cache.contact(id)),
    gate: CONVERSATIONS.map((conversationId) => cache.gateContact({ conversationId })),
    account: cache.account(),
    search: QUERIES.map((query) => canonical(cache.search(query, 200))),
  };
}

/**
 * What search must find, worked out from the rows themselves: the contacts
 * whose name has the word and the messages whose text has it, less what an
 * agent may not see. A stale index entry (an old name or text) would show.
 */
function searchTruth(cache: LocalCache, word: string) {
  const agent = cache.counts().blocked === null;
  const has = (text: string) =>
    text
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .some((token) => token.startsWith(word));
  const contacts = CONTACTS.filter((id) => {
    const view = cache.contact(id);
    return view !== null && has(view.contact.name) && !(agent && view.contact.blocked);
  });
  const messages = CONVERSATIONS.flatMap((conversationId) => {
    const row = cache.conversationRow(conversationId);
    if (row === null) return [];
    return cache
      .messages({ conversationId, limit: 1000 })
      .messages.filter(
        (shown) => has(shown.body) && !(agent && (row.blocked || shown.status === 'quarantined')),
      )
      .map((shown) => shown.id);
  });
  const hits = cache.search(word, 200);
  const found = (kind: SearchHit['kind']) =>
    hits
      .filter((hit) => hit.kind === kind)
      .map((hit) => hit.messageId ?? hit.contactId)
      .sort();
  return {
    expected: { contacts: contacts.sort(), messages: messages.sort() },
    found: { contacts: found('contact'), messages: found('message') },
  };
}

/** The counts as the filters' own rows give them (the cache keeps its counts separately). */
function countsTruth(cache: LocalCache) {
  const rows = (filter: ConversationQuery['filter']) =>
    cache.conversations({ filter, limit: 1000 }).rows;
  const agent =
    cache.account().users.find((person) => person.id === ME.userId)?.role !== 'supervisor';
  const visible = CONVERSATIONS.map((id) => cache.conversationRow(id)).filter(
    (row) => row !== null && !row.blocked,
  );
  const lists = Object.fromEntries(
    [...new Set([...cache.account().lists.map((item) => item.id), ...LISTS])]
      .map((listId): [string, number] => [listId, rows({ listId }).length])
      .filter(
        ([listId, count]) => count > 0 || cache.account().lists.some((item) => item.id === listId),
      ),
  );
  return {
    open: rows('open').length,
    mine: rows('mine').length,
    unassigned: rows('unassigned').length,
    closed: rows('closed').length,
    optedOut: rows('opted-out').length,
    blocked: agent ? null : rows('blocked').length,
    lists,
    unread: visible.reduce((sum, row) => sum + (row?.unread ?? 0), 0),
  };
}

let folder: ReturnType<typeof temporaryFolder>;
let files = 0;

function open(): LocalCache {
  files += 1;
  const cache = new LocalCache(join(folder.path, `cache-${files}.sqlite`));
  cache.claim(ME);
  return cache;
}

beforeEach(() => {
  folder = temporaryFolder();
});

afterEach(() => {
  folder.remove();
});

describe('the cache, for any run of changes', () => {
  it('ends the same whether the changes came in one packet or many, replayed or early', () => {
    fc.assert(
      fc.property(changeLog, delivery, (changes, packets) => {
        const whole = open();
        const split = open();
        try {
          whole.applyChanges(changes);
          const ends = [...new Set(packets.map((packet) => packet.end % (changes.length + 1)))]
            .sort((a, b) => a - b)
            .concat(changes.length);
          let start = 0;
          let previous: Change[] = [];
          ends.forEach((end, index) => {
            const packet = changes.slice(start, end);
            const next = changes.slice(end, ends[index + 1] ?? end);
            const mishap = packets[index];
            // A later packet first: nothing of it is stored, the gap stays a gap.
            if (mishap?.ahead === true && packet.length > 0 && next.length > 0) {
              expect(split.applyChanges(next).applied).toBe(0);
            }
            const replayed = mishap?.replay === true ? previous : [];
            expect(split.applyChanges([...replayed, ...packet])).toEqual({
              cursor: end,
              applied: packet.length,
            });
            previous = packet;
            start = end;
          });
          expect(observe(split)).toEqual(observe(whole));
          expect(split.counts()).toEqual(countsTruth(split));
          for (const word of ['lovelace', 'smith', 'owner', 'parking', 'thursday', 'cafe']) {
            const { expected, found } = searchTruth(split, word);
            expect(found, word).toEqual(expected);
          }
        } finally {
          whole.close();
          split.close();
        }
      }),
      { numRuns: 80 },
    );
  });

  it('pages every filter without duplicates or skips, newest activity first', () => {
    fc.assert(
      fc.property(changeLog, fc.integer({ min: 1, max: 4 }), (changes, limit) => {
        const cache = open();
        try {
          cache.applyChanges(changes);
          for (const filter of FILTERS) {
            const all = cache.conversations({ filter, limit: 1000 }).rows;
            const paged: typeof all = [];
            let after: ConversationQuery['after'];
            do {
              const page = cache.conversations({ filter, limit, after });
              expect(page.rows.length).toBeLessThanOrEqual(limit);
              paged.push(...page.rows);
              after = page.next ?? undefined;
            } while (after !== undefined);
            expect(paged).toEqual(all);
            expect(new Set(paged.map((row) => row.id)).size).toBe(paged.length);
            const keys = paged.map((row) => `${row.lastActivityAt}|${row.id}`);
            expect(keys).toEqual([...keys].sort().reverse());
          }
        } finally {
          cache.close();
        }
      }),
      { numRuns: 80 },
    );
  });
});
