/**
 * `npx tsx bench/http.ts`: how fast the server acknowledges carrier webhooks
 * over HTTP, against an anchor on the same machine.
 *
 * (a) the anchor: a bare Node http server (bench/bare-server.ts) that reads
 *     the JSON body and answers 200, storing nothing;
 * (b) the real server (`server/main.ts`, as `npm run server` runs it) on a
 *     fresh SQLite file (WAL, synchronous=FULL), taking POST /simulator/inbound:
 *     varied texts from thousands of numbers, each with its own network id,
 *     so every request is a new text to dedupe, store and log. It runs as
 *     an operator would run it (a log line per request, at LOG_LEVEL=info),
 *     except that the per-address limit on that route (WEBHOOK_RATE_LIMIT)
 *     is raised far above the load, so every request still passes through
 *     the limiter but none is refused: the load comes from one address.
 *
 * Both run in their own process and get the same load: the same connections,
 * the same bodies, a short warm-up, then the measured run. The targets:
 * ingest serves at least 40% of the anchor's requests per second, and 99% of
 * acknowledgements come within 50 ms. It also checks every request got a 2xx
 * and that the database holds exactly the texts acknowledged, and prints
 * PASS or FAIL for each.
 *
 * Options: --connections N (32), --duration SECONDS (10), --warmup SECONDS (2).
 */
import autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStorage } from '../server/db/connect';
import { startProcess, startServerProcess, stopAllProcesses } from '../server/testing/process';

const TARGET_RATIO = 0.4;
const TARGET_P99_MS = 50;
const CUSTOMERS = 5000;

const { values: flags } = parseArgs({
  options: {
    connections: { type: 'string', default: '32' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
  },
});
const connections = Number(flags.connections);
const duration = Number(flags.duration);
const warmup = Number(flags.warmup);
if (![connections, duration, warmup].every((value) => Number.isFinite(value) && value >= 0)) {
  throw new Error('--connections, --duration and --warmup take numbers.');
}

/** What customers text a small business, short and long, with the odd STOP and HELP. */
const CHATTER = [
  'Hi, is Thursday at 3 still open?',
  'Running 10 minutes late, sorry!',
  'Thanks!',
  'ok',
  'Can I bring my son too? He also needs a cleaning.',
  'What’s the address again?',
  'See you tomorrow 👍',
  'Do you take walk-ins on Saturdays?',
  'Yes that works',
  'Can we move it to next week? Something came up at work and I won’t make it.',
  'Is there parking nearby or should I take the bus? Last time the lot was full and I was late.',
  'My insurance changed last month, do you need the new card before the appointment or can I bring it?',
  'Hola, ¿tienen cita disponible el lunes por la mañana?',
  'Perfect, thank you so much for fitting me in. I really appreciate it, the tooth has been bothering me all week and I could not sleep.',
];
const RARE = ['STOP', 'HELP'];
const AREA_CODES = ['201', '212', '305', '415', '617', '702', '919'];

/** A carrier's webhooks, one new text per call: numbers and bodies vary, ids never repeat. */
function texts(tag: string): () => string {
  let count = 0;
  let seed = 7;
  const next = (): number => {
    // xorshift: cheap and the same sequence on every run, for both servers.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  return () => {
    count += 1;
    const customer = Math.floor(next() * CUSTOMERS);
    const area = AREA_CODES[customer % AREA_CODES.length] ?? '201';
    const line = (1000 + (customer % 9000)).toString();
    // Carriers send E.164; a few arrive in national form, as some gateways send them.
    const from = customer % 10 === 0 ? `(${area}) 555-${line}` : `+1${area}555${line}`;
    const roll = next();
    const body =
      roll < 0.01
        ? (RARE[0] ?? 'STOP')
        : roll < 0.02
          ? (RARE[1] ?? 'HELP')
          : (CHATTER[Math.floor(next() * CHATTER.length)] ?? 'ok');
    return JSON.stringify({ from, body, id: `${tag}-${count.toString(36)}` });
  };
}

/**
 * Runs the load for `seconds`; `answered` gets what each 2xx answer names
 * (the stored message's id, or the anchor's echo of the text's id).
 */
function load(
  url: string,
  seconds: number,
  tag: string,
  answered: string[],
): Promise<autocannon.Result> {
  const nextBody = texts(tag);
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            path: '/simulator/inbound',
            headers: { 'content-type': 'application/json' },
            setupRequest: (request) => ({ ...request, body: nextBody() }),
            onResponse: (status, body) => {
              if (status < 200 || status > 299) return;
              const answer = JSON.parse(body) as { messageId?: string; id?: string };
              answered.push(answer.messageId ?? answer.id ?? '');
            },
          },
        ],
      },
      (error, result) => {
        if (error === null) resolve(result);
        else reject(error);
      },
    );
  });
}

interface Measured {
  readonly name: string;
  readonly result: autocannon.Result;
  /** Answers with a 2xx per second over the measured run. */
  readonly rps: number;
  /** What every 2xx named, warm-up included: for ingest, the texts that must be stored. */
  readonly acknowledged: readonly string[];
}

async function measure(name: string, url: string): Promise<Measured> {
  const acknowledged: string[] = [];
  if (warmup > 0) await load(url, warmup, `${name}-warm`, acknowledged);
  const result = await load(url, duration, name, acknowledged);
  return { name, result, rps: result['2xx'] / result.duration, acknowledged };
}

const number = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'textdesk-bench-http-'));
  const databaseUrl = `sqlite:${join(folder, 'textdesk.db')}`;
  try {
    console.log(
      `HTTP ingest: ${connections} connections, ${duration} s measured after ${warmup} s warm-up; ` +
        `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ` +
        // Other work on the machine skews both figures; the load says how busy it was.
        `load average ${number(loadavg()[0] ?? 0, 1)}`,
    );

    const bare = await startProcess({
      args: ['--import', 'tsx', 'bench/bare-server.ts'],
      env: { PORT: '0', HOST: '127.0.0.1' },
      ready: /^listening on (http:\/\/\S+)$/u,
    });
    const anchor = await measure('bare', bare.ready[1] ?? '');
    await bare.kill('SIGTERM');

    const server = await startServerProcess({
      DATABASE_URL: databaseUrl,
      TEXTDESK_ADMIN_EMAIL: 'owner@bench.test',
      TEXTDESK_ADMIN_PASSWORD: 'a long bench passphrase',
      TEXTDESK_BUSINESS_NAME: 'Bench Dental',
      TEXTDESK_BUSINESS_NUMBER: '+12015550100',
      WEBHOOK_RATE_LIMIT: '100000000',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    });
    const ingest = await measure('ingest', server.url);
    const exit = await server.kill('SIGTERM');
    if (exit.code !== 0) console.log(`The server ended with ${JSON.stringify(exit)}.`);

    // What was acknowledged must be in the database. A few more texts may be
    // stored than acknowledged: those still in flight when a run stopped,
    // which the server took but whose answer nobody waited for.
    const storage = openStorage(databaseUrl);
    const { count: stored } = await storage.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('direction', '=', 'inbound')
      .executeTakeFirstOrThrow();
    let found = 0;
    for (let start = 0; start < ingest.acknowledged.length; start += 500) {
      const ids = ingest.acknowledged.slice(start, start + 500);
      const rows = await storage.db
        .selectFrom('messages')
        .select('id')
        .where('direction', '=', 'inbound')
        .where('id', 'in', ids)
        .execute();
      found += rows.length;
    }
    await storage.close();
    const inFlightAtStop = stored - ingest.acknowledged.length;
    const runs = warmup > 0 ? 2 : 1;

    const rows = [anchor, ingest].map(({ name, result, rps }) => [
      name === 'bare' ? 'bare Node http (anchor)' : 'POST /simulator/inbound',
      number(rps),
      number(result.latency.p50, 1),
      number(result.latency.p99, 1),
      number(result.latency.max, 1),
      number(result.non2xx),
      number(result.errors),
    ]);
    const header = ['', 'requests/s', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors'];
    const widths = header.map((_, column) =>
      Math.max(...[header, ...rows].map((row) => (row[column] ?? '').length)),
    );
    for (const row of [header, ...rows]) {
      console.log(
        row
          .map((cell, column) =>
            column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0),
          )
          .join('  '),
      );
    }

    const ratio = ingest.rps / anchor.rps;
    const checks: [string, string, boolean][] = [
      [
        `HTTP ingest ≥ ${number(TARGET_RATIO * 100)}% of the bare server's requests/s`,
        `${number(ratio * 100, 1)}%`,
        ratio >= TARGET_RATIO,
      ],
      [
        `p99 acknowledgement < ${TARGET_P99_MS} ms`,
        `${number(ingest.result.latency.p99, 1)} ms`,
        ingest.result.latency.p99 < TARGET_P99_MS,
      ],
      [
        'every request answered 2xx (both servers)',
        `${number(anchor.result.non2xx + ingest.result.non2xx)} non-2xx, ${number(anchor.result.errors + ingest.result.errors)} errors`,
        [anchor, ingest].every(({ result }) => result.non2xx === 0 && result.errors === 0),
      ],
      [
        'every acknowledged text stored',
        `${number(found)} of ${number(ingest.acknowledged.length)}; ${number(inFlightAtStop)} more were in flight at a stop`,
        found === ingest.acknowledged.length &&
          new Set(ingest.acknowledged).size === found &&
          inFlightAtStop >= 0 &&
          inFlightAtStop <= runs * connections,
      ],
    ];
    console.log(`\nratio: ${number(ratio * 100, 1)}% of the anchor's requests/s`);
    const width = Math.max(...checks.map(([name]) => name.length));
    for (const [name, value, passed] of checks) {
      console.log(`${passed ? 'PASS' : 'FAIL'}  ${name.padEnd(width)}  ${value}`);
    }

    const codes = Object.entries(ingest.result.statusCodeStats)
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, { count }]) => `${code} × ${number(count)}`);
    if (codes.length > 0) {
      console.log(`\nIngest answered ${codes.join(', ')}. The server printed:\n${server.output()}`);
    }
  } finally {
    await stopAllProcesses();
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
