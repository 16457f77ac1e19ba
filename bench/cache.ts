/**
 * The desktop cache at a large account's size: 100,000 conversations and
 * 1,000,000 messages, stored through applyChanges in packets of 1,000 as
 * sync delivers them (each text with its conversation's update, some read
 * markers), next to the raw anchor: the same contacts, conversations and
 * messages inserted as bare rows by better-sqlite3, 1,000 per transaction,
 * with the same settings. Then what a person waits for:
 *
 * - the inbox's first page (100 rows with unread counts): p99 < 10 ms
 * - search, first 50 hits, over queries typed a letter at a time: p99 < 30 ms
 * - the process's memory with the account loaded: RSS < 300 MB
 *
 * The cache runs in this process, not in its worker, so RSS counts it.
 *
 * Run: npx tsx bench/cache.ts (CACHE_BENCH_SCALE=0.1 for a tenth of the data).
 */
import SqliteDatabase from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LocalCache } from '../electron/core/cache/localCache';
import type { Change, PendingChange } from '../shared/protocol/entities';

const SCALE = Number(process.env.CACHE_BENCH_SCALE ?? '1');
const CONVERSATIONS = Math.round(100_000 * SCALE);
const MESSAGES = Math.round(1_000_000 * SCALE);
const PACKET = 1_000;
const PAGE_RUNS = 200;
const TARGETS = { pageP99: 10, searchP99: 30, rssMb: 300 };

const ME = { serverUrl: 'https://textdesk.bench', accountId: 'account-1', userId: 'user-me' };
const TEAM = ['user-me', 'user-ann', 'user-raj', 'user-lee', 'user-kim'];
const START = Date.parse('2025-09-01T08:00:00.000Z');
/** Texts spread over half a year. */
const STEP_MS = Math.floor((183 * 24 * 3_600_000) / Math.max(1, MESSAGES));

/** A small deterministic random source, so every run stores the same account. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Ids as the server makes them: the time first (UUID version 7), so new rows sort together. */
const timeId = (at: number, serial: number) =>
  `${at.toString(16).padStart(12, '0')}-7${serial.toString(16).padStart(15, '0')}`;
const contactId = (index: number) => timeId(START, 2 * index);
const conversationId = (index: number) => timeId(START, 2 * index + 1);

const FIRST = [
  'Ada',
  'Bob',
  'Maria',
  'John',
  'Priya',
  'Wei',
  'Fatima',
  'Carlos',
  'Olga',
  'Sam',
  'Jean',
  'Aiko',
  'Noah',
  'Emma',
  'Liam',
  'Sofia',
  'Mateo',
  'Chloé',
  'Ivan',
  'Zoe',
  'Omar',
  'Grace',
  'Hugo',
  'Lena',
  'Tariq',
  'Nina',
  'Ravi',
  'Elena',
  'Kofi',
  'Mia',
];
const LAST = [
  'Smith',
  'Garcia',
  'Nguyen',
  'Johnson',
  'Patel',
  'Kim',
  'Müller',
  'Rossi',
  'Silva',
  'Brown',
  'Lopez',
  'Chen',
  'Dubois',
  'Okafor',
  'Ivanova',
  'Tanaka',
  'Wilson',
  'Haddad',
  'Novak',
  'Jensen',
  'Khan',
  'Moreau',
  'Santos',
  'Berg',
  'Costa',
  'Reyes',
  'Walsh',
  'Singh',
  'Park',
  'Cohen',
];
const AREAS = ['415', '212', '310', '617', '512', '206', '303', '702', '305', '503'];
const DAYS = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'tomorrow',
  'today',
];
const THINGS = [
  'appointment',
  'order',
  'delivery',
  'invoice',
  'table',
  'booking',
  'refund',
  'estimate',
  'pickup',
  'repair',
  'cleaning',
  'consultation',
];

/** What customers and the team write, with numbers and names that make the vocabulary large. */
const TEMPLATES: readonly ((pick: <T>(items: readonly T[]) => T, n: () => number) => string)[] = [
  (p) => `Hi, can I move my ${p(THINGS)} to ${p(DAYS)} afternoon?`,
  () => 'Thanks! See you then',
  (p) => `What time do you open ${p(DAYS)}?`,
  (_, n) => `Running ${String(5 + (n() % 25))} minutes late, sorry!`,
  () => 'Yes',
  () => 'Is there parking near the office?',
  () => 'Can you send me the address again please',
  (_, n) =>
    `The total was $${String(n() % 500)}.20 but I was charged twice, can someone check? Order ${String(10_000 + (n() % 90_000))}`,
  (p, n) =>
    `Your ${p(THINGS)} is confirmed for ${p(DAYS)} at ${String(1 + (n() % 12))}pm. Reply C to cancel.`,
  (p) => `Hi ${p(FIRST)}, this is ${p(FIRST)} from the front desk. Your ${p(THINGS)} is ready.`,
  (_, n) => `Order #${String(100_000 + (n() % 900_000))} shipped, tracking ${String(n())}`,
  (p) => `Could ${p(FIRST)} call me back about the ${p(THINGS)}?`,
  () => 'ok 👍',
  (p) => `Do you have anything available ${p(DAYS)} morning?`,
  (p) => `Noted: customer prefers ${p(DAYS)}s, asked about the ${p(THINGS)} price.`,
];

interface Conversation {
  readonly id: string;
  readonly contactId: string;
  status: 'open' | 'closed';
  assigneeId: string | null;
  lastActivityAt: string;
  blocked: boolean;
}

/**
 * The account's change log, made as it is read, a packet at a time (2.3
 * million changes do not fit in memory as objects at once). `rows` gets the
 * contacts, conversations and messages as the raw anchor stores them.
 */
function* changeLog(): Generator<PendingChange> {
  const next = random(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const n = () => Math.floor(next() * 1_000_000_000);
  const at = (ms: number) => new Date(ms).toISOString();

  yield {
    type: 'list.updated',
    data: { id: 'list-vip', name: 'VIP', kind: 'other' },
  };
  yield { type: 'list.updated', data: { id: 'list-news', name: 'Newsletter', kind: 'marketing' } };
  for (const id of TEAM) {
    yield {
      type: 'user.updated',
      data: {
        id,
        email: `${id}@bench.test`,
        name: id,
        role: id === ME.userId ? 'agent' : 'supervisor',
        disabled: false,
      },
    };
  }

  const conversations: Conversation[] = [];
  for (let index = 0; index < CONVERSATIONS; index += 1) {
    const contact = contactId(index);
    const blocked = next() < 0.01;
    const lists = [...(next() < 0.02 ? ['list-vip'] : []), ...(next() < 0.3 ? ['list-news'] : [])];
    const local = String((1_000_000 + index * 7_919) % 10_000_000).padStart(7, '0');
    yield {
      type: 'contact.updated',
      data: {
        id: contact,
        phone: `+1${AREAS[index % AREAS.length] ?? '415'}${local}`,
        name: next() < 0.05 ? '' : `${pick(FIRST)} ${pick(LAST)}`,
        optedIn: !blocked && next() < 0.95,
        blocked,
        optOut: null,
        lists,
        timeZone: null,
        updatedAt: at(START),
      },
    };
    const roll = next();
    const conversation: Conversation = {
      id: conversationId(index),
      contactId: contact,
      status: next() < 0.8 ? 'open' : 'closed',
      assigneeId: roll < 0.1 ? ME.userId : roll < 0.5 ? pick(TEAM.slice(1)) : null,
      lastActivityAt: at(START),
      blocked,
    };
    conversations.push(conversation);
    yield { type: 'conversation.updated', data: snapshot(conversation) };
  }

  // A tenth of the conversations get half the texts, as busy customers do.
  const busy = Math.max(1, Math.floor(CONVERSATIONS / 10));
  for (let index = 0; index < MESSAGES; index += 1) {
    const conversation =
      conversations[next() < 0.5 ? Math.floor(next() * busy) : Math.floor(next() * CONVERSATIONS)];
    if (conversation === undefined) continue;
    const createdAt = at(START + index * STEP_MS);
    const roll = next();
    const direction = roll < 0.55 ? 'inbound' : roll < 0.95 ? 'outbound' : 'note';
    const quarantined = direction === 'inbound' && conversation.blocked;
    yield {
      type: 'message.created',
      data: {
        id: timeId(START + index * STEP_MS, index),
        conversationId: conversation.id,
        direction,
        body: pick(TEMPLATES)(pick, n),
        authorId: direction === 'inbound' ? null : pick(TEAM),
        status: quarantined
          ? 'quarantined'
          : direction === 'inbound'
            ? 'received'
            : direction === 'note'
              ? 'none'
              : 'delivered',
        errorCode: null,
        errorMessage: null,
        possibleOptOut: false,
        triggerId: null,
        inReplyTo: null,
        sendAt: null,
        media: [],
        createdAt,
        updatedAt: createdAt,
      },
    };
    if (quarantined) continue;
    conversation.lastActivityAt = createdAt;
    if (direction === 'inbound') conversation.status = 'open';
    yield { type: 'conversation.updated', data: snapshot(conversation) };
    if (next() < 0.2) {
      yield {
        type: 'conversation.read',
        data: { conversationId: conversation.id, userId: ME.userId, readAt: createdAt },
      };
    }
  }
}

function snapshot(conversation: Conversation) {
  return {
    id: conversation.id,
    contactId: conversation.contactId,
    businessNumberId: 'number-1',
    status: conversation.status,
    assigneeId: conversation.assigneeId,
    lastActivityAt: conversation.lastActivityAt,
  };
}

/** The log in packets of PACKET changes, numbered from 1. */
function* packets(): Generator<Change[]> {
  let packet: Change[] = [];
  let seq = 0;
  for (const change of changeLog()) {
    seq += 1;
    packet.push({ ...change, seq, at: new Date(START).toISOString() });
    if (packet.length === PACKET) {
      yield packet;
      packet = [];
    }
  }
  if (packet.length > 0) yield packet;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

function timed(runs: number, work: (run: number) => void): { p50: number; p99: number } {
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const start = performance.now();
    work(run);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}

const ms = (value: number) => `${value.toFixed(2)} ms`;
const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MB`;
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');

/** The anchor: the same rows, inserted bare (no indexes but the key, no search, no upserts). */
function rawAnchor(folder: string): { seconds: number; rows: number } {
  const db = new SqliteDatabase(join(folder, 'raw.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`
    CREATE TABLE contacts (id TEXT PRIMARY KEY, phone TEXT, name TEXT, data TEXT) STRICT;
    CREATE TABLE conversations (id TEXT PRIMARY KEY, contact_id TEXT, status TEXT, last_activity_at TEXT) STRICT;
    CREATE TABLE messages (id TEXT PRIMARY KEY, conversation_id TEXT, body TEXT, created_at TEXT, data TEXT) STRICT;
  `);
  const contact = db.prepare<[string, string, string, string]>(
    'INSERT INTO contacts VALUES (?, ?, ?, ?)',
  );
  const conversation = db.prepare<[string, string, string, string]>(
    'INSERT OR IGNORE INTO conversations VALUES (?, ?, ?, ?)',
  );
  const message = db.prepare<[string, string, string, string, string]>(
    'INSERT INTO messages VALUES (?, ?, ?, ?, ?)',
  );
  let rows = 0;
  const insert = db.transaction((batch: readonly PendingChange[]) => {
    for (const change of batch) {
      if (change.type === 'contact.updated') {
        contact.run(
          change.data.id,
          change.data.phone,
          change.data.name,
          JSON.stringify(change.data.lists),
        );
      } else if (change.type === 'conversation.updated') {
        conversation.run(
          change.data.id,
          change.data.contactId,
          change.data.status,
          change.data.lastActivityAt,
        );
      } else if (change.type === 'message.created') {
        message.run(
          change.data.id,
          change.data.conversationId,
          change.data.body,
          change.data.createdAt,
          change.data.direction,
        );
      } else {
        continue;
      }
      rows += 1;
    }
  });
  let elapsed = 0;
  let batch: PendingChange[] = [];
  const flush = () => {
    const start = performance.now();
    insert(batch);
    elapsed += performance.now() - start;
    batch = [];
  };
  for (const change of changeLog()) {
    if (
      change.type === 'conversation.updated' &&
      change.data.lastActivityAt !== new Date(START).toISOString()
    )
      continue;
    batch.push(change);
    if (batch.length === PACKET) flush();
  }
  flush();
  db.close();
  return { seconds: elapsed / 1000, rows };
}

/** Queries as typed, a letter at a time: words from the texts, names, and bits of numbers. */
function searchQueries(): string[] {
  const whole = [
    'appointment',
    'parking',
    'thursday',
    'running late',
    'charged twice',
    'order 1',
    'refund',
    'address',
    'tracking',
    'front desk',
    'maria',
    'john smith',
    'chloé dub',
    'priya patel',
    'okafor',
    'müller',
    'kim',
    '555',
    '0123',
    '415 2',
    '(212) 8',
    '7919',
    'cancel',
    'available friday',
    'invoice',
    'table',
    'confirmed for monday',
    'call me back',
    'price',
    'pickup',
    'ok',
    'see you',
    'estimate',
    'cleaning',
    'consult',
    'zoe reyes',
    'wei chen',
    'omar',
    'grace',
    '310',
    'delivery tomorrow',
    'booking',
  ];
  return whole.flatMap((query) =>
    Array.from({ length: query.length }, (_, index) => query.slice(0, index + 1)).filter(
      (typed) => typed.trim().length > 0,
    ),
  );
}

function main(): void {
  const folder = mkdtempSync(join(tmpdir(), 'textdesk-cache-bench-'));
  try {
    console.log(
      `Cache bench: ${String(CONVERSATIONS)} conversations, ${String(MESSAGES)} messages`,
    );
    const raw = rawAnchor(folder);
    console.log(
      `raw anchor: ${String(raw.rows)} bare rows in ${raw.seconds.toFixed(1)} s (${String(Math.round(raw.rows / raw.seconds))} rows/s)`,
    );

    const file = join(folder, 'cache.sqlite');
    const cache = new LocalCache(file);
    cache.claim(ME);
    let changes = 0;
    let elapsed = 0;
    for (const packet of packets()) {
      const start = performance.now();
      const { applied } = cache.applyChanges(packet);
      elapsed += performance.now() - start;
      changes += applied;
    }
    const seconds = elapsed / 1000;
    const size = statSync(file).size;
    console.log(
      `applyChanges: ${String(changes)} changes in ${seconds.toFixed(1)} s (${String(Math.round(changes / seconds))} changes/s), file ${mb(size)}`,
    );
    console.log(`  ratio to the raw anchor (time): ${(seconds / raw.seconds).toFixed(1)}×`);
    const rss = process.memoryUsage().rss;
    console.log(
      `RSS after load (cache in this process): ${mb(rss)} (target < ${String(TARGETS.rssMb)} MB: ${verdict(rss < TARGETS.rssMb * 1_048_576)})`,
    );

    // Warm up, as a person's first look at the inbox after sign-in would.
    cache.conversations({ filter: 'open', limit: 100 });
    const page = timed(PAGE_RUNS, () => {
      const { rows } = cache.conversations({ filter: 'open', limit: 100 });
      if (rows.length !== 100) throw new Error('short page');
    });
    console.log(
      `first page (open, 100 rows): p50 ${ms(page.p50)}, p99 ${ms(page.p99)} (target p99 < ${String(TARGETS.pageP99)} ms: ${verdict(page.p99 < TARGETS.pageP99)})`,
    );
    for (const filter of ['mine', 'unassigned', 'closed', 'opted-out'] as const) {
      const other = timed(PAGE_RUNS, () => cache.conversations({ filter, limit: 100 }));
      console.log(`  ${filter}: p50 ${ms(other.p50)}, p99 ${ms(other.p99)}`);
    }
    for (const listId of ['list-vip', 'list-news']) {
      const list = timed(PAGE_RUNS, () => cache.conversations({ filter: { listId }, limit: 100 }));
      console.log(`  list ${listId}: p50 ${ms(list.p50)}, p99 ${ms(list.p99)}`);
    }
    const second = cache.conversations({ filter: 'open', limit: 100 }).next ?? undefined;
    const paged = timed(PAGE_RUNS, () =>
      cache.conversations({ filter: 'open', limit: 100, after: second }),
    );
    console.log(`  open, second page: p50 ${ms(paged.p50)}, p99 ${ms(paged.p99)}`);
    const counts = timed(50, () => cache.counts());
    console.log(`counts(): p50 ${ms(counts.p50)}, p99 ${ms(counts.p99)}`);
    const thread = timed(PAGE_RUNS, (run) =>
      cache.messages({ conversationId: conversationId(run % 1000), limit: 50 }),
    );
    console.log(`messages (50 newest): p50 ${ms(thread.p50)}, p99 ${ms(thread.p99)}`);

    const queries = searchQueries();
    let hits = 0;
    const search = timed(queries.length, (run) => {
      hits += cache.search(queries[run] ?? '', 50).length;
    });
    console.log(
      `search (${String(queries.length)} queries typed a letter at a time, first 50 hits): p50 ${ms(search.p50)}, p99 ${ms(search.p99)} (target p99 < ${String(TARGETS.searchP99)} ms: ${verdict(search.p99 < TARGETS.searchP99)}); ${String(Math.round(hits / queries.length))} hits on average`,
    );
    console.log(`RSS at the end: ${mb(process.memoryUsage().rss)}`);
    cache.close();
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

main();
