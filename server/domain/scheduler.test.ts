import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import type { Command } from '../../shared/protocol/commands';
import { startTestServer, type TestServer } from '../testing/context';
import { DIALECTS } from '../testing/storage';
import { runCommand } from './commands';
import { ingestInbound } from './ingest';
import { quietHoursZone, ScheduledSender } from './scheduler';

const CUSTOMER = '+12015550181';
const HOUR = 3_600_000;
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function current(): TestServer {
  if (server === undefined) throw new Error('no server');
  return server;
}

/** The first HH:00 UTC strictly after `after`. */
function nextUtc(hour: number, after: Date): Date {
  const day = new Date(after);
  day.setUTCHours(hour, 0, 0, 0);
  while (day.getTime() <= after.getTime()) day.setUTCDate(day.getUTCDate() + 1);
  return day;
}

async function schedule(sendAt: Date, to = CUSTOMER) {
  const agent = await current().user('agent');
  const command: Command = {
    type: 'message.send',
    to,
    body: 'Your cleaning is tomorrow at 9',
    sendAt: sendAt.toISOString(),
  };
  const run = await runCommand(current().context, agent, randomUUID(), command, 'desktop');
  await run.sending;
  if (!run.result.ok) throw new Error(run.result.error.message);
  return run.result.value.message;
}

/** Runs the scheduler as if the clock said `at`. */
async function runAt(at: Date): Promise<void> {
  const sender = new ScheduledSender({ ...current().context, now: () => at }, (error) => {
    throw error;
  });
  await sender.runDue();
  await sender.close();
  await current().settled();
}

const statusOf = async (id: string) =>
  current()
    .storage.db.selectFrom('messages')
    .select(['status', 'send_at', 'error_code'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

const received = () =>
  current()
    .simulator.received(CUSTOMER)
    .map((text) => text.body);

describe.each(DIALECTS)('scheduled texts on %s', (dialect) => {
  test('a scheduled text waits until it is due, then goes out in the daytime', async () => {
    server = await startTestServer(dialect);
    const sendAt = new Date(Date.now() + HOUR);
    const message = await schedule(sendAt);
    expect(message).toMatchObject({ status: 'scheduled', sendAt: sendAt.toISOString() });
    await runAt(new Date(sendAt.getTime() - 60_000));
    expect(received()).toEqual([]);
    // 15:00 UTC is 10am in New York, the account's zone (US).
    await runAt(nextUtc(15, sendAt));
    expect(received()).toEqual(['Your cleaning is tomorrow at 9']);
    expect((await statusOf(message.id)).status).toBe('delivered');
  });

  test('due at night in the recipient’s zone, it waits for 8am there, and says so', async () => {
    server = await startTestServer(dialect);
    const sendAt = new Date(Date.now() + HOUR);
    const message = await schedule(sendAt);
    // 03:00 UTC is 10 or 11pm in New York; a day on, no conversation is under way.
    const night = nextUtc(3, new Date(sendAt.getTime() + 25 * HOUR));
    await runAt(night);
    expect(received()).toEqual([]);
    const held = await statusOf(message.id);
    expect(held.status).toBe('scheduled');
    const morning = new Date(held.send_at ?? '');
    expect(morning.getTime()).toBeGreaterThan(night.getTime());
    expect(
      new Intl.DateTimeFormat('en-US', {
        timeZone: 'America/New_York',
        hour: 'numeric',
        hourCycle: 'h23',
      }).format(morning),
    ).toBe('08');
    expect(
      current().published.some(
        (change) => change.type === 'message.updated' && change.data.sendAt === held.send_at,
      ),
    ).toBe(true);
    await runAt(morning);
    expect(received()).toEqual(['Your cleaning is tomorrow at 9']);
  });

  test('a customer who texted in the last 24 hours gets it at any hour', async () => {
    server = await startTestServer(dialect);
    const sendAt = new Date(Date.now() + HOUR);
    await schedule(sendAt);
    const night = nextUtc(3, new Date(sendAt.getTime() + 25 * HOUR));
    const texted = await ingestInbound(
      current().storage.db,
      {
        from: CUSTOMER,
        to: '+12015550100',
        body: 'Can you remind me later?',
        carrierId: 'SMsched1',
      },
      { defaultCountry: 'US', now: new Date(night.getTime() - 2 * HOUR) },
    );
    expect(texted.ok).toBe(true);
    await runAt(night);
    expect(received()).toEqual(['Your cleaning is tomorrow at 9']);
  });

  test('a STOP before it is due stops it, with the reason', async () => {
    server = await startTestServer(dialect);
    const sendAt = new Date(Date.now() + HOUR);
    const message = await schedule(sendAt);
    await ingestInbound(
      current().storage.db,
      { from: CUSTOMER, to: '+12015550100', body: 'STOP', carrierId: 'SMsched2' },
      { defaultCountry: 'US', now: new Date() },
    );
    await runAt(nextUtc(15, sendAt));
    expect(received()).toEqual([]);
    expect(await statusOf(message.id)).toMatchObject({
      status: 'refused',
      error_code: 'opted-out',
    });
  });

  test('the contact’s own zone comes first, then the account’s, then its country’s', () => {
    expect(quietHoursZone('America/Los_Angeles', 'America/Chicago', 'US')).toBe(
      'America/Los_Angeles',
    );
    expect(quietHoursZone(null, 'America/Chicago', 'US')).toBe('America/Chicago');
    expect(quietHoursZone(null, null, 'US')).toBe('America/New_York');
    expect(quietHoursZone('Not/AZone', null, 'GB')).toBe('Europe/London');
    expect(quietHoursZone(null, null, 'ZZ')).toBe('UTC');
  });
});
