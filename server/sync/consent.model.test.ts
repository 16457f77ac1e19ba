/**
 * Two desktops (an agent and a supervisor) and customers' phones act at once,
 * in random interleavings: texts in (STOP, START, HELP, …), replies out,
 * blocks, unblocks, opt-ins and opt-outs by hand. Whatever the order, no text
 * may reach the carrier for a contact who is blocked or opted out at the
 * moment the server decides to send it — the decision each outbound text
 * logs as `sending` before the carrier is called.
 */
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Command } from '../../shared/protocol/commands';
import type { Change, ContactSnapshot } from '../../shared/protocol/entities';
import type { ClientToServer, ServerToClient } from '../../shared/protocol/sync';
import type { RunningServer } from '../app';
import { startTestApp, type TestApp } from '../testing/app';
import { DIALECTS } from '../testing/storage';

type Client = Socket<ServerToClient, ClientToServer>;

const PEOPLE = [
  { email: 'agent@acme.test', password: 'agent password 1', role: 'agent' },
  { email: 'supervisor@acme.test', password: 'supervisor pass 1', role: 'supervisor' },
] as const;
const BODIES = ['STOP', 'hi there', 'HELP', 'START', 'stop texting me', 'OPTOUT', 'I said STOP'];
const CONTACTS = 3;

type Action =
  | { kind: 'text'; who: number; body: string }
  | { kind: 'reply'; desk: number; who: number }
  | { kind: 'block' | 'unblock'; who: number }
  | { kind: 'opt-in' | 'opt-out'; desk: number; who: number };

const who = fc.integer({ min: 0, max: CONTACTS - 1 });
const desk = fc.integer({ min: 0, max: 1 });
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('text'), who, body: fc.constantFrom(...BODIES) }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('reply'), desk, who }) },
  fc.record({ kind: fc.constantFrom('block', 'unblock'), who }),
  fc.record({ kind: fc.constantFrom('opt-in', 'opt-out'), desk, who }),
);
/** Steps run one after another; the actions of a step run at the same time. */
const scenario = fc.array(fc.array(action, { minLength: 1, maxLength: 4 }), {
  minLength: 1,
  maxLength: 6,
});

describe.each(DIALECTS)('two desktops and inbound texts on %s', (dialect) => {
  let app: TestApp;
  let server: RunningServer;
  const desks: Client[] = [];
  let run = 0;

  async function post(path: string, body: unknown, token?: string) {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(token !== undefined && { Authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${path}: ${JSON.stringify(json)}`);
    return json;
  }

  beforeAll(async () => {
    app = await startTestApp(dialect);
    server = app.server;
    const admin = app.adminToken;
    for (const person of PEOPLE) {
      await post('/api/v1/users', person, admin);
      const token = await app.signIn(person);
      const socket: Client = connect(server.url, {
        auth: { token },
        transports: ['websocket'],
        reconnection: false,
      });
      desks.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
    }
  });

  afterAll(async () => {
    for (const socket of desks) socket.disconnect();
    await app.close();
  });

  async function command(index: number, body: Command) {
    const socket = desks[index];
    if (socket === undefined) throw new Error('no desk');
    return socket.emitWithAck('command', { key: randomUUID(), command: body });
  }

  /** Resolves once every outbound text of these contacts has its final status (delivered, refused…). */
  function quiet(contactIds: readonly string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      let checking = false;
      let again = false;
      const check = (): void => {
        if (checking) {
          again = true;
          return;
        }
        checking = true;
        server.storage.db
          .selectFrom('messages')
          .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
          .select('messages.id')
          .where('conversations.contact_id', 'in', contactIds)
          .where('messages.status', 'in', ['queued', 'sending', 'sent'])
          .execute()
          .then((pending) => {
            checking = false;
            if (pending.length === 0) {
              stop();
              resolve();
            } else if (again) {
              again = false;
              check();
            }
          }, reject);
      };
      const stop = server.onChanges(check);
      check();
    });
  }

  test('no text reaches the carrier for a contact who was blocked or opted out when it was sent', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (steps) => {
        run += 1;
        const phones = Array.from(
          { length: CONTACTS },
          (_unused, index) => `+1201555${String(1000 + run * 10 + index)}`,
        );
        const start = (
          await server.storage.db
            .selectFrom('accounts')
            .select('last_seq')
            .executeTakeFirstOrThrow()
        ).last_seq;
        const contactIds: string[] = [];
        for (const phone of phones) {
          const first = await post('/simulator/inbound', { from: phone, body: 'hello' });
          contactIds.push(first.contactId as string);
        }
        let replies = 0;
        const perform = async (step: Action): Promise<void> => {
          const phone = phones[step.who] ?? '';
          const contactId = contactIds[step.who] ?? '';
          switch (step.kind) {
            case 'text':
              await post('/simulator/inbound', { from: phone, body: step.body });
              return;
            case 'reply':
              replies += 1;
              await command(step.desk, {
                type: 'message.send',
                to: phone,
                body: `Reply ${String(replies)}`,
              });
              return;
            case 'block':
            case 'unblock':
              await command(1, { type: `contact.${step.kind}`, contactId });
              return;
            case 'opt-in':
              await command(step.desk, {
                type: 'contact.optIn',
                contactId,
                note: 'said yes on the phone',
              });
              return;
            case 'opt-out':
              await command(step.desk, { type: 'contact.optOut', contactId });
              return;
          }
        };
        for (const step of steps) await Promise.all(step.map(perform));
        await quiet(contactIds);

        // Replay the log: each contact's consent as of every decision to send.
        const log = await server.storage.db
          .selectFrom('change_log')
          .select(['seq', 'type', 'data'])
          .where('seq', '>', start)
          .orderBy('seq')
          .execute();
        const conversations = await server.storage.db
          .selectFrom('conversations')
          .select(['id', 'contact_id'])
          .where('contact_id', 'in', contactIds)
          .execute();
        const contactOf = new Map(conversations.map((row) => [row.id, row.contact_id]));
        const state = new Map<string, ContactSnapshot>();
        const sentTo = new Map<string, number>();
        for (const row of log) {
          const change = { type: row.type, data: JSON.parse(row.data) as unknown } as Change;
          if (change.type === 'contact.updated') state.set(change.data.id, change.data);
          if (change.type === 'message.updated' && change.data.status === 'sending') {
            const contactId = contactOf.get(change.data.conversationId);
            if (contactId === undefined) continue;
            const consent = state.get(contactId);
            // No snapshot yet means the contact is as created: opted in.
            expect(consent?.blocked ?? false, `sent to a blocked contact: ${row.seq}`).toBe(false);
            expect(consent?.optedIn ?? true, `sent to an opted-out contact: ${row.seq}`).toBe(true);
            sentTo.set(contactId, (sentTo.get(contactId) ?? 0) + 1);
          }
        }
        // Every text a phone got went through that decision.
        phones.forEach((phone, index) => {
          const received = server.simulator
            ?.thread(phone)
            .filter((text) => text.direction === 'received').length;
          expect(received).toBe(sentTo.get(contactIds[index] ?? '') ?? 0);
        });
        // And the database agrees with the log it wrote.
        const rows = await server.storage.db
          .selectFrom('contacts')
          .select(['id', 'opted_in', 'blocked'])
          .where('id', 'in', contactIds)
          .execute();
        for (const row of rows) {
          const last = state.get(row.id);
          if (last === undefined) continue;
          expect({ optedIn: row.opted_in === 1, blocked: row.blocked === 1 }).toEqual({
            optedIn: last.optedIn,
            blocked: last.blocked,
          });
        }
      }),
      { numRuns: dialect === 'sqlite' ? 30 : 12 },
    );
  }, 120_000);
});
