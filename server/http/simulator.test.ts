import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningServer } from '../app';
import type { PhoneSimulator } from '../carriers/simulator';
import { startTestApp, type TestApp } from '../testing/app';
import { DIALECTS } from '../testing/storage';

interface Answer {
  messageId: string;
  conversationId: string;
  contactId: string;
  duplicate: boolean;
  intent: string | null;
  queuedReplies: number;
}

describe.each(DIALECTS)('POST /simulator/inbound with the network’s id, on %s', (dialect) => {
  let app: TestApp;
  let server: RunningServer;
  let simulator: PhoneSimulator;

  beforeAll(async () => {
    app = await startTestApp(dialect, { TEXTDESK_BUSINESS_NAME: 'Acme Dental' });
    server = app.server;
    if (server.simulator === null) throw new Error('the simulator is the default carrier');
    simulator = server.simulator;
  });

  afterAll(() => app.close());

  const post = (body: unknown) =>
    fetch(`${server.url}/simulator/inbound`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  async function send(body: unknown): Promise<Answer> {
    const response = await post(body);
    expect(response.status).toBe(200);
    return (await response.json()) as Answer;
  }

  const storedWith = (carrierId: string) =>
    server.storage.db
      .selectFrom('messages')
      .select(['id', 'body'])
      .where('carrier_id', '=', carrierId)
      .execute();

  const messagesIn = (conversationId: string) =>
    server.storage.db
      .selectFrom('messages')
      .select(['direction', 'body'])
      .where('conversation_id', '=', conversationId)
      .orderBy('created_at')
      .orderBy('direction')
      .execute();

  test('a retried text (same id) is stored once and answered as a duplicate', async () => {
    const text = { from: '+12015550111', body: 'Can I come at 3?', id: 'retry-1' };
    const first = await send(text);
    const again = await send(text);
    expect(first).toMatchObject({ duplicate: false, intent: 'message', queuedReplies: 0 });
    expect(again).toEqual({
      messageId: first.messageId,
      conversationId: first.conversationId,
      contactId: first.contactId,
      duplicate: true,
      intent: null,
      queuedReplies: 0,
    });
    expect(await storedWith('SIM-retry-1')).toEqual([
      { id: first.messageId, body: 'Can I come at 3?' },
    ]);
    // The simulated phone shows the text once, as a person would see it.
    expect(simulator.thread('+12015550111').map((sent) => sent.body)).toEqual(['Can I come at 3?']);
  });

  test('a retried HELP gets one reply, not two', async () => {
    const help = { from: '+12015550112', body: 'HELP', id: 'help_1' };
    const replied = new Promise<{ body: string }>((resolve) => {
      simulator.once('text', resolve);
    });
    const first = await send(help);
    expect(first).toMatchObject({ duplicate: false, intent: 'trigger', queuedReplies: 1 });
    expect((await replied).body).toContain('Acme Dental: for help');
    expect(await send(help)).toMatchObject({ duplicate: true, queuedReplies: 0 });
    // A resent reply would need a second outbound row, queued before the answer.
    expect(await messagesIn(first.conversationId)).toEqual([
      { direction: 'inbound', body: 'HELP' },
      { direction: 'outbound', body: expect.stringContaining('Acme Dental: for help') as unknown },
    ]);
    expect(simulator.received('+12015550112')).toHaveLength(1);
  });

  test('a retried STOP opts out once: one note, one consent record', async () => {
    const stop = { from: '+12015550113', body: 'STOP', id: 'stop-1' };
    const first = await send(stop);
    expect(await send(stop)).toMatchObject({ duplicate: true, messageId: first.messageId });
    expect((await messagesIn(first.conversationId)).map((row) => row.direction)).toEqual([
      'inbound',
      'system',
    ]);
    const contact = await server.storage.db
      .selectFrom('contacts')
      .select('opted_in')
      .where('id', '=', first.contactId)
      .executeTakeFirstOrThrow();
    expect(contact.opted_in).toBe(0);
    const history = await server.storage.db
      .selectFrom('consent_history')
      .select('change')
      .where('contact_id', '=', first.contactId)
      .orderBy('id')
      .execute();
    expect(history.map((entry) => entry.change)).toEqual(['created', 'opted-out']);
  });

  test('without an id every post is a new text', async () => {
    const text = { from: '+12015550114', body: 'same words' };
    const first = await send(text);
    const second = await send(text);
    expect([first.duplicate, second.duplicate]).toEqual([false, false]);
    expect(second.messageId).not.toBe(first.messageId);
    expect(await messagesIn(first.conversationId)).toHaveLength(2);
  });

  test('an id that is empty, too long or has other characters is refused with a clear message', async () => {
    const before = await server.storage.db.selectFrom('messages').select('id').execute();
    for (const id of ['', 'x'.repeat(65), 'has space', 'ünïcode', 'a/b', 42]) {
      const response = await post({ from: '+12015550115', body: 'hi', id });
      expect(response.status).toBe(422);
      expect(await response.json()).toEqual({
        error: {
          code: 'invalid-input',
          message: expect.stringMatching(/^id: /u) as unknown,
        },
      });
    }
    const refused = await post({ from: '+12015550115', body: 'hi', id: 42 });
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(
      'id: must be 1 to 64 characters, each a letter, digit, underscore or hyphen.',
    );
    expect(await server.storage.db.selectFrom('messages').select('id').execute()).toEqual(before);
    // The longest id allowed is accepted.
    expect(await send({ from: '+12015550115', body: 'hi', id: 'x'.repeat(64) })).toMatchObject({
      duplicate: false,
    });
  });
});
