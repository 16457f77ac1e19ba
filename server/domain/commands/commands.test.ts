import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import { DEFAULT_QUIET_HOURS } from '../../../shared/consent';
import { CommandSchema, type Command, type CommandValue } from '../../../shared/protocol/commands';
import type { SessionUser } from '../../auth/sessions';
import { TEXT_ONLY, type Carrier } from '../../carriers/types';
import { serverPerTest, textFrom } from '../../testing/context';
import { DIALECTS } from '../../testing/storage';
import { createAccount } from '../../accounts/accounts';
import { forgetOldKeys, runCommand } from './index';

const CUSTOMER = '+12015550123';

const samplePng = (): Promise<Buffer> =>
  sharp({ create: { width: 200, height: 100, channels: 3, background: '#48c' } })
    .png()
    .toBuffer();
const { start, current } = serverPerTest();

const inbound = (body: string, from = CUSTOMER) => textFrom(current(), from, body);

async function run<C extends Command>(
  user: SessionUser,
  command: C,
  key: string | null = randomUUID(),
) {
  const outcome = await runCommand(current().context, user, key, command, 'desktop');
  await outcome.sending;
  await current().settled();
  return outcome;
}

async function ok<C extends Command>(
  user: SessionUser,
  command: C,
  key?: string,
): Promise<CommandValue<C['type']>> {
  const { result } = await run(user, command, key);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

const contactRow = (id: string) =>
  current()
    .storage.db.selectFrom('contacts')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

const history = (contactId: string) =>
  current()
    .storage.db.selectFrom('consent_history')
    .select(['change', 'source', 'text'])
    .where('contact_id', '=', contactId)
    .orderBy('id')
    .execute();

const listId = async (name: string) =>
  (
    await current()
      .storage.db.selectFrom('lists')
      .select('id')
      .where('name', '=', name)
      .executeTakeFirstOrThrow()
  ).id;

describe.each(DIALECTS)('commands on %s', (dialect) => {
  test('an agent replies in a conversation: stored, sent to the phone, delivered, and published', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent', 'Dana');
    const { conversationId } = await inbound('Can I move my appointment?');
    const { message } = await ok(agent, {
      type: 'message.send',
      conversationId,
      body: 'Sure, Thursday at 3 works.',
    });
    expect(message).toMatchObject({ direction: 'outbound', status: 'queued', authorId: agent.id });
    expect(server.simulator.thread(CUSTOMER).map((text) => text.body)).toContain(
      'Sure, Thursday at 3 works.',
    );
    const stored = await server.storage.db
      .selectFrom('messages')
      .select('status')
      .where('id', '=', message.id)
      .executeTakeFirstOrThrow();
    expect(stored.status).toBe('delivered');
    expect(server.published.some((change) => change.type === 'message.created')).toBe(true);
  });

  test('a replayed key returns the first result and texts the customer once', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent');
    const { conversationId } = await inbound('hello?');
    const key = randomUUID();
    const command: Command = { type: 'message.send', conversationId, body: 'Hi! How can we help?' };
    const first = await run(agent, command, key);
    const again = await run(agent, command, key);
    expect(again.replayed).toBe(true);
    expect(again.result).toEqual(first.result);
    const sent = server.simulator.thread(CUSTOMER).filter((text) => text.direction === 'received');
    expect(sent).toHaveLength(1);
    const reused = await run(agent, { ...command, body: 'Something else' }, key);
    expect(reused.result).toMatchObject({ ok: false, error: { code: 'key-reused' } });
  });

  test('a text with a picture is sent as an MMS with the picture, after the send gate, and one with neither words nor files is refused', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent');
    const { conversationId } = await inbound('Where are you?');
    const media = server.context.media;
    if (media === undefined) throw new Error('The test server keeps media.');
    const picture = await media.ingest({
      accountId: server.accountId,
      source: 'upload',
      body: Readable.from([await samplePng()]),
      filename: 'map.png',
    });
    if (!picture.ok) throw new Error(picture.error.message);

    const sent = await ok(agent, {
      type: 'message.send',
      conversationId,
      body: 'Here is the map',
      mediaIds: [picture.value.id],
    });
    expect(sent.message.media.map((item) => item.id)).toEqual([picture.value.id]);
    expect(sent.shrunk).toEqual([]);
    const [received] = server.simulator.received(CUSTOMER);
    expect(received?.body).toBe('Here is the map');
    expect(received?.media).toHaveLength(1);
    expect(received?.media[0]?.url).toMatch(/\/media\/.+\/original\?expires=\d+&signature=/u);

    const unknown = await run(agent, {
      type: 'message.send',
      conversationId,
      body: 'And this',
      mediaIds: ['no-such-file'],
    });
    expect(unknown.result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(
      CommandSchema.safeParse({ type: 'message.send', conversationId, body: ' ' }).success,
    ).toBe(false);
    expect(
      CommandSchema.safeParse({ type: 'message.send', conversationId, body: '', mediaIds: ['m1'] })
        .success,
    ).toBe(true);
    // Neither the unknown file's text nor anything else went out as a plain SMS.
    expect(server.simulator.received(CUSTOMER)).toHaveLength(1);
  });

  test("an opted-out contact's MMS is refused for consent before its files are looked at", async () => {
    const server = await start(dialect);
    const agent = await server.user('agent');
    const { conversationId } = await inbound('STOP');
    const refused = await run(agent, {
      type: 'message.send',
      conversationId,
      body: '',
      mediaIds: ['no-such-file'],
    });
    expect(refused.result).toMatchObject({ ok: false, error: { code: 'opted-out' } });
    expect(server.simulator.received(CUSTOMER).filter((text) => text.media.length > 0)).toEqual([]);
  });

  test('keys are remembered for 30 days, then forgotten', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent');
    await ok(agent, { type: 'list.create', name: 'Walk-ins' }, 'walk-ins-list-1');
    const keys = () => current().storage.db.selectFrom('idempotency').select('key').execute();
    const day = 24 * 60 * 60 * 1000;
    await forgetOldKeys(server.storage.db, new Date(Date.now() + 29 * day));
    expect(await keys()).toHaveLength(1);
    await forgetOldKeys(server.storage.db, new Date(Date.now() + 31 * day));
    expect(await keys()).toHaveLength(0);
  });

  test('the same key sent twice at once runs once', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent');
    const { conversationId } = await inbound('hello?');
    const key = randomUUID();
    const command: Command = { type: 'message.send', conversationId, body: 'Only once, please' };
    const runs = await Promise.all([run(agent, command, key), run(agent, command, key)]);
    expect(runs[0].result).toEqual(runs[1].result);
    const rows = await server.storage.db
      .selectFrom('messages')
      .select('id')
      .where('body', '=', 'Only once, please')
      .execute();
    expect(rows).toHaveLength(1);
  });

  test('a reply to a contact who texted STOP is refused with the reason and nothing is stored', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent');
    const { conversationId } = await inbound('STOP');
    const { result } = await run(agent, { type: 'message.send', conversationId, body: 'But wait' });
    expect(result).toMatchObject({ ok: false, error: { code: 'opted-out' } });
    expect(result.ok ? '' : result.error.message).toMatch(/^Opted out: replied STOP on /u);
    const outbound = await server.storage.db
      .selectFrom('messages')
      .select('id')
      .where('direction', '=', 'outbound')
      .execute();
    expect(outbound).toHaveLength(0);
    expect(server.simulator.thread(CUSTOMER).filter((t) => t.direction === 'received')).toEqual([]);
  });

  test('texting a new number starts a conversation with a new contact', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent');
    const { message } = await ok(agent, {
      type: 'message.send',
      to: '(201) 555-0177',
      body: 'Your order is ready.',
    });
    const conversation = await server.storage.db
      .selectFrom('conversations')
      .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
      .select(['contacts.phone'])
      .where('conversations.id', '=', message.conversationId)
      .executeTakeFirstOrThrow();
    expect(conversation.phone).toBe('+12015550177');
    const bad = await run(agent, { type: 'message.send', to: '555', body: 'x' });
    expect(bad.result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  test('a number texted first from the app or the REST API starts its history with who did it (R12)', async () => {
    const server = await start(dialect);
    const dana = await server.user('agent', 'Dana');
    const zapier = await server.user('agent', 'Zapier');
    const sent = async (user: SessionUser, to: string, origin: 'desktop' | 'api') => {
      const outcome = await runCommand(
        server.context,
        user,
        randomUUID(),
        { type: 'message.send', to, body: 'Your order is ready.' },
        origin,
      );
      await outcome.sending;
      if (!outcome.result.ok) throw new Error(outcome.result.error.message);
      return outcome.result.value.message.conversationId;
    };
    const firstEntry = async (conversationId: string) => {
      const { contact_id: contactId } = await server.storage.db
        .selectFrom('conversations')
        .select('contact_id')
        .where('id', '=', conversationId)
        .executeTakeFirstOrThrow();
      return server.storage.db
        .selectFrom('consent_history')
        .select(['change', 'source', 'actor'])
        .where('contact_id', '=', contactId)
        .orderBy('id')
        .execute();
    };
    const mark = server.published.length;
    const fromApp = await sent(dana, '(201) 555-0178', 'desktop');
    expect(await firstEntry(fromApp)).toEqual([
      {
        change: 'created',
        source: 'send',
        actor: JSON.stringify({ kind: 'user', id: dana.id, name: 'Dana', role: 'agent' }),
      },
    ]);
    // Desktops hear of the contact, then how it came to be, before its conversation.
    expect(server.published.slice(mark, mark + 3).map((change) => change.type)).toEqual([
      'contact.updated',
      'consent.recorded',
      'message.created',
    ]);
    const fromApi = await sent(zapier, '+12015550179', 'api');
    expect(await firstEntry(fromApi)).toMatchObject([{ change: 'created', source: 'api' }]);
    expect(JSON.parse((await firstEntry(fromApi))[0]?.actor ?? 'null')).toMatchObject({
      name: 'Zapier',
    });
    // Texting them again, or a number that texted us, creates nothing more.
    await sent(dana, '(201) 555-0178', 'desktop');
    expect(await firstEntry(fromApp)).toHaveLength(1);
    const customer = await inbound('hello');
    const again = await sent(dana, CUSTOMER, 'desktop');
    expect(again).toBe(customer.conversationId);
    expect(await firstEntry(again)).toMatchObject([{ change: 'created', source: 'inbound' }]);
    // Being created is no opt-out: nothing is queued for the opt-out webhook.
    expect(await server.storage.db.selectFrom('webhook_deliveries').selectAll().execute()).toEqual(
      [],
    );
  });

  test('an agent cannot block, unblock or edit triggers; a supervisor can block, and the contact is opted out', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent');
    const supervisor = await server.user('supervisor', 'Sam');
    const { contactId } = await inbound('you people are the worst');
    const forbidden: Command[] = [
      { type: 'contact.block', contactId },
      { type: 'contact.unblock', contactId },
      { type: 'triggers.update', triggers: [] },
    ];
    for (const command of forbidden) {
      const { result } = await run(agent, command);
      expect(result).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    }
    const { result } = await run(agent, { type: 'contact.block', contactId });
    expect(result.ok ? '' : result.error.message).toBe(
      'Only supervisors and admins can block contacts.',
    );
    expect(await contactRow(contactId)).toMatchObject({ blocked: 0, opted_in: 1 });

    const { contact } = await ok(supervisor, { type: 'contact.block', contactId, note: 'abusive' });
    expect(contact).toMatchObject({ blocked: true, optedIn: false });
    expect(contact.optOut).toMatchObject({ source: 'blocked', by: 'Sam' });
    expect(await history(contactId)).toEqual([
      { change: 'created', source: 'inbound', text: null },
      { change: 'blocked', source: null, text: 'abusive' },
      { change: 'opted-out', source: 'blocked', text: null },
    ]);
  });

  test('opting in a blocked contact says "Unblock first"; without a note it asks how they consented', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent');
    const supervisor = await server.user('supervisor');
    const { contactId } = await inbound('STOP');
    const noNote = await run(agent, { type: 'contact.optIn', contactId, note: '  ' });
    expect(noNote.result).toMatchObject({ ok: false, error: { code: 'note-required' } });
    await ok(supervisor, { type: 'contact.block', contactId });
    const blocked = await run(agent, {
      type: 'contact.optIn',
      contactId,
      note: 'asked on the phone',
    });
    expect(blocked.result).toEqual({
      ok: false,
      error: { code: 'unblock-first', message: 'Unblock first' },
    });
    await ok(supervisor, { type: 'contact.unblock', contactId });
    expect(await contactRow(contactId)).toMatchObject({ blocked: 0, opted_in: 0 });
    const { contact } = await ok(agent, {
      type: 'contact.optIn',
      contactId,
      note: 'asked on the phone 23 Nov',
    });
    expect(contact.optedIn).toBe(true);
    expect((await history(contactId)).at(-1)).toEqual({
      change: 'opted-in',
      source: 'manual',
      text: 'asked on the phone 23 Nov',
    });
  });

  test('lists: an agent toggles a contact onto and off a list; unknown lists are refused', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent');
    const { contactId } = await inbound('hi');
    const marketing = await listId('Marketing');
    expect(
      (await ok(agent, { type: 'contact.lists', contactId, listId: marketing, member: true }))
        .contact.lists,
    ).toEqual([marketing]);
    expect(
      (await ok(agent, { type: 'contact.lists', contactId, listId: marketing, member: false }))
        .contact.lists,
    ).toEqual([]);
    const unknown = await run(agent, {
      type: 'contact.lists',
      contactId,
      listId: 'nope',
      member: true,
    });
    expect(unknown.result).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const { list } = await ok(agent, { type: 'list.create', name: 'VIP patients' });
    const duplicate = await run(agent, { type: 'list.create', name: 'vip PATIENTS' });
    expect(duplicate.result).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: 'There is already a list called “VIP patients”.' },
    });
    expect(server.published.some((c) => c.type === 'list.updated' && c.data.id === list.id)).toBe(
      true,
    );
  });

  test('another account’s contacts and conversations read as not found', async () => {
    const server = await start(dialect);
    const { contactId, conversationId } = await inbound('hi');
    const otherAccount = await createAccount(
      server.storage.db,
      { name: 'Other Co', defaultCountry: 'US', businessNumber: '+12015550199' },
      new Date(),
    );
    const stranger: SessionUser = { ...(await server.user('admin')), accountId: otherAccount };
    const elsewhere: Command[] = [
      { type: 'contact.optOut', contactId },
      { type: 'contact.block', contactId },
      { type: 'conversation.close', conversationId },
      { type: 'message.send', conversationId, body: 'hello from elsewhere' },
    ];
    for (const command of elsewhere) {
      const { result } = await run(stranger, command);
      expect(result).toMatchObject({ ok: false, error: { code: 'not-found' } });
    }
    expect(await contactRow(contactId)).toMatchObject({ opted_in: 1, blocked: 0 });
  });

  test('assign, close, reopen, notes and reads', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent', 'Dana');
    const other = await server.user('agent', 'Lee');
    const { conversationId } = await inbound('hello');
    expect(
      (await ok(agent, { type: 'conversation.assign', conversationId, assigneeId: other.id }))
        .conversation.assigneeId,
    ).toBe(other.id);
    const nobody = await run(agent, {
      type: 'conversation.assign',
      conversationId,
      assigneeId: randomUUID(),
    });
    expect(nobody.result).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(
      (await ok(agent, { type: 'conversation.close', conversationId })).conversation.status,
    ).toBe('closed');
    expect(
      (await ok(agent, { type: 'conversation.reopen', conversationId })).conversation.status,
    ).toBe('open');
    const { message } = await ok(agent, {
      type: 'note.add',
      conversationId,
      body: 'Called them back',
    });
    expect(message).toMatchObject({ direction: 'note', status: 'none' });
    expect(server.simulator.thread(CUSTOMER).some((t) => t.body === 'Called them back')).toBe(
      false,
    );
    const { read } = await ok(agent, { type: 'conversation.read', conversationId });
    expect(read).toMatchObject({ conversationId, userId: agent.id });
  });

  test('a possible opt-out: dismissed, it stays opted in; confirmed, the contact is opted out with the text quoted', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent', 'Dana');
    const complaint = 'stop sending me these promos, this is so annoying';
    const first = await inbound(complaint);
    expect((await contactRow(first.contactId)).opted_in).toBe(1);
    const dismissed = await ok(agent, {
      type: 'message.reviewOptOut',
      messageId: first.messageId,
      optOut: false,
    });
    expect(dismissed.message.possibleOptOut).toBe(false);
    expect((await contactRow(first.contactId)).opted_in).toBe(1);

    const second = await inbound(`${complaint}!!`);
    const confirmed = await ok(agent, {
      type: 'message.reviewOptOut',
      messageId: second.messageId,
      optOut: true,
    });
    expect(confirmed.message.possibleOptOut).toBe(false);
    expect((await contactRow(second.contactId)).opted_in).toBe(0);
    expect((await history(second.contactId)).at(-1)).toMatchObject({
      change: 'opted-out',
      source: 'manual',
      text: `Confirmed a possible opt-out: “${complaint}!!”`,
    });
    // Settled once: asking again changes nothing, and another account's message is not found.
    expect(
      (await ok(agent, { type: 'message.reviewOptOut', messageId: first.messageId, optOut: true }))
        .message.possibleOptOut,
    ).toBe(false);
    expect(
      (await history(second.contactId)).filter((entry) => entry.change === 'opted-out'),
    ).toHaveLength(1);
    const missing = await run(agent, {
      type: 'message.reviewOptOut',
      messageId: randomUUID(),
      optOut: true,
    });
    expect(missing.result).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  test('triggers: a supervisor saves a set; opt-out words and duplicates are refused with where they are', async () => {
    const server = await start(dialect);
    const supervisor = await server.user('supervisor');
    const marketing = await listId('Marketing');
    const refused = await run(supervisor, {
      type: 'triggers.update',
      triggers: [
        {
          name: 'Hours',
          keywords: ['HOURS', 'STOP'],
          reply: 'Open 9-5',
          addToLists: [],
          removeFromLists: [],
        },
        { name: 'Open', keywords: ['hours'], reply: null, addToLists: [], removeFromLists: [] },
      ],
    });
    expect(refused.result.ok).toBe(false);
    if (!refused.result.ok) {
      expect(refused.result.error.code).toBe('invalid-input');
      expect(refused.result.error.problems?.map((problem) => problem.path)).toEqual([
        'triggers.0.keywords.0',
        'triggers.0.keywords.1',
        'triggers.1.keywords.0',
      ]);
    }
    const { triggers, warnings } = await ok(supervisor, {
      type: 'triggers.update',
      triggers: [
        {
          name: 'Hours',
          keywords: ['HOURS'],
          reply: 'Open 9-5, Mon-Fri.',
          addToLists: [marketing],
          removeFromLists: [],
        },
        { name: 'Help', keywords: ['HELP'], reply: 'Call us', addToLists: [], removeFromLists: [] },
      ],
    });
    expect(triggers.triggers.map((trigger) => trigger.name)).toEqual(['Hours', 'Help']);
    expect(warnings.map((warning) => warning.keyword)).toEqual(['HELP']);
    const { contactId, queued } = await inbound('hours?');
    expect(queued).toHaveLength(1);
    expect((await contactRow(contactId)).id).toBe(contactId);
    const members = await server.storage.db
      .selectFrom('list_members')
      .select('list_id')
      .where('contact_id', '=', contactId)
      .execute();
    expect(members.map((member) => member.list_id)).toEqual([marketing]);
  });

  test('a new account starts with the default templates, and its profile and templates are in the log', async () => {
    const server = await start(dialect);
    const log = await server.storage.db
      .selectFrom('change_log')
      .select(['type', 'data'])
      .where('account_id', '=', server.accountId)
      .orderBy('seq')
      .execute();
    const data = (type: string) =>
      JSON.parse(log.find((row) => row.type === type)?.data ?? 'null') as unknown;
    expect(data('account.updated')).toEqual({
      accountId: server.accountId,
      businessName: 'Acme Dental',
      defaultCountry: 'US',
      timeZone: null,
      businessNumbers: ['+12015550100'],
      quietHours: DEFAULT_QUIET_HOURS,
      mediaRetentionDays: null,
    });
    expect(data('templates.updated')).toMatchObject({
      accountId: server.accountId,
      templates: [
        { name: 'Thanks', body: expect.stringContaining('{{first_name}}') as unknown },
        { name: 'Hours', body: expect.stringContaining('{{business_name}}') as unknown },
        { name: 'Follow-up' },
      ],
    });
  });

  test('templates: an agent is refused in words; a supervisor replaces the set, keeping ids', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent');
    const supervisor = await server.user('supervisor');
    const refused = await run(agent, { type: 'templates.update', templates: [] });
    expect(refused.result).toEqual({
      ok: false,
      error: {
        code: 'not-allowed',
        message: 'Only supervisors and admins can edit reply templates.',
      },
    });
    const before = await server.storage.db
      .selectFrom('templates')
      .select(['id', 'name', 'created_at'])
      .where('account_id', '=', server.accountId)
      .orderBy('position')
      .execute();
    expect(before).toHaveLength(3);
    const [thanks] = before as [(typeof before)[number]];

    const { templates } = await ok(supervisor, {
      type: 'templates.update',
      templates: [
        { name: 'Directions', body: 'We are at 12 Main St, {{first_name}}.' },
        { id: thanks.id, name: 'Thanks', body: 'Thank you, {{first_name}}!' },
      ],
    });
    expect(templates).toMatchObject({
      accountId: server.accountId,
      templates: [
        { name: 'Directions', body: 'We are at 12 Main St, {{first_name}}.' },
        { id: thanks.id, name: 'Thanks', body: 'Thank you, {{first_name}}!' },
      ],
    });
    const after = await server.storage.db
      .selectFrom('templates')
      .select(['id', 'created_at'])
      .where('account_id', '=', server.accountId)
      .orderBy('position')
      .execute();
    expect(after).toHaveLength(2);
    expect(after[1]).toEqual({ id: thanks.id, created_at: thanks.created_at });
    expect(server.published.at(-1)).toMatchObject({ type: 'templates.updated', data: templates });
  });

  test('templates: an unknown id or a name used twice refuses the save, saying where', async () => {
    const server = await start(dialect);
    const supervisor = await server.user('supervisor');
    const published = server.published.length;
    const { result } = await run(supervisor, {
      type: 'templates.update',
      templates: [
        { name: 'Hours', body: 'Open 9 to 5.' },
        { id: 'not-a-template', name: 'Parking', body: 'Park behind the shop.' },
        { name: 'hours', body: 'Open 9 to 6.' },
      ],
    });
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-input',
        message: '“Parking”: there is no such template to change. (and 1 more)',
        problems: [
          { path: 'templates.1.id', message: '“Parking”: there is no such template to change.' },
          { path: 'templates.2.name', message: 'There are two templates called “Hours”.' },
        ],
      },
    });
    expect(server.published).toHaveLength(published);
    const stored = await server.storage.db
      .selectFrom('templates')
      .select('name')
      .where('account_id', '=', server.accountId)
      .orderBy('position')
      .execute();
    expect(stored.map((row) => row.name)).toEqual(['Thanks', 'Hours', 'Follow-up']);
  });

  test('import: good rows are imported, bad ones reported by line, and nobody opted out is opted back in', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent');
    const { contactId: stopped } = await inbound('STOP', '+12015550150');
    const report = await ok(agent, {
      type: 'contacts.import',
      rows: [
        { line: 2, phone: '(201) 555-0140', name: 'Ann', lists: ['marketing'], optedIn: true },
        { line: 3, phone: '12345', name: 'Typo' },
        { line: 4, phone: '201-555-0150', name: 'Bo', optedIn: true },
        { line: 5, phone: '201 555 0160', lists: ['No such list'] },
        { line: 6, phone: '+1 201 555 0170', optedIn: false },
      ],
    });
    expect(report.created).toBe(2);
    expect(report.updated).toBe(1);
    expect(report.keptOptedOut).toEqual([4]);
    expect(report.errors.map((error) => error.line)).toEqual([3, 5]);
    expect(report.errors[1]?.message).toBe('There is no list called “No such list”.');
    expect(await contactRow(stopped)).toMatchObject({ name: 'Bo', opted_in: 0 });
    const imported = await server.storage.db
      .selectFrom('contacts')
      .select(['phone', 'name', 'opted_in'])
      .where('phone', 'in', ['+12015550140', '+12015550170'])
      .orderBy('phone')
      .execute();
    expect(imported).toEqual([
      { phone: '+12015550140', name: 'Ann', opted_in: 1 },
      { phone: '+12015550170', name: '', opted_in: 0 },
    ]);

    const optOutList = await ok(agent, {
      type: 'contacts.import',
      rows: [{ line: 2, phone: '(201) 555-0140' }],
      optOutList: true,
    });
    expect(optOutList.errors).toEqual([]);
    const ann = await server.storage.db
      .selectFrom('contacts')
      .selectAll()
      .where('phone', '=', '+12015550140')
      .executeTakeFirstOrThrow();
    expect(ann.opted_in).toBe(0);
    expect((await history(ann.id)).at(-1)).toMatchObject({ change: 'opted-out', source: 'import' });
  });

  test('commands at the same moment all stand: an assignment and a reply, two lists of one name', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent', 'Dana');
    const other = await server.user('agent', 'Lee');
    const { conversationId } = await inbound('hello');
    await Promise.all([
      ok(other, { type: 'conversation.assign', conversationId, assigneeId: other.id }),
      ok(agent, { type: 'message.send', conversationId, body: 'On it' }),
      ok(agent, { type: 'conversation.close', conversationId }),
    ]);
    const conversation = await server.storage.db
      .selectFrom('conversations')
      .select(['assignee_id', 'status'])
      .where('id', '=', conversationId)
      .executeTakeFirstOrThrow();
    expect(conversation).toEqual({ assignee_id: other.id, status: 'closed' });
    const last = server.published.filter(
      (change) => change.type === 'conversation.updated' && change.data.id === conversationId,
    );
    expect(last.at(-1)?.data).toMatchObject({ assigneeId: other.id, status: 'closed' });

    const lists = await Promise.all([
      run(agent, { type: 'list.create', name: 'Walk-ins' }),
      run(other, { type: 'list.create', name: 'walk-ins' }),
    ]);
    expect(lists.map(({ result }) => (result.ok ? 'ok' : result.error.code)).sort()).toEqual([
      'conflict',
      'ok',
    ]);
  });

  test('a carrier that fails to answer leaves the text failed with a reason, not stuck sending', async () => {
    const server = await start(dialect);
    const agent = await server.user('agent');
    const { conversationId } = await inbound('hello');
    const broken: Carrier = {
      name: 'broken',
      ...TEXT_ONLY,
      onStatus: () => undefined,
      send: () => Promise.reject(new Error('connection reset')),
    };
    const outcome = await runCommand(
      { ...current().context, carrier: broken },
      agent,
      randomUUID(),
      { type: 'message.send', conversationId, body: 'Are you there?' },
      'desktop',
    );
    await outcome.sending;
    if (!outcome.result.ok) throw new Error(outcome.result.error.message);
    const message = await server.storage.db
      .selectFrom('messages')
      .select(['status', 'error_code'])
      .where('id', '=', outcome.result.value.message.id)
      .executeTakeFirstOrThrow();
    expect(message).toEqual({ status: 'failed', error_code: 'carrier-error' });
  });
});
