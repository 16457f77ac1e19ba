/**
 * How many inbound texts a server stores per second, next to the fastest any
 * durable write can go on this machine: raw better-sqlite3 commits of one
 * small row each, with the same settings (WAL, synchronous=FULL), in the same
 * run. Every text must be durable before the carrier is answered, so without
 * group commit ingest could never beat the raw commit rate; with it, many
 * texts share each commit. The target: at least 3× the raw commit rate.
 *
 * Run: npx tsx bench/ingest.ts (or npm run bench). With DATABASE_URL set to
 * a postgres:// database, ingest is measured there too (its tables are
 * created in that database if missing, and texts are added to it).
 */
import SqliteDatabase from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createAccount } from '../server/accounts/accounts';
import { openStorage, type Storage } from '../server/db/connect';
import { migrate } from '../server/db/migrate';
import { ingestInbound, ingestStats } from '../server/domain/ingest';

/** Raw commits per round. */
const RAW_COMMITS = 2_000;
/** Texts per round, from this many customers, sent by this many callers at once. */
const TEXTS = 5_000;
const CUSTOMERS = 1_000;
const CALLERS = 500;
const ROUNDS = 3;
const TARGET = 3;

/** What customers text, most often first; a few stop, ask for help or opt back in. */
const BODIES: readonly (readonly [body: string, weight: number])[] = [
  ['Hi, can I move my appointment to Thursday afternoon?', 20],
  ['Thanks! See you then', 20],
  ['What time do you open tomorrow?', 10],
  ['Running 10 minutes late, sorry!', 10],
  ['Yes', 10],
  ['Is there parking near the office?', 8],
  ['Can you send me the address again please', 8],
  ['The total was $45.20 but I was charged twice, can someone check? Order 88812', 5],
  ['STOP', 3],
  ['stop texting me please', 1],
  ['HELP', 2],
  ['START', 1],
];

/** A small deterministic random source, so every run sends the same texts. */
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

function pick(next: () => number): string {
  const total = BODIES.reduce((sum, [, weight]) => sum + weight, 0);
  let left = next() * total;
  for (const [body, weight] of BODIES) {
    left -= weight;
    if (left < 0) return body;
  }
  return BODIES[0]?.[0] ?? '';
}

const customer = (index: number) => `+1415${String(2_000_000 + index * 7_919).padStart(7, '0')}`;

function temporaryFile(): { path: string; remove: () => void } {
  const folder = mkdtempSync(join(tmpdir(), 'textdesk-bench-'));
  return {
    path: join(folder, 'bench.db'),
    remove: () => {
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** The anchor: one single-row insert per commit, nothing else. Commits per second. */
function rawCommits(): number {
  const file = temporaryFile();
  const sqlite = new SqliteDatabase(file.path);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.exec(
      'create table texts (id integer primary key, phone text not null, body text not null)',
    );
    const insert = sqlite.prepare('insert into texts (phone, body) values (?, ?)');
    const start = performance.now();
    for (let index = 0; index < RAW_COMMITS; index += 1) {
      insert.run(customer(index % CUSTOMERS), 'Thanks! See you then');
    }
    return RAW_COMMITS / ((performance.now() - start) / 1000);
  } finally {
    sqlite.close();
    file.remove();
  }
}

interface IngestRun {
  readonly perSecond: number;
  readonly meanBatch: number;
}

/** A migrated database with one account, ready for texts. */
async function prepare(storage: Storage): Promise<void> {
  await migrate(storage);
  const existing = await storage.db
    .selectFrom('business_numbers')
    .select('id')
    .where('phone', '=', '+12015550100')
    .executeTakeFirst();
  if (existing !== undefined) return;
  await createAccount(
    storage.db,
    { name: 'Acme Dental', defaultCountry: 'US', businessNumber: '+1 201 555 0100' },
    new Date(),
  );
}

/** The full ingest path with many callers at once. Texts per second. */
async function ingestRound(
  storage: Storage,
  round: string,
  next: () => number,
): Promise<IngestRun> {
  const texts = Array.from({ length: TEXTS }, (_, index) => ({
    from: customer(Math.floor(next() * CUSTOMERS)),
    to: '+12015550100',
    body: pick(next),
    carrierId: `SMbench${round}x${index}`,
  }));
  const before = ingestStats(storage.db);
  let taken = 0;
  const caller = async () => {
    while (taken < texts.length) {
      const text = texts[taken];
      taken += 1;
      if (text === undefined) break;
      const result = await ingestInbound(storage.db, text, {
        defaultCountry: 'US',
        now: new Date(),
      });
      if (!result.ok) throw new Error(`${text.from}: ${result.error.message}`);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: CALLERS }, caller));
  const seconds = (performance.now() - start) / 1000;
  const after = ingestStats(storage.db);
  return {
    perSecond: TEXTS / seconds,
    meanBatch: (after.items - before.items) / Math.max(1, after.batches - before.batches),
  };
}

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const rate = (value: number) => Math.round(value).toLocaleString('en-US').padStart(9);

async function main(): Promise<void> {
  const file = temporaryFile();
  const storage = openStorage(`sqlite:${file.path}`);
  const next = random(20_240_601);
  const raw: number[] = [];
  const ingest: IngestRun[] = [];
  try {
    await prepare(storage);
    // Warm up the code paths (and the customers' contacts) before measuring.
    await ingestRound(storage, 'warm', next);
    for (let round = 0; round < ROUNDS; round += 1) {
      raw.push(rawCommits());
      ingest.push(await ingestRound(storage, String(round), next));
    }
  } finally {
    await storage.close();
    file.remove();
  }

  const rawRate = median(raw);
  const ingestRate = median(ingest.map((run) => run.perSecond));
  const ratio = ingestRate / rawRate;
  const meanBatch = ingest.reduce((sum, run) => sum + run.meanBatch, 0) / ingest.length;
  console.log(
    `Inbound ingest, SQLite (WAL, synchronous=FULL); median of ${ROUNDS} rounds\n` +
      `${TEXTS} texts per round from ${CUSTOMERS} customers, ${CALLERS} callers at once\n`,
  );
  console.log('                                      per second');
  console.log(`raw single-row commits (anchor)       ${rate(rawRate)}`);
  console.log(`ingestInbound, concurrent callers     ${rate(ingestRate)}`);
  console.log(`ratio ingest / raw                    ${ratio.toFixed(2).padStart(9)}×`);
  console.log(`target                                ${`≥ ${TARGET.toFixed(2)}`.padStart(9)}×`);
  console.log(`mean batch (texts per transaction)    ${meanBatch.toFixed(1).padStart(9)}`);
  console.log(
    `result                                ${(ratio >= TARGET ? 'PASS' : 'FAIL').padStart(9)}`,
  );

  const url = process.env.DATABASE_URL;
  if (url?.startsWith('postgres://') === true || url?.startsWith('postgresql://') === true) {
    const postgres = openStorage(url);
    try {
      await prepare(postgres);
      await ingestRound(postgres, `pgwarm${Date.now()}`, next);
      const run = await ingestRound(postgres, `pg${Date.now()}`, next);
      console.log(`\nPostgreSQL (${postgres.location})`);
      console.log(`ingestInbound, concurrent callers     ${rate(run.perSecond)}`);
      console.log(`mean batch (texts per transaction)    ${run.meanBatch.toFixed(1).padStart(9)}`);
    } finally {
      await postgres.close();
    }
  }
}

await main();
