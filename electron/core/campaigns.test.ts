/**
 * Campaigns through the desktop core, against the real backend on loopback:
 * the preview from the cache, sending with `commands.run`, and another
 * person's desktop following the campaign and its recipients as they sync.
 */
import { afterEach, expect, test } from 'vitest';
import { MISSING_OPT_OUT_WORDING } from '../../shared/campaigns';
import { DEFAULT_QUIET_HOURS } from '../../shared/consent';
import type {
  AccountView,
  CampaignPreview,
  CampaignRecipientPage,
  ConversationPage,
} from '../../shared/ipc';
import type { CampaignSnapshot } from '../../shared/protocol/campaigns';
import type { Change } from '../../shared/protocol/entities';
import { ADMIN, startTestApp } from '../../server/testing/app';
import { customerTexts, startSignedIn, type CoreHarness } from './testing/coreHarness';
import { windowExcludingNow } from './testing/quietWindow';

const ANN = '+12015550301';
const BEN = '+12015550302';
const CY = '+12015550303';
const DI = '+12015550304';
const AGENT = { email: 'dana@acme.test', password: 'a long agent password' };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups.length = 0;
});

async function signedIn(
  serverUrl: string,
  who: { email: string; password: string },
): Promise<CoreHarness> {
  const desk = await startSignedIn(serverUrl, who);
  cleanups.push(() => desk.stop());
  return desk;
}

/** Runs a command on a desktop and answers the server's value. */
async function command<T>(desk: CoreHarness, body: Record<string, unknown>): Promise<T> {
  const outcome = await desk.value<{ state: string; value: T }>('commands.run', { command: body });
  expect(outcome.state).toBe('done');
  return outcome.value;
}

const campaignChange =
  (match: (campaign: CampaignSnapshot) => boolean) => (changes: readonly Change[]) =>
    changes.some((change) => change.type === 'campaign.updated' && match(change.data));

test('a supervisor’s campaign: the preview matches what the server skips, and another desktop follows it', async () => {
  const app = await startTestApp('sqlite', { TEXTDESK_BUSINESS_NAME: 'Acme Dental' });
  cleanups.push(() => app.close());
  const response = await fetch(`${app.server.url}/api/v1/users`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${app.adminToken}` },
    body: JSON.stringify({ ...AGENT, name: 'Dana', role: 'agent' }),
  });
  expect(response.status).toBe(201);
  // Each customer has texted today, so quiet hours hold nobody whenever the test runs.
  for (const phone of [ANN, BEN, CY, DI]) await customerTexts(app.server.url, phone, 'Hello');
  await customerTexts(app.server.url, BEN, 'STOP');

  const admin = await signedIn(app.server.url, ADMIN);
  const dana = await signedIn(app.server.url, AGENT);
  const { lists } = await admin.value<AccountView>('inbox.account');
  const marketing = lists.find((list) => list.kind === 'marketing')?.id ?? '';
  const optOutList = lists.find((list) => list.kind === 'marketing-opt-out')?.id ?? '';
  await admin.until('data.changed', (changes) =>
    changes.some((change) => change.type === 'message.created' && change.data.body === 'STOP'),
  );
  const rows = (await admin.value<ConversationPage>('inbox.conversations', { filter: 'open' }))
    .rows;
  const idOf = (phone: string) => rows.find((row) => row.phone === phone)?.contactId ?? '';
  for (const phone of [ANN, BEN, CY, DI]) {
    await command(admin, {
      type: 'contact.lists',
      contactId: idOf(phone),
      listId: marketing,
      member: true,
    });
  }
  await command(admin, { type: 'contact.block', contactId: idOf(CY) });
  await command(admin, {
    type: 'contact.lists',
    contactId: idOf(DI),
    listId: optOutList,
    member: true,
  });
  await dana.until('data.changed', (changes) =>
    changes.some(
      (change) =>
        change.type === 'contact.updated' &&
        change.data.id === idOf(DI) &&
        change.data.lists.includes(optOutList),
    ),
  );

  const expected: CampaignPreview = {
    willReceive: 1,
    skipped: [
      { reason: 'opted-out', label: 'Opted out', count: 1 },
      { reason: 'blocked', label: 'Blocked', count: 1 },
      {
        reason: 'suppressed',
        label: 'On the “Marketing Opt-Out” list: no marketing',
        count: 1,
      },
    ],
    // Everyone texted today: a campaign to them is a reply, never held by quiet hours.
    quiet: { hours: DEFAULT_QUIET_HOURS, outsideNow: 0 },
  };
  const preview = { listId: marketing, purpose: 'marketing' };
  expect(await admin.value('campaigns.preview', preview)).toEqual(expected);
  expect(await dana.value('campaigns.preview', preview)).toEqual(expected);
  expect(
    await dana.value('campaigns.preview', { listId: marketing, purpose: 'transactional' }),
  ).toEqual({ willReceive: 2, skipped: expected.skipped.slice(0, 2), quiet: expected.quiet });

  const campaign = {
    type: 'campaign.send',
    name: 'Spring sale',
    listId: marketing,
    purpose: 'marketing',
    body: 'Hi {{first_name}}, spring sale at {{business_name}}!',
  };
  // Refused on the desktop, with the server's words and the field: nothing waits in the outbox.
  expect(await admin.call('commands.run', { command: campaign })).toEqual({
    ok: false,
    error: {
      code: 'invalid-input',
      message: MISSING_OPT_OUT_WORDING,
      problems: [{ path: 'body', message: MISSING_OPT_OUT_WORDING }],
    },
  });
  const withWording = { ...campaign, body: `${campaign.body}\nReply STOP to opt out.` };
  expect(await dana.call('commands.run', { command: withWording })).toEqual({
    ok: false,
    error: { code: 'not-allowed', message: 'Only supervisors and admins can send campaigns.' },
  });

  const { campaign: sent } = await command<{ campaign: CampaignSnapshot }>(admin, withWording);
  expect(sent).toMatchObject({ name: 'Spring sale', status: 'sending' });

  // Dana's desktop hears it through to the end: Ann's text delivered, three skipped.
  await dana.until(
    'data.changed',
    campaignChange((snapshot) => snapshot.id === sent.id && snapshot.counts.delivered === 1),
  );
  const [listed] = await dana.value<CampaignSnapshot[]>('campaigns.list');
  expect(listed).toMatchObject({
    id: sent.id,
    status: 'done',
    counts: { recipients: 4, skipped: 3, waiting: 0, sent: 0, delivered: 1, failed: 0 },
  });
  // What the preview said is what the server did.
  expect(listed?.counts.skipped).toBe(
    expected.skipped.reduce((total, group) => total + group.count, 0),
  );
  expect((listed?.counts.recipients ?? 0) - (listed?.counts.skipped ?? 0)).toBe(
    expected.willReceive,
  );
  const recipients = await dana.value<CampaignRecipientPage>('campaigns.recipients', {
    campaignId: sent.id,
  });
  expect(recipients.next).toBeNull();
  const byPhone = Object.fromEntries(recipients.rows.map((row) => [row.phone, row]));
  expect(byPhone).toMatchObject({
    [ANN]: { status: 'delivered', reason: null },
    [BEN]: {
      status: 'skipped',
      reason: expect.stringMatching(/^Opted out: replied STOP on \d{1,2} \w{3} \d{4}$/u) as unknown,
    },
    [CY]: { status: 'skipped', reason: 'Blocked' },
    [DI]: { status: 'skipped', reason: 'On the “Marketing Opt-Out” list: no marketing' },
  });
  expect(app.server.simulator?.received(ANN).map((text) => text.body)).toEqual([
    'Hi, spring sale at Acme Dental!\nReply STOP to opt out.',
  ]);

  // A page at a time, by contact id.
  const first = await dana.value<CampaignRecipientPage>('campaigns.recipients', {
    campaignId: sent.id,
    limit: 3,
  });
  expect(first.rows).toHaveLength(3);
  const rest = await dana.value<CampaignRecipientPage>('campaigns.recipients', {
    campaignId: sent.id,
    after: first.next,
    limit: 3,
  });
  expect([...first.rows, ...rest.rows]).toEqual(recipients.rows);
  expect(rest.next).toBeNull();
});

test('the account’s quiet hours: the preview says how many would wait now, and the server holds just those', async () => {
  const app = await startTestApp('sqlite');
  cleanups.push(() => app.close());
  const admin = await signedIn(app.server.url, ADMIN);
  const { lists } = await admin.value<AccountView>('inbox.account');
  const marketing = lists.find((list) => list.kind === 'marketing');
  // Two New Jersey numbers (New York time) imported, never texted; Ann texted in today.
  await command(admin, {
    type: 'contacts.import',
    listId: marketing?.id,
    rows: [
      { line: 2, phone: BEN, name: 'Ben', optedIn: true },
      { line: 3, phone: CY, name: 'Cy', optedIn: true },
      { line: 4, phone: ANN, name: 'Ann', optedIn: true },
    ],
  });
  await customerTexts(app.server.url, ANN, 'Hi there');
  await admin.until('data.changed', (changes) =>
    changes.some((change) => change.type === 'message.created' && change.data.body === 'Hi there'),
  );
  const preview = { listId: marketing?.id, purpose: 'transactional' };
  expect(await admin.value<CampaignPreview>('campaigns.preview', preview)).toMatchObject({
    willReceive: 3,
  });

  const hours = windowExcludingNow('America/New_York');
  await command(admin, { type: 'account.update', quietHours: hours });
  await admin.until('data.changed', (changes) =>
    changes.some(
      (change) => change.type === 'account.updated' && change.data.quietHours.start === hours.start,
    ),
  );
  expect(await admin.value<CampaignPreview>('campaigns.preview', preview)).toEqual({
    willReceive: 3,
    skipped: [],
    quiet: { hours, outsideNow: 2 },
  });

  const { campaign } = await command<{ campaign: CampaignSnapshot }>(admin, {
    type: 'campaign.send',
    name: 'Appointment reminders',
    listId: marketing?.id,
    purpose: 'transactional',
    body: 'Your appointment is tomorrow.',
  });
  await admin.until(
    'data.changed',
    campaignChange(
      (snapshot) =>
        snapshot.id === campaign.id &&
        snapshot.counts.delivered === 1 &&
        snapshot.counts.waiting === 2,
    ),
  );
  const { rows } = await admin.value<CampaignRecipientPage>('campaigns.recipients', {
    campaignId: campaign.id,
  });
  expect(Object.fromEntries(rows.map((row) => [row.phone, row.reason]))).toEqual({
    [ANN]: null,
    [BEN]: expect.stringMatching(/^Quiet hours: sends at/u) as unknown,
    [CY]: expect.stringMatching(/^Quiet hours: sends at/u) as unknown,
  });
});
