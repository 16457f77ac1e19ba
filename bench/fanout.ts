/**
 * `npx tsx bench/fanout.ts`: how long an inbound text takes to reach every
 * desktop of the account, next to a bare socket.io broadcast measured the
 * same way in the same run.
 *
 * (a) the anchor: bench/bare-broadcast.ts, which broadcasts each POSTed body
 *     to every client and does nothing else;
 * (b) the real server (`server/main.ts`, fresh SQLite file), taking texts at
 *     POST /simulator/inbound and fanning the committed changes out.
 *
 * Both run in their own process with the same number of signed-in clients
 * (200) and the same paced load (500 texts/s). A text's latency is from the
 * moment its request is sent to the moment a client has it, for every
 * client; the anchor's bodies are the size of the server's changes. The
 * target: the server's p99 is at most 2× the anchor's.
 *
 * Options: --clients N (200), --rate PER_SECOND (500), --duration SECONDS (5),
 * --warmup SECONDS (1, at the same pace, not measured).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { io as connect, type Socket } from 'socket.io-client';
import { startProcess, startServerProcess, stopAllProcesses } from '../server/testing/process';

const TARGET = 2;
const { values: flags } = parseArgs({
  options: {
    clients: { type: 'string', default: '200' },
    rate: { type: 'string', default: '500' },
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
  },
});
const CLIENTS = Number(flags.clients);
const RATE = Number(flags.rate);
const DURATION = Number(flags.duration);
const WARMUP = Number(flags.warmup);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(url: string, body: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const call = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'Content-Type': 'application/json', ...headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          resolve(Buffer.concat(chunks).toString('utf8'));
        });
      },
    );
    call.on('error', reject);
    call.end(body);
  });
}

interface Run {
  readonly p50: number;
  readonly p99: number;
  readonly delivered: number;
  readonly expected: number;
}

/**
 * Connects the clients, sends `texts` paced at RATE, and measures, per client,
 * the time from each send to its arrival. `marker` finds a text's id in what
 * a client received.
 */
async function measure(
  url: string,
  auth: Record<string, string>,
  send: (id: string) => Promise<unknown>,
  marker: (payload: unknown) => string[],
): Promise<Run> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const sockets: Socket[] = [];
  for (let index = 0; index < CLIENTS; index += 1) {
    const socket = connect(url, { auth, transports: ['websocket'], reconnection: false });
    socket.on('changes', (payload: unknown) => {
      const now = performance.now();
      for (const id of marker(payload)) {
        const at = sentAt.get(id);
        if (at !== undefined) latencies.push(now - at);
      }
    });
    sockets.push(socket);
  }
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve, reject) => {
          socket.once('connect', resolve);
          socket.once('connect_error', reject);
        }),
    ),
  );
  // A warm-up at the same pace, not measured: the server's code is compiled on first use.
  const warmup: Promise<unknown>[] = [];
  const warmStart = performance.now();
  for (let index = 0; index < RATE * WARMUP; index += 1) {
    const wait = warmStart + (index * 1000) / RATE - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    warmup.push(send(`warm${String(index)}x${String(Math.random()).slice(2, 8)}`));
  }
  await Promise.all(warmup);
  const texts = RATE * DURATION;
  const expected = texts * CLIENTS;
  const everyone = new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (latencies.length >= expected) {
        clearInterval(check);
        resolve();
      }
    }, 20);
  });
  const start = performance.now();
  const pending: Promise<unknown>[] = [];
  for (let index = 0; index < texts; index += 1) {
    // Paced: text n leaves at n / RATE seconds.
    const due = start + (index * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const id = `t${String(index)}x${String(Math.random()).slice(2, 8)}`;
    sentAt.set(id, performance.now());
    pending.push(send(id));
  }
  await Promise.all(pending);
  // Whatever has not arrived 5 s after the last send is counted as lost.
  await Promise.race([everyone, new Promise((resolve) => setTimeout(resolve, 5000))]);
  for (const socket of sockets) socket.disconnect();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), delivered: latencies.length, expected };
}

async function main(): Promise<void> {
  console.log(
    `Fan-out: ${String(CLIENTS)} clients, ${String(RATE)} texts/s for ${String(DURATION)} s; ` +
      `Node ${process.version}, ${String(cpus().length)} CPUs, load average ${loadavg()[0]?.toFixed(1) ?? '?'}`,
  );
  // A body the size of one text's changes, so both sides carry the same bytes.
  const filler = 'x'.repeat(1200);

  const bare = await startProcess({
    args: ['--import', 'tsx', 'bench/bare-broadcast.ts'],
    env: {},
    ready: /^listening on (http:\/\/\S+)$/u,
  });
  const bareUrl = bare.ready[1] ?? '';
  const anchor = await measure(
    bareUrl,
    {},
    (id) => post(`${bareUrl}/emit`, JSON.stringify([{ id, filler }])),
    (payload) => (payload as { id: string }[]).map((item) => item.id),
  );
  await bare.kill('SIGTERM');

  const folder = mkdtempSync(join(tmpdir(), 'textdesk-fanout-'));
  try {
    const server = await startServerProcess({
      DATABASE_URL: `sqlite:${join(folder, 'bench.db')}`,
      TEXTDESK_ADMIN_EMAIL: 'owner@bench.test',
      TEXTDESK_ADMIN_PASSWORD: 'a long bench passphrase',
    });
    const login = JSON.parse(
      await post(
        `${server.url}/api/v1/login`,
        JSON.stringify({ email: 'owner@bench.test', password: 'a long bench passphrase' }),
      ),
    ) as { token: string };
    let customer = 0;
    const real = await measure(
      server.url,
      { token: login.token },
      (id) => {
        customer += 1;
        const from = `+1415${String(2_000_000 + (customer % 2000) * 7).padStart(7, '0')}`;
        return post(
          `${server.url}/simulator/inbound`,
          JSON.stringify({ from, body: `Hello ${id}` }),
        );
      },
      (payload) =>
        (payload as { type: string; data: { body?: string } }[]).flatMap((change) =>
          change.type === 'message.created' && change.data.body?.startsWith('Hello ')
            ? [change.data.body.slice('Hello '.length)]
            : [],
        ),
    );
    await server.kill('SIGTERM');

    const row = (name: string, run: Run) =>
      `${name.padEnd(30)} ${run.p50.toFixed(1).padStart(8)} ${run.p99.toFixed(1).padStart(8)} ${String(run.delivered).padStart(10)} / ${String(run.expected)}`;
    console.log(
      `${''.padEnd(30)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'delivered'.padStart(10)}`,
    );
    console.log(row('bare socket.io broadcast', anchor));
    console.log(row('inbound text → every desktop', real));
    const ratio = real.p99 / anchor.p99;
    console.log(`\nratio of p99s: ${ratio.toFixed(2)}× (target ≤ ${TARGET.toFixed(1)}×)`);
    console.log(
      `${ratio <= TARGET ? 'PASS' : 'FAIL'}  p99 at most ${String(TARGET)}× the bare broadcast's`,
    );
    console.log(
      `${real.delivered === real.expected ? 'PASS' : 'FAIL'}  every text reached every client`,
    );
  } finally {
    await stopAllProcesses();
    rmSync(folder, { recursive: true, force: true });
    agent.destroy();
  }
}

await main();
