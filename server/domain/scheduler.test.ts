import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import type { Command } from '../../shared/protocol/commands';
import { serverPerTest } from '../testing/context';
import { DIALECTS } from '../testing/storage';
import { runCommand } from './commands';
import { ingestInbound } from './ingest';
import { quietHoursZones, ScheduledSender } from './scheduler';

const CUSTOMER = '+12015550181';
const HOUR = 3_600_000;
const { start, current } = serverPerTest();

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

const received = (phone = CUSTOMER) =>
  current()
    .simulator.received(phone)
    .map((text) => text.body);

describe.each(DIALECTS)('scheduled texts on %s', (dialect) => {
  test('a scheduled text waits until it is due, then goes out in the daytime', async () => {
    await start(dialect);
    const sendAt = new Date(Date.now() + HOUR);
    const message = await schedule(sendAt);
    expect(message).toMatchObject({ status: 'scheduled', sendAt: sendAt.toISOString() });
    await runAt(new Date(sendAt.getTime() - 60_000));
    expect(received()).toEqual([]);
    // 15:00 UTC is 10am in New York, the zone of the number's area code (201).
    await runAt(nextUtc(15, sendAt));
    expect(received()).toEqual(['Your cleaning is tomorrow at 9']);
    expect((await statusOf(message.id)).status).toBe('delivered');
  });

  test('due at night in the recipient’s zone, it waits for 8am there, and says so', async () => {
    await start(dialect);
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
    await start(dialect);
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
    await start(dialect);
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

  test('quiet hours are read in the contact’s zone, else the number’s, else the account’s', () => {
    const at = new Date('2026-11-23T15:00:00Z');
    const zones = (phone: string, contactZone: string | null, accountZone: string | null) =>
      quietHoursZones({ contactZone, phone, accountZone, country: 'US', at });
    // A person's setting wins over the area code.
    expect(zones('+14155550100', 'America/Chicago', null)).toEqual(['America/Chicago']);
    // Area codes: Manhattan, San Francisco, Chicago, Phoenix (no daylight saving), Honolulu.
    expect(zones('+12125550100', null, 'America/Chicago')).toEqual(['America/New_York']);
    expect(zones('+14155550100', null, null)).toEqual(['America/Los_Angeles']);
    expect(zones('+13125550100', null, null)).toEqual(['America/Chicago']);
    expect(zones('+16025550100', null, null)).toEqual(['America/Phoenix']);
    expect(zones('+18085550100', null, null)).toEqual(['Pacific/Honolulu']);
    // Alaska's one area code spans two zones an hour apart: both count.
    expect(zones('+19075550100', null, null)).toEqual(['America/Adak', 'America/Anchorage']);
    // A toll-free number says nothing: the account's zone, else the country's.
    expect(zones('+18005550100', null, 'America/Denver')).toEqual(['America/Denver']);
    expect(zones('+18005550100', null, null)).toEqual(['America/New_York']);
    expect(
      quietHoursZones({
        contactZone: 'Not/AZone',
        phone: '+999',
        accountZone: null,
        country: 'ZZ',
        at,
      }),
    ).toEqual(['UTC']);
  });

  test('the account’s own window and days hold a scheduled text: a Sunday text waits for Monday 9:30', async () => {
    const server = await start(dialect);
    const admin = await server.user('admin');
    const updated = await runCommand(
      server.context,
      admin,
      randomUUID(),
      {
        type: 'account.update',
        quietHours: {
          start: '09:30',
          end: '18:00',
          days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
        },
      },
      'desktop',
    );
    expect(updated.result.ok).toBe(true);
    const sendAt = new Date(Date.now() + HOUR);
    const message = await schedule(sendAt);
    // 16:00 UTC on a Sunday is 11am or noon in New York: inside 9:30–18:00, but not a day it goes.
    let sunday = nextUtc(16, sendAt);
    while (sunday.getUTCDay() !== 0) sunday = nextUtc(16, sunday);
    await runAt(sunday);
    expect(received()).toEqual([]);
    const held = await statusOf(message.id);
    expect(held.status).toBe('scheduled');
    const monday = new Date(held.send_at ?? '');
    expect(
      new Intl.DateTimeFormat('en-US', {
        timeZone: 'America/New_York',
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      })
        .format(monday)
        .replace(',', ''),
    ).toBe('Mon 09:30');
    await runAt(new Date(monday.getTime() - 60_000));
    expect(received()).toEqual([]);
    await runAt(monday);
    expect(received()).toEqual(['Your cleaning is tomorrow at 9']);
  });

  test('a text scheduled to a California number waits for 8am in California', async () => {
    await start(dialect);
    const LOS_ANGELES = '+14155550142';
    // 13:00 UTC is 8am in New York but 5am in San Francisco.
    const sendAt = nextUtc(13, new Date(Date.now() + HOUR));
    const message = await schedule(sendAt, LOS_ANGELES);
    await runAt(sendAt);
    expect(received(LOS_ANGELES)).toEqual([]);
    const waiting = await statusOf(message.id);
    expect(waiting.status).toBe('scheduled');
    // 8am Pacific is 16:00 UTC in winter, 15:00 in summer.
    const opens = new Date(waiting.send_at ?? '');
    expect(opens.getTime() - sendAt.getTime()).toBeGreaterThanOrEqual(2 * HOUR);
    expect(opens.getTime() - sendAt.getTime()).toBeLessThanOrEqual(3 * HOUR);
    await runAt(opens);
    expect(received(LOS_ANGELES)).toHaveLength(1);
  });
});
