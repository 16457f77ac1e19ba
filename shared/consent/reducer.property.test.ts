/**
 * Model-based tests of the consent engine: random sequences of every kind of
 * event, checked after each step against a tiny model of what the rules say.
 * The headline invariant: after any sequence, the send gate refuses every
 * send to a contact who is blocked or whose last consent-changing event was
 * an opt-out, and allows a reply otherwise. Each run starts where storage
 * starts a contact, with `createContact`, so the history it builds up must
 * begin with exactly one `created` entry (R12), whatever follows.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { classifyInbound } from './classify';
import { ADMIN, AGENT, SUPERVISOR, TRIGGERS } from './fixtures';
import { sendGate, type OutboundSend } from './gate';
import { applyConsentEvent, createContact } from './reducer';
import {
  INITIAL_CONSENT,
  type ConsentContext,
  type ConsentEvent,
  type ConsentHistoryEntry,
  type ConsentOutcome,
  type ConsentState,
  type ContactCreation,
  type UserActor,
} from './types';

interface Model {
  blocked: boolean;
  /** The direction of the last consent-changing event. */
  last: 'in' | 'out';
  lists: Set<string>;
}

interface Real {
  state: ConsentState;
  /** Every entry the engine returned, in order, as storage appends them. */
  history: ConsentHistoryEntry[];
}

const SENDS: readonly OutboundSend[] = [
  { kind: 'reply' },
  { kind: 'trigger-reply' },
  { kind: 'scheduled' },
  { kind: 'api' },
  { kind: 'campaign', listId: 'marketing', purpose: 'marketing' },
  { kind: 'campaign', listId: 'vip', purpose: 'transactional' },
];

const LISTS = ['marketing', 'marketing-opt-out', 'vip'] as const;

function expectInvariants(model: Model, real: Real): void {
  const { state } = real;
  // R12: the history starts with how the contact came to be, and says it once.
  expect(real.history[0]?.change).toBe('created');
  expect(real.history.filter((entry) => entry.change === 'created')).toHaveLength(1);
  expect(state.blocked).toBe(model.blocked);
  expect(state.optedIn).toBe(model.last === 'in' && !model.blocked);
  expect(state.optedIn).toBe(state.optOut === null);
  expect(state.lists).toEqual([...model.lists].sort());
  for (const send of SENDS) {
    const decision = sendGate(state, send);
    if (model.blocked || model.last === 'out') {
      // The headline invariant (R3, R6).
      expect(decision).toMatchObject(
        model.blocked
          ? { allowed: false, code: 'blocked', reason: 'Blocked' }
          : { allowed: false, code: 'opted-out' },
      );
    } else if (send.kind !== 'campaign') {
      expect(decision).toEqual({ allowed: true });
    }
  }
}

/** One event, its effect on the model, and what its outcome must show. */
class EventCommand implements fc.Command<Model, Real> {
  constructor(
    readonly event: ConsentEvent,
    readonly now: string,
  ) {}

  check(): boolean {
    return true;
  }

  run(model: Model, real: Real): void {
    const context: ConsentContext = { now: this.now, triggers: TRIGGERS };
    const before = real.state;
    const result = applyConsentEvent(before, this.event, context);
    const expected = this.expectRefusal(model);
    if (expected !== null) {
      expect(result).toMatchObject({ ok: false, error: { code: expected } });
    } else {
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      this.checkOutcome(model, before, result.value);
      real.state = result.value.state;
      real.history.push(...result.value.history);
      for (const entry of result.value.history) expect(entry.at).toBe(this.now);
    }
    expectInvariants(model, real);
  }

  private expectRefusal(model: Model): string | null {
    const event = this.event;
    const mayBlock = (by: UserActor) => by.role !== 'agent';
    switch (event.type) {
      case 'block':
      case 'unblock':
        return mayBlock(event.by) ? null : 'not-allowed';
      case 'manual-opt-in':
        if (model.blocked) return 'unblock-first';
        return event.note.trim() === '' ? 'note-required' : null;
      default:
        return null;
    }
  }

  /** Updates the model and checks the rules the outcome must follow. */
  private checkOutcome(model: Model, before: ConsentState, outcome: ConsentOutcome): void {
    const event = this.event;
    const replies = outcome.effects.filter((effect) => effect.type === 'reply');
    const webhooks = outcome.effects.filter((effect) => effect.type === 'opt-out-webhook');
    // R6: a reply effect only ever goes to someone the gate allows.
    if (replies.length > 0)
      expect(sendGate(outcome.state, { kind: 'trigger-reply' }).allowed).toBe(true);
    // R5: at most one reply per inbound text.
    expect(replies.length).toBeLessThanOrEqual(1);
    // R10: every webhook says an opt-out that the state shows.
    if (webhooks.length > 0) expect(outcome.state.optedIn).toBe(false);

    switch (event.type) {
      case 'inbound': {
        if (model.blocked) {
          // R3: quarantined, no consent change, no trigger.
          expect(outcome.effects).toEqual([{ type: 'quarantine', messageId: event.messageId }]);
          expect(outcome.history).toEqual([]);
          expect(outcome.state).toEqual(before);
          return;
        }
        const intent = classifyInbound(event.body, TRIGGERS);
        if (intent.kind === 'opt-out') {
          // R1: opted out, webhook, no reply.
          model.last = 'out';
          expect(webhooks).toHaveLength(1);
          expect(replies).toHaveLength(0);
          expect(outcome.state.optOut?.source).toBe('keyword');
        } else {
          // R2: any other text opts back in, except one that still reads
          // as a stop: a possible opt-out, or OPTOUT.
          const stillStopping =
            (intent.kind === 'message' && intent.possibleOptOut) ||
            (intent.kind === 'trigger' && intent.keyword.toUpperCase() === 'OPTOUT');
          if (model.last === 'out') {
            expect(outcome.history.some((entry) => entry.change === 'opted-in')).toBe(
              !stillStopping,
            );
            if (!stillStopping) model.last = 'in';
          }
          if (intent.kind === 'trigger') this.applyTriggerLists(model, intent.triggerId);
          const rule = TRIGGERS.find(
            (trigger) => intent.kind === 'trigger' && trigger.id === intent.triggerId,
          );
          expect(replies).toHaveLength(rule?.reply && model.last === 'in' ? 1 : 0);
        }
        return;
      }
      case 'carrier-refusal':
        // R9.
        model.last = 'out';
        expect(outcome.state.optOut?.source).toBe('carrier');
        expect(
          outcome.effects.some(
            (effect) => effect.type === 'notice' && effect.text.includes('START'),
          ),
        ).toBe(true);
        return;
      case 'opt-out-link':
        model.last = 'out';
        expect(webhooks).toEqual([
          { type: 'opt-out-webhook', timestamp: this.now, source: 'link' },
        ]);
        return;
      case 'block':
        if (!model.blocked && model.last === 'in') {
          expect(webhooks).toEqual([
            { type: 'opt-out-webhook', timestamp: this.now, source: 'blocked' },
          ]);
        }
        model.blocked = true;
        model.last = 'out';
        return;
      case 'unblock':
        // R3: unblocking leaves them opted out.
        model.blocked = false;
        return;
      case 'manual-opt-in':
        // R4: the note and the person are in the history.
        if (model.last === 'out') {
          expect(outcome.history).toEqual([
            {
              at: this.now,
              actor: event.by,
              change: 'opted-in',
              source: 'manual',
              text: event.note.trim(),
            },
          ]);
        }
        model.last = 'in';
        return;
      case 'manual-opt-out':
        model.last = 'out';
        return;
      case 'list-toggle':
        if (event.member) model.lists.add(event.listId);
        else model.lists.delete(event.listId);
        return;
      case 'import-row':
        for (const list of event.lists) model.lists.add(list);
        // R11: an import can opt out but never opts back in.
        if (event.intoOptOutList || event.optedIn === false) model.last = 'out';
        return;
      case 'trigger-fired':
        if (!model.blocked) this.applyTriggerLists(model, event.triggerId);
        if (model.last === 'out' || model.blocked) expect(replies).toHaveLength(0);
        return;
    }
  }

  private applyTriggerLists(model: Model, triggerId: string): void {
    const rule = TRIGGERS.find((trigger) => trigger.id === triggerId);
    for (const list of rule?.removeFromLists ?? []) model.lists.delete(list);
    for (const list of rule?.addToLists ?? []) model.lists.add(list);
  }

  toString(): string {
    return `${this.event.type} ${JSON.stringify(this.event)}`;
  }
}

const user = fc.constantFrom(AGENT, SUPERVISOR, ADMIN);
const note = fc.oneof(
  fc.constant(''),
  fc.constant('  '),
  fc.constant('asked on the phone 23 Nov'),
  fc.string(),
);

/** Inbound texts from every class the classifier knows, plus arbitrary text. */
const body = fc.oneof(
  fc.constantFrom(
    'STOP',
    'stop please',
    'Unsubscribe',
    'please stop texting me',
    'ＳＴＯＰ',
    'end it',
    'opt-out',
  ),
  fc.constantFrom('START', 'unstop', 'YES'),
  fc.constantFrom('HELP', 'info', 'OPTOUT'),
  fc.constantFrom(
    'Cancel my appointment',
    'Can you stop by at 3?',
    'Thanks!',
    'enough with the texts',
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);

const at = fc
  .date({
    min: new Date('2020-01-01T00:00:00Z'),
    max: new Date('2035-12-31T23:59:59Z'),
    noInvalidDate: true,
  })
  .map((date) => date.toISOString());

const event: fc.Arbitrary<ConsentEvent> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ type: fc.constant('inbound' as const), body, messageId: fc.uuid() }),
  },
  fc.record({ type: fc.constant('carrier-refusal' as const), code: fc.constant('21610') }),
  fc.constant({ type: 'opt-out-link' as const }),
  { weight: 2, arbitrary: fc.record({ type: fc.constant('block' as const), by: user }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('unblock' as const), by: user }) },
  {
    weight: 2,
    arbitrary: fc.record({ type: fc.constant('manual-opt-in' as const), by: user, note }),
  },
  fc.record({ type: fc.constant('manual-opt-out' as const), by: user }),
  fc.record({
    type: fc.constant('list-toggle' as const),
    by: user,
    listId: fc.constantFrom(...LISTS),
    member: fc.boolean(),
  }),
  fc.record(
    {
      type: fc.constant('import-row' as const),
      by: user,
      optedIn: fc.boolean(),
      lists: fc.subarray([...LISTS]),
      intoOptOutList: fc.boolean(),
    },
    { requiredKeys: ['type', 'by', 'lists', 'intoOptOutList'] },
  ),
  fc.record({
    type: fc.constant('trigger-fired' as const),
    triggerId: fc.constantFrom('help', 'optout'),
    messageId: fc.uuid(),
  }),
);

/** Every way a contact comes to be (R12). */
const creation: fc.Arbitrary<ContactCreation> = fc.oneof(
  fc.constant({ source: 'inbound' as const }),
  fc.record({
    source: fc.constantFrom('import' as const, 'send' as const, 'api' as const),
    by: user,
  }),
);

test('any sequence of events keeps R1–R6, R9 and R11, and the gate refuses after an opt-out or block', () => {
  fc.assert(
    fc.property(
      creation,
      at,
      fc.commands([fc.tuple(event, at).map(([anEvent, now]) => new EventCommand(anEvent, now))], {
        maxCommands: 40,
      }),
      (how, createdAt, commands) => {
        const created = createContact(how, { now: createdAt });
        // A new contact is one we have heard nothing against; being created is no consent change.
        expect(created.state).toEqual(INITIAL_CONSENT);
        expect(created.effects).toEqual([]);
        expect(created.history).toEqual([
          {
            at: createdAt,
            actor: how.source === 'inbound' ? { kind: 'contact' } : how.by,
            change: 'created',
            source: how.source,
          },
        ]);
        const setup = () => ({
          model: { blocked: false, last: 'in' as const, lists: new Set<string>() } as Model,
          real: { state: created.state, history: [...created.history] },
        });
        fc.modelRun(setup, commands);
      },
    ),
    { numRuns: 400 },
  );
});
