/**
 * The promise to a carrier: a text the server acknowledged is stored, and a
 * retried one is stored once. The real server is killed with SIGKILL while
 * webhooks stream in, started again on the same database, and sent what a
 * carrier would retry; the database must then hold every text exactly once.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { applyInbound, createContact } from '../shared/consent';
import { openStorage } from './db/connect';
import { triggerRulesOf } from './domain/records';
import { startServerProcess, stopAllProcesses, type ServerProcess } from './testing/process';
import { DIALECTS, freshDatabase, type FreshDatabase } from './testing/storage';

const BUSINESS_NUMBER = '+12015550100';
const NUMBERS = 240;
/** Requests in flight at once, as a busy carrier sends them. */
const IN_FLIGHT = 16;
/** The server is killed when this many texts have been acknowledged. */
const KILL_AFTER = 150;
/** Of the acknowledged texts, every how-manieth is sent again, as when an ack is lost. */
const RESEND_EVERY = 4;

const CHATTER = [
  'Hi, is Thursday at 3 still open?',
  'Running 10 minutes late',
  'Thanks!',
  'Can I bring my son too?',
  'What’s the address again?',
  'See you tomorrow',
  'Do you take walk-ins?',
];
const STOPS = ['STOP', 'Stop', 'stop please', 'UNSUBSCRIBE'];

interface Text {
  readonly id: string;
  readonly from: string;
  readonly body: string;
}

type Outcome =
  | { readonly kind: 'acknowledged'; readonly messageId: string; readonly duplicate: boolean }
  | { readonly kind: 'failed'; readonly reason: string };

/** A small seeded generator, so a failure can be replayed exactly. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A few hundred customers, 1 to 4 texts each, in shuffled order: most only
 * chat, every sixth only sends STOPs, every sixth chats and sends one STOP
 * somewhere among its texts.
 */
function plan(seed: number): { texts: Text[]; stoppers: Set<string> } {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const texts: Text[] = [];
  const stoppers = new Set<string>();
  for (let customer = 0; customer < NUMBERS; customer += 1) {
    const from = `+1201555${(2000 + customer).toString()}`;
    const count = 1 + Math.floor(next() * 4);
    const bodies = Array.from({ length: count }, () =>
      customer % 6 === 0 ? pick(STOPS) : pick(CHATTER),
    );
    if (customer % 6 === 1) bodies[Math.floor(next() * count)] = pick(STOPS);
    if (customer % 6 <= 1) stoppers.add(from);
    for (const body of bodies) texts.push({ id: `t${texts.length.toString()}`, from, body });
  }
  // Shuffled, so one customer's texts arrive spread out and sometimes together.
  const shuffled = texts
    .map((text) => ({ text, key: next() }))
    .sort((a, b) => a.key - b.key)
    .map(({ text }) => text);
  return { texts: shuffled, stoppers };
}

async function deliver(url: string, text: Text): Promise<Outcome> {
  try {
    const response = await fetch(`${url}/simulator/inbound`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ from: text.from, body: text.body, id: text.id }),
    });
    const answer = (await response.json()) as { messageId: string; duplicate: boolean };
    if (response.status !== 200) {
      return { kind: 'failed', reason: `${response.status.toString()} ${JSON.stringify(answer)}` };
    }
    return { kind: 'acknowledged', messageId: answer.messageId, duplicate: answer.duplicate };
  } catch (error) {
    // The connection was refused or cut: what a carrier sees of a dead server.
    return { kind: 'failed', reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Sends the texts with IN_FLIGHT requests open at a time, as a carrier's
 * webhook queue would. `onOutcome` may say stop: texts not yet sent then stay
 * unsent (the carrier still holds them).
 */
async function stream(
  url: string,
  texts: readonly Text[],
  onOutcome: (text: Text, outcome: Outcome, inFlight: number) => 'go-on' | 'stop' = () => 'go-on',
): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  let next = 0;
  let inFlight = 0;
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (!stopped) {
      const text = texts[next];
      if (text === undefined) return;
      next += 1;
      inFlight += 1;
      const outcome = await deliver(url, text);
      inFlight -= 1;
      outcomes.set(text.id, outcome);
      if (onOutcome(text, outcome, inFlight) === 'stop') stopped = true;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return outcomes;
}

describe.each(DIALECTS)('the server killed with SIGKILL mid-stream, on %s', (dialect) => {
  let database: FreshDatabase | undefined;

  afterEach(async () => {
    // Servers first: the database can only be dropped once nothing has it open.
    await stopAllProcesses();
    await database?.drop();
    database = undefined;
  });

  test('after a restart and the carrier’s retries, every text is stored exactly once', async () => {
    database = await freshDatabase(dialect);
    const env = {
      DATABASE_URL: database.url,
      TEXTDESK_ADMIN_EMAIL: 'owner@acme.test',
      TEXTDESK_ADMIN_PASSWORD: 'correct horse battery',
      TEXTDESK_BUSINESS_NAME: 'Acme Dental',
      TEXTDESK_BUSINESS_NUMBER: BUSINESS_NUMBER,
    };
    const { texts, stoppers } = plan(20_260_523);

    // 1. Stream, and kill the server the moment the KILL_AFTER-th ack arrives.
    const first: ServerProcess = await startServerProcess(env);
    let acknowledged = 0;
    let inFlightAtKill = -1;
    let killed: Promise<unknown> = Promise.resolve();
    const before = await stream(first.url, texts, (_text, outcome, inFlight) => {
      if (outcome.kind !== 'acknowledged') return 'stop';
      acknowledged += 1;
      if (acknowledged !== KILL_AFTER) return 'go-on';
      inFlightAtKill = inFlight;
      killed = first.kill('SIGKILL');
      return 'stop';
    });
    if (inFlightAtKill === -1) {
      const failure = [...before.values()].find((outcome) => outcome.kind === 'failed');
      throw new Error(
        `A text failed before the kill: ${JSON.stringify(failure)}\n${first.output()}`,
      );
    }
    expect(await killed).toEqual({ code: null, signal: 'SIGKILL' });
    // The kill cut requests off mid-way, not between two quiet moments.
    expect(inFlightAtKill).toBe(IN_FLIGHT - 1);
    const acked = new Map<string, string>();
    const cutOff: string[] = [];
    for (const [id, outcome] of before) {
      if (outcome.kind === 'acknowledged') acked.set(id, outcome.messageId);
      else cutOff.push(outcome.reason);
    }
    expect(acked.size).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(cutOff.length).toBeGreaterThan(0);
    // Only a dead connection fails a text here; never an answer from the server.
    expect(cutOff.filter((reason) => /^\d{3} /u.test(reason))).toEqual([]);

    // 2. Restart on the same database; the carrier retries what was not
    // acknowledged, and some acknowledged texts whose ack it lost.
    const second = await startServerProcess(env);
    const retries = texts.filter((text, index) =>
      acked.has(text.id) ? index % RESEND_EVERY === 0 : true,
    );
    const after = await stream(second.url, retries);
    const unanswered = [...after].filter(([, outcome]) => outcome.kind !== 'acknowledged');
    expect(unanswered).toEqual([]);
    for (const [id, outcome] of after) {
      const firstAck = acked.get(id);
      if (firstAck !== undefined) {
        expect(outcome).toEqual({ kind: 'acknowledged', messageId: firstAck, duplicate: true });
      }
    }
    expect(await second.kill('SIGTERM')).toEqual({ code: 0, signal: null });

    // 3. What the database holds, read with the server stopped.
    const storage = openStorage(database.url);
    try {
      const db = storage.db;
      const inbound = await db
        .selectFrom('messages')
        .select(['id', 'carrier_id'])
        .where('direction', '=', 'inbound')
        .execute();
      const stored = new Map<string, string[]>();
      for (const row of inbound) {
        const id = row.carrier_id ?? '';
        stored.set(id, [...(stored.get(id) ?? []), row.id]);
      }
      // Exactly once each: no text lost, none stored twice, nothing else.
      expect(inbound).toHaveLength(texts.length);
      expect([...stored.keys()].sort()).toEqual(texts.map((text) => `SIM-${text.id}`).sort());
      expect([...stored.values()].filter((ids) => ids.length !== 1)).toEqual([]);
      // Every acknowledged text is the row the first ack named.
      for (const [id, messageId] of acked) expect(stored.get(`SIM-${id}`)).toEqual([messageId]);

      // The change log desktops sync from has no gap and no repeat, and
      // announces every stored message.
      const account = await db
        .selectFrom('accounts')
        .select(['id', 'last_seq'])
        .executeTakeFirstOrThrow();
      const log = await db
        .selectFrom('change_log')
        .select(['seq', 'type', 'entity_id'])
        .where('account_id', '=', account.id)
        .orderBy('seq')
        .execute();
      expect(log.map((change) => change.seq)).toEqual(
        Array.from({ length: account.last_seq }, (_, index) => index + 1),
      );
      const announced = new Set(
        log.filter((change) => change.type === 'message.created').map((c) => c.entity_id),
      );
      const messages = await db.selectFrom('messages').select('id').execute();
      expect(messages.filter((message) => !announced.has(message.id))).toEqual([]);

      // Consent follows the texts as stored: the consent engine run over each
      // customer's texts, in the order the log gives them, must land on the
      // stored state and history. So a customer who only sent STOPs is opted
      // out, one who never did is opted in, and one who did both is where
      // their last text put them (any text after a STOP opts back in).
      const contacts = await db
        .selectFrom('contacts')
        .select(['id', 'phone', 'opted_in', 'opt_out'])
        .execute();
      const senders = [...new Set(texts.map((text) => text.from))].sort();
      expect(contacts.map((contact) => contact.phone).sort()).toEqual(senders);
      const triggers = await triggerRulesOf(db, account.id);
      const seqOf = new Map(log.map((change) => [change.entity_id, change.seq]));
      const rows = await db
        .selectFrom('messages')
        .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
        .select(['messages.id', 'messages.body', 'conversations.contact_id'])
        .where('messages.direction', '=', 'inbound')
        .execute();
      const history = await db
        .selectFrom('consent_history')
        .select(['contact_id', 'change'])
        .orderBy('id')
        .execute();
      const mismatches = [];
      for (const contact of contacts) {
        const bodies = rows
          .filter((row) => row.contact_id === contact.id)
          .sort((a, b) => (seqOf.get(a.id) ?? 0) - (seqOf.get(b.id) ?? 0))
          .map((row) => row.body);
        // The first text created the contact (R12), then each text had its effect.
        let { state } = createContact({ source: 'inbound' }, { now: new Date().toISOString() });
        const changes: string[] = ['created'];
        for (const body of bodies) {
          const outcome = applyInbound(
            state,
            { type: 'inbound', body, messageId: 'replayed' },
            { now: new Date().toISOString(), triggers },
          );
          state = outcome.state;
          changes.push(...outcome.history.map((entry) => entry.change));
        }
        const actual = {
          optedIn: contact.opted_in === 1,
          optedOut: contact.opt_out !== null,
          history: history.filter((row) => row.contact_id === contact.id).map((row) => row.change),
        };
        const expected = {
          optedIn: state.optedIn,
          optedOut: state.optOut !== null,
          history: changes,
        };
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          mismatches.push({ phone: contact.phone, bodies, actual, expected });
        }
        if (stoppers.has(contact.phone) && bodies.every((body) => STOPS.includes(body))) {
          expect(actual.optedIn).toBe(false);
        }
        if (!stoppers.has(contact.phone)) expect(actual.optedIn).toBe(true);
      }
      expect(mismatches).toEqual([]);
      const conversations = await db.selectFrom('conversations').select('contact_id').execute();
      expect(conversations).toHaveLength(senders.length);
    } finally {
      await storage.close();
    }
  });
});
