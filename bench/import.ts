/**
 * `npx tsx bench/import.ts`: a 100,000-row contacts file imported into a
 * list, as the lists screen does it, against a team server on loopback.
 * Target: the whole import, from the file's bytes to every contact on the
 * desktop's list, in under 30 s on a 2-core machine.
 *
 * The file is a Google Contacts export (current shape: names in parts, two
 * or three labelled numbers each, some in one cell joined by " ::: ",
 * accented names). Stages, each timed:
 *   1. read: decode, parse and choose each person's number (shared/contacts,
 *      what the import dialog's worker runs);
 *   2. look up: which numbers the account already has (contacts.lookup);
 *   3. import: the rows in commands of up to 5,000 (contacts.import), each
 *      one transaction on the server;
 *   4. synced: until the desktop's cache holds every member.
 * Next to it, the same rows inserted by raw better-sqlite3 in one prepared
 * transaction, measured in the same run, as the anchor. It prints rows/s,
 * and the peak memory (RSS) of this process (the desktop: parser, core and
 * cache worker) and of the server process.
 *
 * Options: --rows N (100000).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSignedIn, type CoreHarness } from '../electron/core/testing/coreHarness';
import { openContactsFile, peopleOf } from '../shared/contacts/contactsFile';
import { importChunks, planImport } from '../shared/contacts/importPlan';

import { MAX_LOOKUP_PHONES } from '../shared/ipc/manage';
import type { ImportReport } from '../shared/protocol/commands';
import { startServerProcess, stopAllProcesses } from '../server/testing/process';

const { values: flags } = parseArgs({ options: { rows: { type: 'string', default: '100000' } } });
const ROWS = Number(flags.rows);
const ADMIN = { email: 'bench@textdesk.test', password: 'a bench password, long enough' };
const FIRST = ['Ada', 'José', 'Zoë', 'Łukasz', 'Renée', 'Grace', 'Müller', 'Siobhán'];
const LAST = ['Lovelace', 'Núñez', 'Brontë', 'Kowalski', 'Dubois', 'Hopper', 'Weiß', 'Ó Briain'];

const phone = (n: number) =>
  `(201) ${String(500 + Math.floor(n / 10_000)).padStart(3, '0')}-${String(n % 10_000).padStart(4, '0')}`;

function googleExport(rows: number): Uint8Array {
  const lines = [
    'First Name,Middle Name,Last Name,Organization Name,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value,Phone 3 - Label,Phone 3 - Value',
  ];
  for (let n = 0; n < rows; n++) {
    const first = FIRST[n % FIRST.length] ?? '';
    const last = LAST[(n * 7) % LAST.length] ?? '';
    const home = phone(2 * rows + n);
    const mobile = phone(n);
    // A third of them hold two work numbers in one cell; the mobile is never first.
    const work = n % 3 === 0 ? `${phone(4 * rows + n)} ::: ${phone(6 * rows + n)}` : '';
    lines.push(
      `${first},,${last},,* myContacts,Home,${first.toLowerCase()}@example.com,Home,${home},Mobile,${mobile},${work === '' ? ',' : `Work,${work}`}`,
    );
  }
  return new TextEncoder().encode(`${lines.join('\r\n')}\r\n`);
}

/** Peak resident memory of a process, from Linux's /proc (VmHWM), in MB. */
function peakRss(pid: number): number | null {
  try {
    const match = /VmHWM:\s+(\d+) kB/u.exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'));
    return match === null ? null : Number(match[1]) / 1024;
  } catch {
    return null;
  }
}

function rawAnchor(rows: readonly { phone: string; name?: string }[]): number {
  const dir = mkdtempSync(join(tmpdir(), 'textdesk-import-raw-'));
  const db = new Database(join(dir, 'raw.sqlite'));
  db.pragma('journal_mode = WAL');
  db.exec(
    'CREATE TABLE contacts (id TEXT PRIMARY KEY, phone TEXT NOT NULL UNIQUE, name TEXT NOT NULL) STRICT',
  );
  const insert = db.prepare('INSERT INTO contacts (id, phone, name) VALUES (?, ?, ?)');
  const started = performance.now();
  db.transaction(() => {
    rows.forEach((row, index) => insert.run(`c${String(index)}`, row.phone, row.name ?? ''));
  })();
  const seconds = (performance.now() - started) / 1000;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return seconds;
}

async function waitForMembers(desk: CoreHarness, listId: string, count: number): Promise<void> {
  for (;;) {
    const sizes = await desk.value<Record<string, number>>('lists.sizes');
    if ((sizes[listId] ?? 0) >= count) return;
    await desk.until('data.changed', () => true);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'textdesk-import-'));
  const server = await startServerProcess({
    DATABASE_URL: `sqlite:${join(dir, 'server.sqlite')}`,
    TEXTDESK_ADMIN_EMAIL: ADMIN.email,
    TEXTDESK_ADMIN_PASSWORD: ADMIN.password,
  });
  const desk = await startSignedIn(server.url, ADMIN);
  try {
    const created = await desk.value<{ value: { list: { id: string } } }>('commands.run', {
      command: { type: 'list.create', name: 'Imported' },
    });
    const listId = created.value.list.id;
    const bytes = googleExport(ROWS);

    const started = performance.now();
    const file = openContactsFile(bytes, 'contacts.csv');
    const { people, problems } = peopleOf(file);
    const plan = planImport(people, problems, 'US');
    const read = performance.now();

    for (let start = 0; start < plan.rows.length; start += MAX_LOOKUP_PHONES) {
      const phones = plan.rows.slice(start, start + MAX_LOOKUP_PHONES).map((row) => row.phone);
      await desk.value('contacts.lookup', { phones });
    }
    const looked = performance.now();

    let imported = 0;
    for (const rows of importChunks(plan.rows)) {
      const answer = await desk.value<{ value: ImportReport }>('commands.run', {
        command: { type: 'contacts.import', listId, defaultCountry: 'US', rows },
      });
      imported += answer.value.created + answer.value.updated;
    }
    const sent = performance.now();
    await waitForMembers(desk, listId, plan.rows.length);
    const synced = performance.now();

    const anchor = rawAnchor(plan.rows);
    const total = (synced - started) / 1000;
    const stage = (from: number, to: number) => `${((to - from) / 1000).toFixed(2)} s`;
    console.log(
      `rows in the file           ${ROWS.toLocaleString()} (${(bytes.length / 1e6).toFixed(1)} MB)`,
    );
    console.log(
      `imported                   ${imported.toLocaleString()} (skipped ${String(plan.skipped.length)})`,
    );
    console.log(
      `1. read and choose numbers ${stage(started, read)} (${Math.round(ROWS / ((read - started) / 1000)).toLocaleString()} rows/s)`,
    );
    console.log(`2. look up known numbers   ${stage(read, looked)}`);
    console.log(
      `3. import commands         ${stage(looked, sent)} (${Math.round(ROWS / ((sent - looked) / 1000)).toLocaleString()} rows/s)`,
    );
    console.log(`4. on the desktop's list   ${stage(sent, synced)}`);
    console.log(
      `total                      ${total.toFixed(2)} s (${Math.round(ROWS / total).toLocaleString()} rows/s); target < 30 s: ${total < 30 ? 'met' : 'NOT met'}`,
    );
    console.log(
      `raw better-sqlite3 anchor  ${anchor.toFixed(2)} s (${Math.round(ROWS / anchor).toLocaleString()} rows/s); import is ${(total / anchor).toFixed(0)}× the anchor's time`,
    );
    const mine = peakRss(process.pid);
    const theirs = peakRss(server.pid);
    console.log(
      `peak RSS: desktop process ${mine === null ? 'n/a' : `${mine.toFixed(0)} MB`}, server process ${theirs === null ? 'n/a' : `${theirs.toFixed(0)} MB`}`,
    );
  } finally {
    await desk.stop();
    await stopAllProcesses();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
