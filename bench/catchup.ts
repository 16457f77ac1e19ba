/**
 * `npx tsx bench/catchup.ts`: a desktop catching up on an account of
 * 1,000,000 messages into an empty cache, over socket.io on loopback, next
 * to raw better-sqlite3 batched inserts of the same rows measured in the
 * same run. Targets: at least 15% of the raw rate, and the main thread's
 * event-loop delay p99 under 50 ms throughout.
 *
 * The server (`server/main.ts`, fresh SQLite file) runs in its own process,
 * as it would on another machine. Its change log is filled directly: one
 * contact and one conversation per 10 messages, then the messages. The
 * desktop side is what the app runs: the sync client on the main thread
 * and the cache in its worker thread.
 *
 * Options: --messages N (1000000), --per-conversation N (10).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { openCache } from '../electron/core/cache/client';
import { SyncClient } from '../electron/core/sync/syncClient';
import type { Change, MessageSnapshot } from '../shared/protocol/entities';
import { startServerProcess, stopAllProcesses } from '../server/testing/process';

const { values: flags } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    'per-conversation': { type: 'string', default: '10' },
  },
});
const MESSAGES = Number(flags.messages);
const PER_CONVERSATION = Number(flags['per-conversation']);
const CONVERSATIONS = Math.ceil(MESSAGES / PER_CONVERSATION);
const ADMIN = { email: 'bench@textdesk.test', password: 'a bench password, long enough' };
const WORDS =
  'can I move my appointment to Thursday please the order is late thanks see you soon'.split(' ');

const dir = mkdtempSync(join(tmpdir(), 'textdesk-catchup-'));
const serverFile = join(dir, 'server.sqlite');

/** What the server's log holds, in seq order, made on the fly. */
function* changesOf(start: Date): Generator<Omit<Change, 'seq'>> {
  const at = (n: number) => new Date(start.getTime() + n * 1000).toISOString();
  for (let c = 0; c < CONVERSATIONS; c++) {
    const contactId = `contact-${String(c)}`;
    yield {
      at: at(c),
      type: 'contact.updated',
      data: {
        id: contactId,
        phone: `+1201${String(5_000_000 + c).padStart(7, '0')}`,
        name: c % 3 === 0 ? '' : `Customer ${String(c)}`,
        optedIn: true,
        blocked: false,
        optOut: null,
        lists: [],
        timeZone: null,
        updatedAt: at(c),
      },
    };
    yield {
      at: at(c),
      type: 'conversation.updated',
      data: {
        id: `conversation-${String(c)}`,
        contactId,
        businessNumberId: 'bn',
        status: 'open',
        assigneeId: null,
        lastActivityAt: at(c),
      },
    };
  }
  for (let m = 0; m < MESSAGES; m++) {
    const words = Array.from({ length: 6 + (m % 10) }, (_, i) => WORDS[(m * 7 + i) % WORDS.length]);
    yield {
      at: at(CONVERSATIONS + m),
      type: 'message.created',
      data: {
        id: `message-${String(m).padStart(8, '0')}`,
        conversationId: `conversation-${String(m % CONVERSATIONS)}`,
        direction: m % 2 === 0 ? 'inbound' : 'outbound',
        body: words.join(' '),
        authorId: null,
        status: m % 2 === 0 ? 'received' : 'delivered',
        errorCode: null,
        errorMessage: null,
        possibleOptOut: false,
        triggerId: null,
        inReplyTo: null,
        sendAt: null,
        createdAt: at(CONVERSATIONS + m),
        updatedAt: at(CONVERSATIONS + m),
      },
    };
  }
}

async function main(): Promise<void> {
  // The server creates its schema and the account, then its log is filled.
  const server = await startServerProcess({
    DATABASE_URL: `sqlite:${serverFile}`,
    TEXTDESK_ADMIN_EMAIL: ADMIN.email,
    TEXTDESK_ADMIN_PASSWORD: ADMIN.password,
  });
  const login = (await (
    await fetch(`${server.url}/api/v1/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(ADMIN),
    })
  ).json()) as { token: string; user: { id: string; accountId: string } };

  const seedStarted = performance.now();
  const seed = new Database(serverFile);
  seed.pragma('journal_mode = WAL');
  seed.pragma('busy_timeout = 10000');
  const { last_seq: first } = seed
    .prepare<[string], { last_seq: number }>('SELECT last_seq FROM accounts WHERE id = ?')
    .get(login.user.accountId) ?? { last_seq: 0 };
  const insert = seed.prepare(
    'INSERT INTO change_log (account_id, seq, at, type, entity_id, data) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const messageRows: unknown[][] = [];
  let seq = first;
  const batch: Omit<Change, 'seq'>[] = [];
  const flush = seed.transaction((changes: readonly Omit<Change, 'seq'>[]) => {
    for (const change of changes) {
      seq += 1;
      const data = change.data as { id?: string; conversationId?: string };
      insert.run(
        login.user.accountId,
        seq,
        change.at,
        change.type,
        data.id ?? '',
        JSON.stringify(change.data),
      );
    }
  });
  for (const change of changesOf(new Date('2026-01-01T00:00:00Z'))) {
    batch.push(change);
    if (change.type === 'message.created') {
      const m = change.data as MessageSnapshot;
      messageRows.push([
        m.id,
        m.conversationId,
        m.direction,
        m.body,
        m.status,
        m.createdAt,
        m.updatedAt,
      ]);
    }
    if (batch.length === 10_000) flush(batch.splice(0));
  }
  flush(batch.splice(0));
  seed.prepare('UPDATE accounts SET last_seq = ? WHERE id = ?').run(seq, login.user.accountId);
  seed.close();
  const total = seq - first;
  console.log(
    `seeded ${String(total)} changes (${String(MESSAGES)} messages, ${String(CONVERSATIONS)} conversations) in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`,
  );

  // (a) The anchor: the same message rows, batched inserts of 1000, one bare table.
  const raw = new Database(join(dir, 'raw.sqlite'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.exec(
    'CREATE TABLE messages (id TEXT PRIMARY KEY, conversation_id TEXT, direction TEXT, body TEXT, status TEXT, created_at TEXT, updated_at TEXT) STRICT',
  );
  const rawInsert = raw.prepare('INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?, ?)');
  const rawBatch = raw.transaction((rows: readonly unknown[][]) => {
    for (const row of rows) rawInsert.run(...row);
  });
  const rawStarted = performance.now();
  for (let i = 0; i < messageRows.length; i += 1000) rawBatch(messageRows.slice(i, i + 1000));
  const rawSeconds = (performance.now() - rawStarted) / 1000;
  raw.close();
  messageRows.length = 0;
  const rawRate = MESSAGES / rawSeconds;

  // (b) The desktop: an empty cache in its worker, the sync client on this thread.
  const cache = await openCache(join(dir, 'cache.sqlite'));
  await cache.claim({
    serverUrl: server.url,
    accountId: login.user.accountId,
    userId: login.user.id,
  });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  const started = performance.now();
  delay.enable();
  let client: SyncClient | undefined;
  await new Promise<void>((resolve, reject) => {
    client = new SyncClient({
      serverUrl: server.url,
      token: login.token,
      store: cache,
      queued: () => 0,
      onApplied: () => undefined,
      onStatus: () => undefined,
      onLive: resolve,
      onSignedOut: (reason) => {
        reject(new Error(reason));
      },
      onError: reject,
    });
    client.start();
  });
  delay.disable();
  const seconds = (performance.now() - started) / 1000;
  const rate = MESSAGES / seconds;
  const rss = process.memoryUsage().rss;
  await client?.stop();
  await cache.close();
  await server.kill('SIGTERM');

  const ms = (ns: number) => (ns / 1e6).toFixed(1);
  const ratio = rate / rawRate;
  console.log(
    `raw better-sqlite3 batched inserts: ${rawRate.toFixed(0)} messages/s (${rawSeconds.toFixed(1)} s)`,
  );
  console.log(
    `catch-up over socket.io into the cache: ${rate.toFixed(0)} messages/s (${seconds.toFixed(1)} s for ${String(total)} changes)`,
  );
  console.log(
    `ratio: ${(ratio * 100).toFixed(1)}% of raw (target ≥ 15%): ${ratio >= 0.15 ? 'met' : 'NOT met'}`,
  );
  const p99 = delay.percentile(99);
  console.log(
    `main-thread event-loop delay: p50 ${ms(delay.percentile(50))} ms, p99 ${ms(p99)} ms, max ${ms(delay.max)} ms (target p99 < 50 ms): ${p99 < 50e6 ? 'met' : 'NOT met'}`,
  );
  console.log(`process RSS after catch-up (main + cache worker): ${(rss / 2 ** 20).toFixed(0)} MB`);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopAllProcesses();
    rmSync(dir, { recursive: true, force: true });
  });
