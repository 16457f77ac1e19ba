/**
 * Campaigns (R7) on a real database, with the phone simulator as the
 * carrier: the command's checks, who is skipped and why, the texts each
 * recipient gets, quiet hours, progress, and carrying on after a restart.
 * The sender runs with a fixed clock, so quiet hours do not depend on when
 * the tests run.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { MISSING_OPT_OUT_WORDING } from '../../../shared/campaigns';
import type { Command, CommandValue } from '../../../shared/protocol/commands';
import type { CampaignSnapshot } from '../../../shared/protocol/campaigns';
import type { SessionUser } from '../../auth/sessions';
import { TEXT_ONLY, type Carrier } from '../../carriers/types';
import {
  BUSINESS_NUMBER,
  PUBLIC_URL,
  startTestServer,
  type TestServer,
} from '../../testing/context';
import { DIALECTS } from '../../testing/storage';
import { runCommand } from '../commands';
import { ingestInbound } from '../ingest';
import { CampaignSender } from './sender';

const HOUR = 3_600_000;
const ANN = '+12015550201';
const BEN = '+12015550202';
const CY = '+12015550203';
const DI = '+12015550204';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function current(): TestServer {
  if (server === undefined) throw new Error('no server');
  return server;
}

/** The latest HH:00 UTC at least a day before now: a past moment, so the real clock is always later. */
function pastUtc(hour: number): Date {
  const day = new Date(Date.now() - 24 * HOUR);
  day.setUTCHours(hour, 0, 0, 0);
  if (day.getTime() > Date.now() - 24 * HOUR) day.setUTCDate(day.getUTCDate() - 1);
  return day;
}
// 10 or 11am in New York, the zone of the 201 numbers; 03:00 UTC is 10 or 11pm there.
const DAYTIME = pastUtc(15);
const NIGHT = pastUtc(3);

/** The latest Sunday HH:00 UTC at least a day before now (Sunday in New York too, for 15:00). */
function pastSunday(hour: number): Date {
  const day = pastUtc(hour);
  while (day.getUTCDay() !== 0) day.setUTCDate(day.getUTCDate() - 1);
  return day;
}

/** "Mon 09:00": the day and time a moment is in New York. */
const inNewYork = (at: Date | string) =>
  new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/New_York',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
    .format(new Date(at))
    .replace(',', '');

async function run<C extends Command>(user: SessionUser, command: C) {
  const outcome = await runCommand(current().context, user, randomUUID(), command, 'desktop');
  await outcome.sending;
  return outcome.result;
}

async function ok<C extends Command>(
  user: SessionUser,
  command: C,
): Promise<CommandValue<C['type']>> {
  const result = await run(user, command);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

let counter = 0;
async function texts(from: string, body: string, now = new Date()): Promise<void> {
  const result = await ingestInbound(
    current().storage.db,
    { from, to: BUSINESS_NUMBER, body, carrierId: `SMcampaign${String((counter += 1))}` },
    { defaultCountry: 'US', now },
  );
  if (!result.ok) throw new Error(result.error.message);
}

/** Runs the campaign sender once as if the clock said `at`, as a freshly started server would. */
async function sendAt(at: Date): Promise<void> {
  const sender = new CampaignSender({ ...current().context, now: () => at }, (error) => {
    throw error;
  });
  await sender.runDue();
  await sender.close();
  await current().settled();
}

async function listId(name: string): Promise<string> {
  const row = await current()
    .storage.db.selectFrom('lists')
    .select('id')
    .where('account_id', '=', current().accountId)
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return row.id;
}

async function contactId(phone: string): Promise<string> {
  const row = await current()
    .storage.db.selectFrom('contacts')
    .select('id')
    .where('phone', '=', phone)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Each recipient's phone with their status and reason, by phone. */
async function recipients(campaignId: string) {
  const rows = await current()
    .storage.db.selectFrom('campaign_recipients')
    .innerJoin('contacts', 'contacts.id', 'campaign_recipients.contact_id')
    .select([
      'contacts.phone',
      'campaign_recipients.status',
      'campaign_recipients.reason',
      'campaign_recipients.send_at',
    ])
    .where('campaign_id', '=', campaignId)
    .orderBy('contacts.phone')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.phone, row]));
}

const received = (phone: string) =>
  current()
    .simulator.received(phone)
    .map((text) => text.body);

const snapshots = (campaignId: string): CampaignSnapshot[] =>
  current().published.flatMap((change) =>
    change.type === 'campaign.updated' && change.data.id === campaignId ? [change.data] : [],
  );

/** Ann, Ben, Cy and Di on a list; Ben texted STOP, Cy is blocked, Di is on Marketing Opt-Out. */
async function newsletter(supervisor: SessionUser): Promise<string> {
  const { list } = await ok(supervisor, { type: 'list.create', name: 'Newsletter' });
  await ok(supervisor, {
    type: 'contacts.import',
    listId: list.id,
    rows: [
      { line: 1, phone: ANN, name: 'Ann Lee' },
      { line: 2, phone: BEN, name: 'Ben Ortiz' },
      { line: 3, phone: CY, name: 'Cy Young' },
      { line: 4, phone: DI, name: 'Di Park' },
    ],
  });
  await texts(BEN, 'STOP', new Date('2026-11-23T15:00:00Z'));
  await ok(supervisor, { type: 'contact.block', contactId: await contactId(CY) });
  await ok(supervisor, {
    type: 'contact.lists',
    contactId: await contactId(DI),
    listId: await listId('Marketing Opt-Out'),
    member: true,
  });
  return list.id;
}

describe.each(DIALECTS)('campaigns on %s', (dialect) => {
  test('a marketing text must say how to opt out; agents may not send campaigns', async () => {
    server = await startTestServer(dialect);
    const supervisor = await current().user('supervisor');
    const agent = await current().user('agent');
    const marketing = await listId('Marketing');
    const campaign = {
      type: 'campaign.send',
      name: 'Spring sale',
      listId: marketing,
      purpose: 'marketing',
      body: 'Spring sale: 20% off this week!',
    } as const;

    expect(await run(supervisor, campaign)).toEqual({
      ok: false,
      error: {
        code: 'invalid-input',
        message: MISSING_OPT_OUT_WORDING,
        problems: [{ path: 'body', message: MISSING_OPT_OUT_WORDING }],
      },
    });
    expect(
      await run(agent, { ...campaign, body: `${campaign.body} Reply STOP to opt out.` }),
    ).toEqual({
      ok: false,
      error: { code: 'not-allowed', message: 'Only supervisors and admins can send campaigns.' },
    });
    expect(
      await run(supervisor, {
        ...campaign,
        body: `${campaign.body} Reply STOP to opt out.`,
        listId: await listId('Marketing Opt-Out'),
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await run(supervisor, { ...campaign, listId: 'no-such-list' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    expect(await current().storage.db.selectFrom('campaigns').selectAll().execute()).toEqual([]);

    // A transactional text may leave it out.
    const { campaign: sent } = await ok(supervisor, {
      ...campaign,
      name: 'Closed Monday',
      purpose: 'transactional',
      body: 'We are closed on Monday.',
    });
    expect(sent).toMatchObject({
      name: 'Closed Monday',
      listId: marketing,
      purpose: 'transactional',
      status: 'sending',
      createdBy: supervisor.id,
      sendAt: null,
      counts: { recipients: 0, skipped: 0, waiting: 0, sent: 0, delivered: 0, failed: 0 },
    });
    expect(snapshots(sent.id)).toEqual([sent]);
  });

  test('members who may not be texted are skipped, with the reason; the others get their own text and link', async () => {
    server = await startTestServer(dialect);
    const supervisor = await current().user('supervisor', 'Sam');
    const list = await newsletter(supervisor);
    await ok(supervisor, {
      type: 'contact.update',
      contactId: await contactId(DI),
      name: '',
    });
    const { campaign } = await ok(supervisor, {
      type: 'campaign.send',
      name: 'Spring sale',
      listId: list,
      purpose: 'marketing',
      body: 'Hi {{first_name}}, {{business_name}} has a spring sale! Stop texts: {{ optout_link }}',
    });
    expect(received(ANN)).toEqual([]);

    await sendAt(DAYTIME);
    expect(await recipients(campaign.id)).toMatchObject({
      [ANN]: { status: 'delivered', reason: null },
      [BEN]: { status: 'skipped', reason: 'Opted out: replied STOP on 23 Nov 2026' },
      [CY]: { status: 'skipped', reason: 'Blocked' },
      [DI]: { status: 'skipped', reason: 'On the “Marketing Opt-Out” list: no marketing' },
    });
    const [text] = received(ANN);
    expect(text).toMatch(
      new RegExp(
        `^Hi Ann, Acme Dental has a spring sale! Stop texts: ${PUBLIC_URL}/u/[\\w-]{43}$`,
        'u',
      ),
    );
    for (const phone of [BEN, CY, DI]) expect(received(phone)).toEqual([]);

    // The text is an ordinary one, in a conversation of Ann's: closed, so the inbox is not flooded.
    const message = await current()
      .storage.db.selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select([
        'messages.body',
        'messages.status',
        'messages.author_id',
        'conversations.status as conversation',
      ])
      .where('conversations.contact_id', '=', await contactId(ANN))
      .executeTakeFirstOrThrow();
    expect(message).toEqual({
      body: text,
      status: 'delivered',
      author_id: supervisor.id,
      conversation: 'closed',
    });

    // A transactional campaign to the same list reaches Di, and nobody's link is anyone else's.
    const { campaign: notice } = await ok(supervisor, {
      type: 'campaign.send',
      name: 'Closed Monday',
      listId: list,
      purpose: 'transactional',
      body: 'Closed Monday. Stop these: {{optout_link}}',
    });
    await sendAt(new Date(DAYTIME.getTime() + HOUR));
    expect(await recipients(notice.id)).toMatchObject({
      [ANN]: { status: 'delivered' },
      [BEN]: { status: 'skipped' },
      [CY]: { status: 'skipped', reason: 'Blocked' },
      [DI]: { status: 'delivered' },
    });
    const links = [...received(ANN), ...received(DI)].map(
      (body) => /\/u\/([\w-]+)$/u.exec(body)?.[1],
    );
    expect(links).toHaveLength(3);
    expect(new Set(links).size).toBe(3);
  });

  test('quiet hours hold a recipient until 8am their time, unless they texted today; a STOP meanwhile stops their text', async () => {
    server = await startTestServer(dialect);
    const supervisor = await current().user('supervisor');
    const { list } = await ok(supervisor, { type: 'list.create', name: 'Patients' });
    await ok(supervisor, {
      type: 'contacts.import',
      listId: list.id,
      rows: [
        { line: 1, phone: ANN, name: 'Ann' },
        { line: 2, phone: BEN, name: 'Ben' },
        { line: 3, phone: CY, name: 'Cy' },
      ],
    });
    // Cy is in a conversation: texted two hours before.
    await texts(CY, 'Is the office open tomorrow?', new Date(NIGHT.getTime() - 2 * HOUR));
    const { campaign } = await ok(supervisor, {
      type: 'campaign.send',
      name: 'Reminder',
      listId: list.id,
      purpose: 'transactional',
      body: 'Reminder: the office opens at 9 tomorrow.',
    });

    await sendAt(NIGHT);
    const held = await recipients(campaign.id);
    expect(held).toMatchObject({
      [ANN]: { status: 'waiting', reason: 'Quiet hours: sends at 8:00 their time' },
      [BEN]: { status: 'waiting', reason: 'Quiet hours: sends at 8:00 their time' },
      [CY]: { status: 'delivered', reason: null },
    });
    expect(received(ANN)).toEqual([]);
    expect(received(CY)).toEqual(['Reminder: the office opens at 9 tomorrow.']);
    const morning = new Date(held[ANN]?.send_at ?? '');
    expect(
      new Intl.DateTimeFormat('en-US', {
        timeZone: 'America/New_York',
        hour: 'numeric',
        minute: 'numeric',
        hourCycle: 'h23',
      }).format(morning),
    ).toBe('08:00');
    expect(current().published).toContainEqual(
      expect.objectContaining({
        type: 'campaign.recipient',
        data: expect.objectContaining({
          contactId: await contactId(ANN),
          status: 'waiting',
          reason: 'Quiet hours: sends at 8:00 their time',
        }) as unknown,
      }),
    );
    expect(snapshots(campaign.id).at(-1)).toMatchObject({ status: 'sending' });

    // Ben opts out after the campaign started: the gate runs again as his text would leave (R6).
    await texts(BEN, 'STOP', new Date(NIGHT.getTime() + HOUR));
    await sendAt(new Date(morning.getTime() - 60_000));
    expect(received(ANN)).toEqual([]);
    await sendAt(morning);
    expect(await recipients(campaign.id)).toMatchObject({
      [ANN]: { status: 'delivered', reason: null },
      [BEN]: {
        status: 'skipped',
        reason: expect.stringMatching(/^Opted out: replied STOP on /u) as unknown,
      },
      [CY]: { status: 'delivered' },
    });
    expect(received(ANN)).toEqual(['Reminder: the office opens at 9 tomorrow.']);
    expect(received(BEN)).toEqual([]);
    expect(snapshots(campaign.id).at(-1)).toMatchObject({
      status: 'done',
      counts: { recipients: 3, skipped: 1, waiting: 0, sent: 0, delivered: 2, failed: 0 },
    });
  });

  test('the account’s own window and days hold a campaign; the default is 8am–9pm every day', async () => {
    server = await startTestServer(dialect);
    const supervisor = await current().user('supervisor');
    const admin = await current().user('admin');
    const { list } = await ok(supervisor, { type: 'list.create', name: 'Patients' });
    await ok(supervisor, {
      type: 'contacts.import',
      listId: list.id,
      rows: [
        { line: 1, phone: ANN, name: 'Ann' },
        { line: 2, phone: BEN, name: 'Ben' },
      ],
    });
    const campaign = async (name: string) =>
      (
        await ok(supervisor, {
          type: 'campaign.send',
          name,
          listId: list.id,
          purpose: 'transactional',
          body: `${name}: the office is open.`,
        })
      ).campaign;
    const sunday = pastSunday(15);
    expect(inNewYork(sunday)).toMatch(/^Sun 1[01]:00$/u);

    // By default Sunday morning is inside the window: texts go at once.
    await campaign('Default');
    await sendAt(sunday);
    expect(received(ANN)).toEqual(['Default: the office is open.']);

    const { profile } = await ok(admin, {
      type: 'account.update',
      quietHours: {
        start: '09:00',
        end: '17:00',
        days: ['sat', 'mon', 'tue', 'wed', 'thu', 'fri'],
      },
    });
    expect(profile.quietHours).toEqual({
      start: '09:00',
      end: '17:00',
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
    });
    // Desktops hear of it with the rest of the profile.
    expect(current().published.at(-1)).toMatchObject({
      type: 'account.updated',
      data: { quietHours: profile.quietHours, businessName: 'Acme Dental' },
    });

    // Mon–Sat only: on Sunday each recipient waits for Monday 9:00 in their zone.
    const held = await campaign('Custom');
    await sendAt(sunday);
    const waiting = await recipients(held.id);
    expect(waiting).toMatchObject({
      [ANN]: { status: 'waiting', reason: 'Quiet hours: sends at 9:00 their time, Mon–Sat' },
      [BEN]: { status: 'waiting', reason: 'Quiet hours: sends at 9:00 their time, Mon–Sat' },
    });
    const monday = new Date(waiting[ANN]?.send_at ?? '');
    expect(inNewYork(monday)).toBe('Mon 09:00');
    expect(monday.getTime() - sunday.getTime()).toBeLessThan(25 * HOUR);
    await sendAt(new Date(monday.getTime() - 60_000));
    expect(received(ANN)).toEqual(['Default: the office is open.']);
    await sendAt(monday);
    expect(received(ANN)).toEqual(['Default: the office is open.', 'Custom: the office is open.']);
    expect(snapshots(held.id).at(-1)).toMatchObject({ status: 'done' });

    // 5:30pm Monday is after the window's end: Tuesday 9:00.
    const late = await campaign('Late');
    await sendAt(new Date(monday.getTime() + 8.5 * HOUR));
    const tuesday = (await recipients(late.id))[BEN]?.send_at ?? '';
    expect(inNewYork(tuesday)).toBe('Tue 09:00');
    expect(received(BEN)).toHaveLength(2);
  });

  test('the gate runs once more as each text leaves: a member taken off the list meanwhile is not texted', async () => {
    server = await startTestServer(dialect);
    const supervisor = await current().user('supervisor');
    const { list } = await ok(supervisor, { type: 'list.create', name: 'Patients' });
    await ok(supervisor, {
      type: 'contacts.import',
      listId: list.id,
      rows: [
        { line: 1, phone: ANN },
        { line: 2, phone: BEN },
      ],
    });
    const { campaign } = await ok(supervisor, {
      type: 'campaign.send',
      name: 'Checkups',
      listId: list.id,
      purpose: 'transactional',
      body: 'Time for your checkup.',
    });
    // The carrier holds the first text; the second is made, queued, and waits its turn.
    const { simulator } = current();
    let reached: (to: string) => void = () => undefined;
    const first = new Promise<string>((resolve) => {
      reached = resolve;
    });
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const carrier: Carrier = {
      name: 'held',
      ...TEXT_ONLY,
      onStatus: (listener) => {
        simulator.onStatus(listener);
      },
      send: async (text) => {
        reached(text.to);
        await held;
        return simulator.send(text);
      },
    };
    const sender = new CampaignSender(
      { ...current().context, carrier, now: () => DAYTIME },
      (error) => {
        throw error;
      },
    );
    const running = sender.runDue();
    const other = (await first) === ANN ? BEN : ANN;
    await ok(supervisor, {
      type: 'contact.lists',
      contactId: await contactId(other),
      listId: list.id,
      member: false,
    });
    release();
    await running;
    await sender.close();
    await current().settled();
    expect(received(other)).toEqual([]);
    expect((await recipients(campaign.id))[other]).toMatchObject({
      status: 'skipped',
      reason: 'No longer on the list “Patients”',
    });
    const refused = await current()
      .storage.db.selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['messages.status', 'messages.error_message'])
      .where('conversations.contact_id', '=', await contactId(other))
      .where('messages.direction', '=', 'outbound')
      .executeTakeFirstOrThrow();
    expect(refused).toEqual({
      status: 'refused',
      error_message: 'No longer on the list “Patients”',
    });
  });

  test('progress is logged when it starts and ends, and at most about once a second between', async () => {
    server = await startTestServer(dialect);
    const supervisor = await current().user('supervisor');
    const { list } = await ok(supervisor, { type: 'list.create', name: 'Everyone' });
    const phones = Array.from({ length: 30 }, (_, i) => `+1201555${String(3000 + i)}`);
    await ok(supervisor, {
      type: 'contacts.import',
      listId: list.id,
      rows: phones.map((phone, index) => ({ line: index + 1, phone })),
    });
    current().simulator.setFailure(phones[0] ?? '', 'unreachable');
    const { campaign } = await ok(supervisor, {
      type: 'campaign.send',
      name: 'Everyone',
      listId: list.id,
      purpose: 'marketing',
      body: 'Open house on Saturday! Reply STOP to opt out.',
    });
    await sendAt(DAYTIME);
    // The receipts are in; the last of them is logged once its second is over.
    await sendAt(new Date(Date.now() + 2000));
    const logged = snapshots(campaign.id);
    expect(logged.length).toBeLessThan(10);
    expect(logged.map((snapshot) => snapshot.status)).toEqual(
      expect.arrayContaining(['sending', 'done']),
    );
    expect(logged.at(-1)).toMatchObject({
      status: 'done',
      counts: { recipients: 30, skipped: 0, waiting: 0, sent: 0, delivered: 29, failed: 1 },
    });
    const failed = await recipients(campaign.id);
    expect(failed[phones[0] ?? '']).toMatchObject({
      status: 'failed',
      reason: 'The phone is switched off or out of coverage.',
    });
    // Each recipient: taken in, then sent (unless the receipt came first), then delivered or failed.
    const moves = new Map<string, string[]>();
    for (const change of current().published) {
      if (change.type !== 'campaign.recipient' || change.data.campaignId !== campaign.id) continue;
      moves.set(change.data.contactId, [
        ...(moves.get(change.data.contactId) ?? []),
        change.data.status,
      ]);
    }
    expect(moves.size).toBe(30);
    for (const statuses of moves.values()) {
      expect(statuses[0]).toBe('waiting');
      expect(['delivered', 'failed']).toContain(statuses.at(-1));
      expect(statuses.length).toBeLessThanOrEqual(3);
    }
  });

  test('a campaign carries on after a restart, texting nobody twice', async () => {
    server = await startTestServer(dialect);
    const supervisor = await current().user('supervisor');
    const { list } = await ok(supervisor, { type: 'list.create', name: 'Big list' });
    const phones = Array.from({ length: 70 }, (_, i) => `+1201555${String(4000 + i)}`);
    await ok(supervisor, {
      type: 'contacts.import',
      listId: list.id,
      rows: phones.map((phone, index) => ({ line: index + 1, phone })),
    });
    const { campaign } = await ok(supervisor, {
      type: 'campaign.send',
      name: 'Big',
      listId: list.id,
      purpose: 'transactional',
      body: 'Your statement is ready.',
    });

    // The server stops as the first text goes out: the batch under way finishes, the rest waits.
    const context = current().context;
    const first: CampaignSender = new CampaignSender(
      {
        ...context,
        now: () => DAYTIME,
        publish: (accountId, changes) => {
          context.publish(accountId, changes);
          if (changes.some((change) => change.type === 'message.updated')) void first.close();
        },
      },
      (error) => {
        throw error;
      },
    );
    await first.runDue();
    await current().settled();
    const halfway = Object.values(await recipients(campaign.id));
    expect(halfway.filter((row) => row.status === 'waiting').length).toBeGreaterThan(0);
    expect(snapshots(campaign.id).at(-1)?.status).toBe('sending');

    await sendAt(DAYTIME);
    expect(Object.values(await recipients(campaign.id)).map((row) => row.status)).toEqual(
      phones.map(() => 'delivered'),
    );
    for (const phone of phones) expect(received(phone)).toEqual(['Your statement is ready.']);
    expect(snapshots(campaign.id).at(-1)).toMatchObject({ status: 'done' });
  });

  test('a scheduled campaign waits for its time', async () => {
    server = await startTestServer(dialect);
    const supervisor = await current().user('supervisor');
    const { list } = await ok(supervisor, { type: 'list.create', name: 'Later' });
    await ok(supervisor, {
      type: 'contacts.import',
      listId: list.id,
      rows: [{ line: 1, phone: ANN }],
    });
    const start = new Date(Date.now() + 48 * HOUR);
    start.setUTCHours(15, 0, 0, 0);
    const { campaign } = await ok(supervisor, {
      type: 'campaign.send',
      name: 'Later',
      listId: list.id,
      purpose: 'transactional',
      body: 'See you soon.',
      sendAt: start.toISOString(),
    });
    expect(campaign).toMatchObject({ status: 'scheduled', sendAt: start.toISOString() });
    await sendAt(new Date(start.getTime() - 60_000));
    expect(received(ANN)).toEqual([]);
    expect(await recipients(campaign.id)).toEqual({});
    await sendAt(start);
    expect(received(ANN)).toEqual(['See you soon.']);
    expect(snapshots(campaign.id).map((snapshot) => snapshot.status)).toEqual(
      expect.arrayContaining(['scheduled', 'sending', 'done']),
    );
  });
});
