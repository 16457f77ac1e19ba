/**
 * `npx tsx bench/mms.ts`: 200 inbound MMS of one 1 MB photo each, through
 * the real server (`server/main.ts`, CARRIER=twilio, fresh SQLite file and
 * media folder) from the Twilio stand-in: each webhook makes the server
 * fetch its photo behind Basic auth and a redirect, hash it, sniff it, make
 * its preview and thumbnail, keep it and store the text.
 *
 * Next to it, in the same run, the anchor: the same 200 photos fetched the
 * same way by a bare loop that only hashes each to a file. Printed: MMS per
 * second and MB/s for both, their ratio, and the server's resident memory
 * before and at its peak. The target (issue 16): memory stays flat, as
 * files are streamed and never held whole: at most 150 MB more at the peak
 * than before, over 200 MB of photos. The time ratio is a figure to watch,
 * not a target: the server also sniffs each photo and re-encodes it twice
 * (preview and thumbnail), which the anchor does not.
 *
 * Options: --count N (200), --concurrency N (8), --megabytes N (1).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { fetchTwilioMedia } from '../server/carriers/twilioMedia';
import { freePort } from '../server/testing/postgres';
import { startServerProcess, stopAllProcesses } from '../server/testing/process';
import { TwilioStandIn } from '../server/testing/twilioStandIn';

const MEMORY_TARGET_MB = 150;
const { values: flags } = parseArgs({
  options: {
    count: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '8' },
    megabytes: { type: 'string', default: '1' },
  },
});
const COUNT = Number(flags.count);
const CONCURRENCY = Number(flags.concurrency);
const MEGABYTES = Number(flags.megabytes);

const ACCOUNT_SID = `AC${'5'.repeat(32)}`;
const AUTH_TOKEN = 'b'.repeat(32);
const BUSINESS = '+12015550100';

/** A photo of about `megabytes` (noise barely compresses), as a phone camera's JPEG would weigh. */
async function photo(megabytes: number): Promise<Buffer> {
  let side = Math.round(Math.sqrt(megabytes * 1024 * 1024));
  for (;;) {
    const jpeg = await sharp(randomBytes(side * side * 3), {
      raw: { width: side, height: side, channels: 3 },
    })
      .jpeg({ quality: 80 })
      .toBuffer();
    if (jpeg.length >= megabytes * 1024 * 1024 * 0.95) return jpeg;
    side = Math.round(side * 1.1);
  }
}

/** Distinct bytes per text (so none is deduplicated): a JPEG ignores what follows its end. */
const variant = (base: Buffer, index: number): Buffer =>
  Buffer.concat([base, Buffer.from(`textdesk-bench-${String(index)}`)]);

/** The resident and peak resident memory of a process, in MB (Linux /proc). */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
  const field = (name: string): number =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'mu').exec(status)?.[1] ?? '0') / 1024;
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

/** Runs `work(i)` for i in [0, count) with `concurrency` at a time. */
async function pooled(count: number, work: (index: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const index = next;
        next += 1;
        await work(index);
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'textdesk-bench-mms-'));
  const standIn = await TwilioStandIn.start(ACCOUNT_SID, AUTH_TOKEN);
  try {
    const base = await photo(MEGABYTES);
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${String(port)}`;
    const server = await startServerProcess({
      PORT: String(port),
      DATABASE_URL: `sqlite:${join(folder, 'textdesk.db')}`,
      MEDIA_DIR: join(folder, 'media'),
      PUBLIC_URL: publicUrl,
      CARRIER: 'twilio',
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_FROM: BUSINESS,
      TWILIO_API_BASE: standIn.url,
      TEXTDESK_BUSINESS_NUMBER: BUSINESS,
      TEXTDESK_ADMIN_EMAIL: 'owner@bench.test',
      TEXTDESK_ADMIN_PASSWORD: 'a bench password',
      LOG_LEVEL: 'warn',
      WEBHOOK_RATE_LIMIT: '0',
    });
    standIn.smsUrl = `${publicUrl}/webhooks/twilio/sms`;
    const send = async (index: number): Promise<void> => {
      const response = await standIn.inbound({
        from: `+1201555${String(1000 + (index % 9000)).padStart(4, '0')}`,
        to: BUSINESS,
        body: '',
        media: [{ bytes: variant(base, index), contentType: 'image/jpeg' }],
      });
      if (response.status !== 200)
        throw new Error(`The webhook answered ${String(response.status)}`);
    };

    // Warm up (code paths, sharp, the database), then measure.
    for (let index = 0; index < 5; index++) await send(COUNT + index);
    const before = memoryOf(server.pid);
    let peak = before.rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, memoryOf(server.pid).rss);
    }, 20);
    const serverSeconds = await pooled(COUNT, send);
    clearInterval(sampler);
    peak = Math.max(peak, memoryOf(server.pid).rss);

    // The anchor: the same downloads, hashed to a file, nothing else.
    const urls = Array.from({ length: COUNT }, (_, index) =>
      standIn.hostMedia(`MM${String(index).padStart(32, '0')}`, variant(base, index), 'image/jpeg'),
    );
    const anchorSeconds = await pooled(COUNT, async (index) => {
      const fetched = await fetchTwilioMedia(urls[index] ?? '', {
        accountSid: ACCOUNT_SID,
        authToken: AUTH_TOKEN,
        apiBase: standIn.url,
      });
      if (!fetched.ok) throw new Error(fetched.error.message);
      const hash = createHash('sha256');
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          done(null, chunk);
        },
      });
      await pipeline(fetched.value.body, meter, createWriteStream(join(folder, 'anchor.bin')));
      hash.digest('hex');
    });

    const megabytes = (COUNT * base.length) / (1024 * 1024);
    const rate = (seconds: number) =>
      `${(COUNT / seconds).toFixed(1)} MMS/s, ${(megabytes / seconds).toFixed(1)} MB/s`;
    const growth = peak - before.rss;
    const ratio = serverSeconds / anchorSeconds;
    console.log(
      `${String(COUNT)} inbound MMS of ${(base.length / (1024 * 1024)).toFixed(2)} MB, ${String(CONCURRENCY)} at a time`,
    );
    console.log(
      `  anchor (fetch + hash + write): ${anchorSeconds.toFixed(2)} s, ${rate(anchorSeconds)}`,
    );
    console.log(
      `  server (webhook → stored):     ${serverSeconds.toFixed(2)} s, ${rate(serverSeconds)}`,
    );
    console.log(`  server time / anchor time: ${ratio.toFixed(2)}×`);
    console.log(
      `  server memory: ${before.rss.toFixed(0)} MB before, ${peak.toFixed(0)} MB at peak: +${growth.toFixed(0)} MB (target ≤ +${String(MEMORY_TARGET_MB)} MB)`,
    );
    const met = growth <= MEMORY_TARGET_MB;
    console.log(met ? '  targets met' : '  TARGET MISSED');
    process.exitCode = met ? 0 : 1;
  } finally {
    await stopAllProcesses();
    await standIn.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
