import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, test } from 'vitest';
import type { Database } from '../db/schema';
import { DIALECTS } from '../testing/storage';
import { startTestServer, type TestServer } from '../testing/context';
import { ingestInbound, ingestStats, type Ingested } from './ingest';
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
    // The new contact is announced with its first text, so desktops know the number,
    // and its history starts with how it came to be: it texted us (R12).
    expect(result.changes.map((change) => change.type)).toEqual([
      'contact.updated',
      'consent.recorded',
      'message.created',
      'conversation.updated',
    ]);
    expect(result.changes[0]?.data).toMatchObject({ phone: CUSTOMER, optedIn: true });
    const created = {
      contactId: result.contactId,
      change: 'created',
      source: 'inbound',
      actor: { kind: 'contact' },
    };
    expect(result.changes[1]?.data).toMatchObject(created);
    const history = await db()
      .selectFrom('consent_history')
      .select(['change', 'source', 'actor', 'at'])
      .where('contact_id', '=', result.contactId)
      .execute();
    expect(history).toEqual([
      {
        change: 'created',
        source: 'inbound',
        actor: '{"kind":"contact"}',
        at: message?.created_at,
      },
    ]);
    // Created once: the next text adds nothing to the history.
    const second = await text('Thursday would be best');
    expect(second.changes[0]?.seq).toBe((result.changes.at(-1)?.seq ?? 0) + 1);
    expect(second.changes.map((change) => change.type)).toEqual([
      'message.created',
      'conversation.updated',
    ]);
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
      { change: 'created', source: 'inbound', word: null, text: null },
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

/** A customer's number for the n-th customer, in the carrier's E.164 form. */
const customer = (n: number) => `+1415${String(2_000_000 + n).padStart(7, '0')}`;

interface Sent {
  readonly body: string;
  readonly from: string;
  readonly carrierId?: string;
}

/**
 * Sends texts all at once, as concurrent webhooks do, and answers each
 * result in the order sent, with how many batches stored them.
 */
async function burst(db: Kysely<Database>, texts: readonly Sent[]) {
  const before = ingestStats(db);
  const results = await Promise.all(
    texts.map((sent) =>
      ingestInbound(
        db,
        {
          from: sent.from,
          to: '+12015550100',
          body: sent.body,
          carrierId: sent.carrierId ?? `SMburst${(counter += 1)}`,
        },
        { defaultCountry: 'US', now: new Date() },
      ),
    ),
  );
  return { results, batches: ingestStats(db).batches - before.batches };
}

/** One by one, each awaited before the next is sent. */
async function oneByOne(db: Kysely<Database>, texts: readonly Sent[]): Promise<Ingested[]> {
  const stored: Ingested[] = [];
  for (const sent of texts) {
    const { results } = await burst(db, [sent]);
    const [result] = results;
    if (!result?.ok) throw new Error('a text was refused');
    stored.push(result.value);
  }
  return stored;
}

function stored(results: readonly { ok: boolean; value?: Ingested }[]): Ingested[] {
  return results.map((result) => {
    if (!result.ok || result.value === undefined) throw new Error('a text was refused');
    return result.value;
  });
}

/**
 * What texts were answered, with what differs between two databases taken
 * out: seq, times, and ids, which become the order they first appear in.
 */
function comparable(answers: readonly Ingested[]): unknown {
  const ids = new Map<string, string>();
  const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gu;
  const time = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/u;
  const scrub = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (time.test(value)) return '<time>';
      return value.replace(uuid, (id) => {
        const known = ids.get(id) ?? `id#${ids.size + 1}`;
        ids.set(id, known);
        return known;
      });
    }
    if (Array.isArray(value)) return value.map(scrub);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([key]) => key !== 'seq' && key !== 'at')
          .map(([key, inner]) => [key, key === 'optOut' ? scrubOptOut(inner) : scrub(inner)]),
      );
    }
    return value;
  };
  // An opt-out record's `at` is a time like any other.
  const scrubOptOut = (value: unknown) =>
    value === null ? null : { ...(scrub(value) as object), at: '<time>' };
  return answers.map((answer) => ({
    changes: answer.changes.map(scrub),
    intent: scrub(answer.intent),
    queued: answer.queued.length,
  }));
}

describe.each(DIALECTS)('group commit of inbound texts on %s', (dialect) => {
  test('many texts at once from overlapping numbers: each stored once, its changes numbered without gaps, in order', async () => {
    server = await startTestServer(dialect);
    const bodies = ['Hi there', 'STOP', 'Can I come at 3?', 'HELP', 'thanks', 'START'];
    const texts = Array.from({ length: 300 }, (_, index) => ({
      from: customer(index % 17),
      body: bodies[index % bodies.length] ?? '',
    }));
    const { results, batches } = await burst(db(), texts);
    const ingested = stored(results);
    // Stored in a few transactions, not one per text.
    expect(batches).toBeGreaterThan(1);
    expect(batches).toBeLessThan(10);

    expect(ingested.every((result) => !result.duplicate)).toBe(true);
    const inbound = await db()
      .selectFrom('messages')
      .select(['id', 'carrier_id'])
      .where('direction', '=', 'inbound')
      .execute();
    expect(inbound).toHaveLength(300);
    expect(new Set(inbound.map((row) => row.carrier_id)).size).toBe(300);
    expect(new Set(ingested.map((result) => result.messageId)).size).toBe(300);
    expect(await db().selectFrom('contacts').select('id').execute()).toHaveLength(17);
    // Each of them was created once, by its first text, and its history says so first (R12).
    const history = await db()
      .selectFrom('consent_history')
      .select(['contact_id', 'change', 'source'])
      .orderBy('id')
      .execute();
    const firsts = new Map<string, string>();
    for (const row of history)
      if (!firsts.has(row.contact_id)) firsts.set(row.contact_id, row.change);
    expect([...firsts.values()]).toEqual(Array.from({ length: 17 }, () => 'created'));
    expect(history.filter((row) => row.change === 'created')).toHaveLength(17);
    expect(history.filter((row) => row.change === 'created').map((row) => row.source)).toEqual(
      Array.from({ length: 17 }, () => 'inbound'),
    );

    // Every text's changes are consecutive, the texts' runs follow one another
    // in the order the texts were sent, and together they leave no gap.
    const seqs = ingested.map((result) => result.changes.map((change) => change.seq));
    for (const run of seqs) {
      expect(run.length).toBeGreaterThan(0);
      expect(run).toEqual(run.map((_, index) => (run[0] ?? 0) + index));
    }
    const all = seqs.flat();
    expect(all).toEqual(all.map((_, index) => (all[0] ?? 0) + index));

    // The log holds exactly what the callers were told.
    const logged = await db()
      .selectFrom('change_log')
      .select(['seq', 'type', 'entity_id'])
      .where('seq', '>=', all[0] ?? 0)
      .orderBy('seq')
      .execute();
    expect(logged.map((row) => [row.seq, row.type])).toEqual(
      ingested.flatMap((result) => result.changes.map((change) => [change.seq, change.type])),
    );
    const account = await db().selectFrom('accounts').select('last_seq').executeTakeFirstOrThrow();
    expect(account.last_seq).toBe(all.at(-1));
  });

  test('the same carrier id twice in one batch is stored once; the second is answered as a duplicate', async () => {
    server = await startTestServer(dialect);
    const { results, batches } = await burst(db(), [
      { body: 'Running late', from: customer(1), carrierId: 'SMretry' },
      { body: 'Thursday works', from: customer(2) },
      { body: 'Running late', from: customer(1), carrierId: 'SMretry' },
    ]);
    expect(batches).toBe(1);
    const [first, other, again] = stored(results);
    expect(first?.duplicate).toBe(false);
    expect(other?.duplicate).toBe(false);
    expect(again).toEqual({
      accountId: first?.accountId,
      duplicate: true,
      messageId: first?.messageId,
      conversationId: first?.conversationId,
      contactId: first?.contactId,
      intent: null,
      queued: [],
      changes: [],
    });
    const rows = await db()
      .selectFrom('messages')
      .select('id')
      .where('carrier_id', '=', 'SMretry')
      .execute();
    expect(rows).toEqual([{ id: first?.messageId }]);
    // And a later retry still finds it.
    const { results: later } = await burst(db(), [
      { body: 'Running late', from: customer(1), carrierId: 'SMretry' },
    ]);
    expect(stored(later)[0]).toMatchObject({ duplicate: true, messageId: first?.messageId });
  });

  test('STOP then a normal text from one number in one batch ends opted in, with both history entries in order', async () => {
    server = await startTestServer(dialect);
    const { results, batches } = await burst(db(), [
      { body: 'STOP', from: customer(7) },
      { body: 'Sorry, wrong button, I still need Tuesday', from: customer(7) },
    ]);
    expect(batches).toBe(1);
    const [stop, hi] = stored(results);
    expect(stop?.intent).toMatchObject({ kind: 'opt-out' });
    expect(await contactOf(hi?.contactId ?? '')).toMatchObject({
      opted_in: 1,
      opt_out: null,
    });
    const history = await db()
      .selectFrom('consent_history')
      .select(['change', 'source', 'text'])
      .orderBy('id')
      .execute();
    expect(history).toEqual([
      { change: 'created', source: 'inbound', text: null },
      { change: 'opted-out', source: 'keyword', text: 'STOP' },
      { change: 'opted-in', source: 'inbound', text: 'Sorry, wrong button, I still need Tuesday' },
    ]);
    // Each text logged the contact as it stood after it.
    const contacts = [stop, hi].map((result) =>
      result?.changes.find((change) => change.type === 'contact.updated'),
    );
    expect(contacts.map((change) => change?.data)).toMatchObject([
      { optedIn: false },
      { optedIn: true },
    ]);
  });

  test('valid and invalid texts at once: the invalid ones get their reason, the valid ones are stored', async () => {
    server = await startTestServer(dialect);
    const { results } = await burst(db(), [
      { body: 'hello', from: customer(1) },
      { body: 'hi', from: 'not a number' },
      { body: 'x'.repeat(1601), from: customer(2) },
      { body: 'see you soon', from: customer(3) },
      { body: 'hi', from: '54321' },
      { body: 'hi', from: customer(4), carrierId: ' ' },
    ]);
    expect(results.map((result) => (result.ok ? 'stored' : result.error.code))).toEqual([
      'stored',
      'invalid-number',
      'too-long',
      'stored',
      'invalid-number',
      'invalid-input',
    ]);
    const bodies = await db().selectFrom('messages').select('body').orderBy('body').execute();
    expect(bodies.map((row) => row.body)).toEqual(['hello', 'see you soon']);
  });

  test('a text whose batch cannot be written costs only its own caller: the others are stored one by one', async () => {
    server = await startTestServer(dialect);
    // A database that refuses to store one particular text, as a broken row would.
    const refusing = db().withPlugin({
      transformQuery: ({ node }) => {
        if (node.kind === 'InsertQueryNode' && JSON.stringify(node).includes('poison')) {
          throw new Error('This text cannot be stored.');
        }
        return node;
      },
      transformResult: ({ result }) => Promise.resolve(result),
    });
    const sent = [
      { body: 'first', from: customer(1) },
      { body: 'poison', from: customer(2) },
      { body: 'STOP', from: customer(1) },
      { body: 'third', from: customer(3) },
    ];
    const settled = await Promise.allSettled(
      sent.map((text, index) =>
        ingestInbound(
          refusing,
          { ...text, to: '+12015550100', carrierId: `SMiso${index}` },
          { defaultCountry: 'US', now: new Date() },
        ),
      ),
    );
    expect(settled.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect(ingestStats(refusing)).toMatchObject({ batches: 1, fallbacks: 1 });
    const bodies = await db()
      .selectFrom('messages')
      .select('body')
      .where('direction', '=', 'inbound')
      .orderBy('body')
      .execute();
    expect(bodies.map((row) => row.body)).toEqual(['STOP', 'first', 'third']);
    const contact = await db()
      .selectFrom('contacts')
      .selectAll()
      .where('phone', '=', customer(1))
      .executeTakeFirstOrThrow();
    expect(contact.opted_in).toBe(0);
  });

  test('each text of a batch logs exactly the changes it logs when texts are stored one by one', async () => {
    const scenario: Sent[] = [
      { body: 'Hi, is Tuesday free?', from: customer(1) },
      { body: 'HELP', from: customer(2) },
      { body: 'STOP', from: customer(1) },
      { body: 'OPTOUT', from: customer(2) },
      { body: 'I said STOP', from: customer(1) },
      { body: 'START', from: customer(1) },
      { body: 'Hi, is Tuesday free?', from: customer(1) },
      { body: 'hello', from: customer(3) },
      { body: 'INFO', from: customer(2) },
      { body: 'stop please', from: customer(3) },
    ];
    const sequential = await startTestServer(dialect);
    let alone: Ingested[];
    try {
      alone = await oneByOne(sequential.storage.db, scenario);
    } finally {
      await sequential.close();
    }
    server = await startTestServer(dialect);
    const { results, batches } = await burst(db(), scenario);
    expect(batches).toBe(1);
    const together = stored(results);
    expect(comparable(together)).toEqual(comparable(alone));
  });

  test('property: texts stored in batches leave every contact as storing them one by one does', async () => {
    const batched = await startTestServer(dialect);
    const sequential = await startTestServer(dialect);
    let run = 0;
    const BODIES = ['STOP', 'hi', 'HELP', 'stop please', 'OPTOUT', 'START'] as const;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({ body: fc.constantFrom(...BODIES), who: fc.integer({ min: 0, max: 2 }) }),
            { minLength: 1, maxLength: 12 },
          ),
          async (picks) => {
            run += 1;
            // Numbers of this run only, so runs share the two databases.
            const texts = picks.map(({ body, who }) => ({ body, from: customer(run * 10 + who) }));
            const numbers = [...new Set(texts.map((text) => text.from))];
            await burst(batched.storage.db, texts);
            await oneByOne(sequential.storage.db, texts);
            expect(await consentOfNumbers(batched.storage.db, numbers)).toEqual(
              await consentOfNumbers(sequential.storage.db, numbers),
            );
          },
        ),
        { numRuns: dialect === 'sqlite' ? 40 : 15 },
      );
    } finally {
      await batched.close();
      await sequential.close();
    }
  });
});

/** Each number's consent and history, with list names for ids and no times. */
async function consentOfNumbers(db: Kysely<Database>, numbers: readonly string[]) {
  const lists = new Map(
    (await db.selectFrom('lists').select(['id', 'name']).execute()).map((row) => [
      row.id,
      row.name,
    ]),
  );
  const answer = [];
  for (const phone of numbers) {
    const contact = await db
      .selectFrom('contacts')
      .selectAll()
      .where('phone', '=', phone)
      .executeTakeFirstOrThrow();
    const members = await db
      .selectFrom('list_members')
      .select('list_id')
      .where('contact_id', '=', contact.id)
      .execute();
    const history = await db
      .selectFrom('consent_history')
      .select(['change', 'source', 'word', 'text', 'list_id'])
      .where('contact_id', '=', contact.id)
      .orderBy('id')
      .execute();
    const optOut = contact.opt_out === null ? null : (JSON.parse(contact.opt_out) as object);
    answer.push({
      phone,
      optedIn: contact.opted_in,
      blocked: contact.blocked,
      optOut: optOut === null ? null : { ...optOut, at: '<time>' },
      lists: members.map((row) => lists.get(row.list_id)).sort(),
      history: history.map((row) => ({
        ...row,
        list_id: row.list_id === null ? null : lists.get(row.list_id),
      })),
      messages: (
        await db
          .selectFrom('messages')
          .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
          .select(['messages.direction', 'messages.body', 'messages.status'])
          .where('conversations.contact_id', '=', contact.id)
          .execute()
      )
        .map((row) => `${row.direction} ${row.status} ${row.body}`)
        .sort(),
    });
  }
  return answer;
}
