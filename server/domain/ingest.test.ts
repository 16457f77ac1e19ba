import { afterEach, describe, expect, test } from 'vitest';
import { DIALECTS } from '../testing/storage';
import { startTestServer, type TestServer } from '../testing/context';
import { ingestInbound } from './ingest';
import { sendQueued } from './outbound';

const CUSTOMER = '+12015550123';
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

let counter = 0;
async function text(body: string, from = '(201) 555-0123', carrierId = `SMtest${(counter += 1)}`) {
  if (server === undefined) throw new Error('no server');
  const result = await ingestInbound(
    server.context.db,
    { from, to: '+1 201 555 0100', body, carrierId },
    { defaultCountry: 'US', now: new Date() },
  );
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

function db() {
  if (server === undefined) throw new Error('no server');
  return server.storage.db;
}

const messagesOf = (conversationId: string) =>
  db()
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy('created_at')
    .orderBy('direction')
    .execute();

const contactOf = (contactId: string) =>
  db().selectFrom('contacts').selectAll().where('id', '=', contactId).executeTakeFirstOrThrow();

describe.each(DIALECTS)('ingest on %s', (dialect) => {
  test('a new text creates the contact, the conversation and the message, and logs the changes in order', async () => {
    server = await startTestServer(dialect);
    const result = await text('Hi, can I move my appointment?');
    expect(result.duplicate).toBe(false);
    const contact = await contactOf(result.contactId);
    expect(contact).toMatchObject({ phone: CUSTOMER, opted_in: 1, blocked: 0 });
    const [message] = await messagesOf(result.conversationId);
    expect(message).toMatchObject({
      direction: 'inbound',
      status: 'received',
      body: 'Hi, can I move my appointment?',
    });
    expect(result.changes.map((change) => change.type)).toEqual([
      'message.created',
      'conversation.updated',
    ]);
    const second = await text('Thursday would be best');
    expect(second.changes[0]?.seq).toBe((result.changes.at(-1)?.seq ?? 0) + 1);
  });

  test('a retried webhook (same carrier id) is stored once and changes nothing', async () => {
    server = await startTestServer(dialect);
    const first = await text('hello', CUSTOMER, 'SMsame');
    const again = await text('hello', CUSTOMER, 'SMsame');
    expect(again).toMatchObject({ duplicate: true, messageId: first.messageId, changes: [] });
    expect(await messagesOf(first.conversationId)).toHaveLength(1);
  });

  test('STOP opts out, leaves a note and queues no reply (R1)', async () => {
    server = await startTestServer(dialect);
    const result = await text('Stop please');
    expect(result.queued).toEqual([]);
    expect(await contactOf(result.contactId)).toMatchObject({ opted_in: 0 });
    const messages = await messagesOf(result.conversationId);
    expect(messages.map((message) => message.direction)).toEqual(['inbound', 'system']);
    const history = await server.storage.db.selectFrom('consent_history').selectAll().execute();
    expect(history).toMatchObject([
      { change: 'opted-out', source: 'keyword', word: 'STOP', text: 'Stop please' },
    ]);
  });

  test('HELP queues the help reply once, and it reaches the phone with a delivery receipt', async () => {
    server = await startTestServer(dialect);
    const result = await text('HELP');
    expect(result.queued).toHaveLength(1);
    await sendQueued(server.context, result.queued);
    await sendQueued(server.context, result.queued);
    await server.settled();
    expect(server.simulator.received(CUSTOMER).map((received) => received.body)).toEqual([
      'Acme Dental: for help, contact (201) 555-0100. Msg & data rates may apply. Reply STOP to opt out.',
    ]);
    const reply = (await messagesOf(result.conversationId)).find(
      (message) => message.direction === 'outbound',
    );
    expect(reply).toMatchObject({ status: 'delivered', in_reply_to: result.messageId });
  });

  test('a reply queued before the customer said STOP is refused when it would leave (R6)', async () => {
    server = await startTestServer(dialect);
    const help = await text('INFO');
    await text('STOP');
    await sendQueued(server.context, help.queued);
    expect(server.simulator.received(CUSTOMER)).toEqual([]);
    const reply = (await messagesOf(help.conversationId)).find(
      (message) => message.direction === 'outbound',
    );
    expect(reply).toMatchObject({ status: 'refused', error_code: 'opted-out' });
    expect(reply?.error_message).toMatch(/^Opted out: replied STOP on /u);
  });

  test('a carrier opt-out (21610) opts the contact out and tells the agent about START (R9)', async () => {
    server = await startTestServer(dialect);
    const help = await text('HELP');
    server.simulator.setFailure(CUSTOMER, 'opted-out');
    await sendQueued(server.context, help.queued);
    expect(await contactOf(help.contactId)).toMatchObject({ opted_in: 0 });
    const messages = await messagesOf(help.conversationId);
    expect(messages.find((message) => message.direction === 'outbound')).toMatchObject({
      status: 'failed',
      error_code: '21610',
    });
    expect(messages.at(-1)).toMatchObject({
      direction: 'system',
      body: expect.stringContaining('must text START') as unknown,
    });
  });

  test('texts from a blocked contact are quarantined and leave the conversation alone (R3)', async () => {
    server = await startTestServer(dialect);
    const first = await text('hello');
    const before = await server.storage.db
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', first.conversationId)
      .executeTakeFirstOrThrow();
    await server.storage.db.updateTable('conversations').set({ status: 'closed' }).execute();
    await server.storage.db.updateTable('contacts').set({ blocked: 1, opted_in: 0 }).execute();
    const blocked = await text('HELP');
    expect(blocked.queued).toEqual([]);
    expect(blocked.changes.map((change) => change.type)).toEqual(['message.created']);
    const after = await server.storage.db
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', first.conversationId)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ ...before, status: 'closed' });
    expect((await messagesOf(first.conversationId)).at(-1)).toMatchObject({
      status: 'quarantined',
      body: 'HELP',
    });
  });

  test('a STOP from a well-formed number the phone data does not know is still honoured', async () => {
    server = await startTestServer(dialect);
    const result = await text('STOP', '+15555555555');
    expect(await contactOf(result.contactId)).toMatchObject({ phone: '+15555555555', opted_in: 0 });
  });

  test('bad input is refused with a reason, and nothing is written', async () => {
    server = await startTestServer(dialect);
    const { db } = server.context;
    const now = new Date();
    const attempts = [
      { from: 'not a number', to: '+12015550100', body: 'hi', carrierId: 'a' },
      { from: '54321', to: '+12015550100', body: 'hi', carrierId: 'b' },
      { from: CUSTOMER, to: '+12015550199', body: 'hi', carrierId: 'c' },
      { from: CUSTOMER, to: '+12015550100', body: 'x'.repeat(1601), carrierId: 'd' },
      { from: CUSTOMER, to: '+12015550100', body: 'hi', carrierId: ' ' },
    ];
    const codes = [];
    for (const attempt of attempts) {
      const result = await ingestInbound(db, attempt, { defaultCountry: 'US', now });
      expect(result.ok).toBe(false);
      if (!result.ok) codes.push(result.error.code);
    }
    expect(codes).toEqual([
      'invalid-number',
      'invalid-number',
      'unknown-business-number',
      'too-long',
      'invalid-input',
    ]);
    expect(await db.selectFrom('messages').select('id').execute()).toEqual([]);
    expect(await db.selectFrom('contacts').select('id').execute()).toEqual([]);
  });
});
