import { classifyInbound, isClaimableOptOutWord, type InboundIntent } from './classify';
import { sendGate } from './gate';
import {
  INITIAL_CONSENT,
  type Actor,
  type ConsentContext,
  type ConsentEffect,
  type ConsentEvent,
  type ConsentHistoryEntry,
  type ConsentOutcome,
  type ConsentRefusal,
  type ConsentState,
  type ContactCreation,
  type ListChangeSource,
  type ListId,
  type OptOutRecord,
  type UserActor,
} from './types';
import { fail, ok, type Result } from '../result';

/** The outcome of an inbound text also says how it was read. */
export interface InboundOutcome extends ConsentOutcome {
  readonly intent: InboundIntent;
}

const CONTACT: Actor = { kind: 'contact' };
const CARRIER: Actor = { kind: 'carrier' };

/** Builds one outcome: a mutable state, the history and the effects, in order. */
class Outcome {
  readonly history: ConsentHistoryEntry[] = [];
  readonly effects: ConsentEffect[] = [];
  constructor(
    public state: ConsentState,
    readonly now: string,
  ) {}

  /** Opts out (R1, R3, R8, R9, R10): every opt-out is recorded and fires the webhook. */
  optOut(record: Omit<OptOutRecord, 'at'>, actor: Actor): void {
    const optOut: OptOutRecord = { at: this.now, ...record };
    this.state = { ...this.state, optedIn: false, optOut };
    this.history.push({
      at: this.now,
      actor,
      change: 'opted-out',
      source: record.source,
      ...(record.word !== undefined && { word: record.word }),
      ...(record.text !== undefined && { text: record.text }),
      ...(record.carrierCode !== undefined && { carrierCode: record.carrierCode }),
    });
    this.effects.push({ type: 'opt-out-webhook', timestamp: this.now, source: record.source });
  }

  optIn(source: 'inbound' | 'keyword' | 'manual', actor: Actor, text: string, word?: string): void {
    this.state = { ...this.state, optedIn: true, optOut: null };
    this.history.push({
      at: this.now,
      actor,
      change: 'opted-in',
      source,
      text,
      ...(word !== undefined && { word }),
    });
  }

  lists(
    add: readonly ListId[],
    remove: readonly ListId[],
    source: ListChangeSource,
    actor: Actor,
    triggerId?: string,
  ): void {
    const current = new Set(this.state.lists);
    const removed = [...new Set(remove)].filter((id) => current.has(id));
    for (const id of removed) current.delete(id);
    const added = [...new Set(add)].filter((id) => !current.has(id));
    for (const id of added) current.add(id);
    if (added.length === 0 && removed.length === 0) return;
    this.state = { ...this.state, lists: [...current].sort() };
    const entry = (change: 'list-added' | 'list-removed', listId: ListId): ConsentHistoryEntry => ({
      at: this.now,
      actor,
      change,
      source,
      listId,
      ...(triggerId !== undefined && { triggerId }),
    });
    this.history.push(
      ...removed.map((id) => entry('list-removed', id)),
      ...added.map((id) => entry('list-added', id)),
    );
    this.effects.push({ type: 'lists', add: added, remove: removed });
  }

  done(): ConsentOutcome {
    return { state: this.state, history: this.history, effects: this.effects };
  }
}

const unchanged = (state: ConsentState): ConsentOutcome => ({ state, history: [], effects: [] });

const mayBlock = (actor: UserActor): boolean =>
  actor.role === 'supervisor' || actor.role === 'admin';

const noted = (note: string | undefined): { text?: string } =>
  note !== undefined && note.trim() !== '' ? { text: note.trim() } : {};

/** Applies a trigger's list actions and reply (R5). Blocked contacts get neither. */
function fireTrigger(
  outcome: Outcome,
  triggerId: string,
  messageId: string,
  context: ConsentContext,
): ConsentRefusal | null {
  const rule = context.triggers.find((trigger) => trigger.id === triggerId);
  if (rule === undefined) {
    return { code: 'unknown-trigger', message: `There is no trigger “${triggerId}”.` };
  }
  if (outcome.state.blocked) return null;
  outcome.lists(rule.addToLists, rule.removeFromLists, 'trigger', { kind: 'system' }, rule.id);
  if (rule.reply !== null && rule.reply.trim() !== '') {
    const gate = sendGate(outcome.state, { kind: 'trigger-reply' });
    outcome.effects.push(
      gate.allowed
        ? { type: 'reply', triggerId: rule.id, body: rule.reply, inReplyTo: messageId }
        : { type: 'notice', text: `Automatic reply “${rule.name}” not sent. ${gate.reason}.` },
    );
  }
  return null;
}

/**
 * A text that does not opt an opted-out contact back in although it is not
 * an opt-out: a possible opt-out ("I said STOP", "who is this? STOP"), or a
 * trigger keyword that is itself a claimable opt-out word (OPTOUT).
 */
function stillStopping(intent: InboundIntent): boolean {
  if (intent.kind === 'message') return intent.possibleOptOut;
  return intent.kind === 'trigger' && isClaimableOptOutWord(intent.keyword);
}

/** An inbound text (R1, R2, R3, R5). Never refused: a customer's text is always taken. */
export function applyInbound(
  state: ConsentState,
  event: Extract<ConsentEvent, { type: 'inbound' }>,
  context: ConsentContext,
): InboundOutcome {
  const intent = classifyInbound(event.body, context.triggers);
  const outcome = new Outcome(state, context.now);
  if (state.blocked) {
    // R3: kept for the audit trail, but no inbox, trigger or consent change.
    outcome.effects.push({ type: 'quarantine', messageId: event.messageId });
    return { ...outcome.done(), intent };
  }
  if (intent.kind === 'opt-out') {
    outcome.optOut(
      intent.match === 'keyword'
        ? { source: 'keyword', word: intent.word, text: event.body }
        : { source: 'keyword', text: event.body },
      CONTACT,
    );
    // R1: no automatic reply; the carrier confirms on its own.
    outcome.effects.push({
      type: 'notice',
      text:
        intent.match === 'keyword'
          ? `Opted out of all texts by replying ${intent.word}. No automatic reply was sent.`
          : 'Opted out of all texts by asking to stop. No automatic reply was sent.',
    });
    return { ...outcome.done(), intent };
  }
  if (!state.optedIn) {
    if (stillStopping(intent)) {
      // Not an opt-in by any reading: "I said STOP", or OPTOUT, which asks for less, not more.
      outcome.effects.push({
        type: 'notice',
        text: 'Still opted out: this text reads like another request to stop. If the customer asked to be texted again, opt them in by hand with a note.',
      });
    } else if (intent.kind === 'opt-in') {
      // R2: any other text opts them back in; this cannot be turned off.
      outcome.optIn('keyword', CONTACT, event.body, intent.word);
    } else {
      outcome.optIn('inbound', CONTACT, event.body);
    }
  }
  if (intent.kind === 'trigger') {
    // The classifier only names triggers of the context, so this cannot refuse.
    fireTrigger(outcome, intent.triggerId, event.messageId, context);
  }
  return { ...outcome.done(), intent };
}

/**
 * The consent engine: applies one event to one contact's consent and says
 * what changed (history) and what must be done (effects). Pure: the same
 * input always gives the same output; `context.now` is the only clock.
 */
export function applyConsentEvent(
  state: ConsentState,
  event: ConsentEvent,
  context: ConsentContext,
): Result<ConsentOutcome, ConsentRefusal> {
  const outcome = new Outcome(state, context.now);
  switch (event.type) {
    case 'inbound':
      return ok(applyInbound(state, event, context));

    case 'carrier-refusal':
      // R9: the carrier's word wins.
      outcome.optOut({ source: 'carrier', carrierCode: event.code }, CARRIER);
      outcome.effects.push({
        type: 'notice',
        text: 'The carrier refused this text: the customer opted out with their carrier. They must text START to be reachable again.',
      });
      return ok(outcome.done());

    case 'opt-out-link':
      outcome.optOut({ source: 'link' }, CONTACT);
      return ok(outcome.done());

    case 'block':
      if (!mayBlock(event.by)) {
        return fail({
          code: 'not-allowed',
          message: 'Only supervisors and admins can block a contact.',
        });
      }
      if (state.blocked) return ok(unchanged(state));
      outcome.state = { ...outcome.state, blocked: true };
      outcome.history.push({
        at: context.now,
        actor: event.by,
        change: 'blocked',
        ...noted(event.note),
      });
      if (state.optedIn) outcome.optOut({ source: 'blocked', by: event.by.name }, event.by);
      return ok(outcome.done());

    case 'unblock':
      if (!mayBlock(event.by)) {
        return fail({
          code: 'not-allowed',
          message: 'Only supervisors and admins can unblock a contact.',
        });
      }
      if (!state.blocked) return ok(unchanged(state));
      // R3: unblocking leaves them opted out.
      outcome.state = { ...outcome.state, blocked: false };
      outcome.history.push({
        at: context.now,
        actor: event.by,
        change: 'unblocked',
        ...noted(event.note),
      });
      return ok(outcome.done());

    case 'manual-opt-in': {
      if (state.blocked) {
        return fail({ code: 'unblock-first', message: 'Unblock first' });
      }
      const note = event.note.trim();
      if (note === '') {
        return fail({
          code: 'note-required',
          message: 'Say how the contact consented, for example “asked on the phone 23 Nov”.',
        });
      }
      if (state.optedIn) return ok(unchanged(state));
      outcome.optIn('manual', event.by, note);
      return ok(outcome.done());
    }

    case 'manual-opt-out':
      if (!state.optedIn) return ok(unchanged(state));
      outcome.optOut({ source: 'manual', by: event.by.name, ...noted(event.note) }, event.by);
      return ok(outcome.done());

    case 'list-toggle':
      outcome.lists(
        event.member ? [event.listId] : [],
        event.member ? [] : [event.listId],
        'manual',
        event.by,
      );
      return ok(outcome.done());

    case 'import-row':
      outcome.lists(event.lists, [], 'import', event.by);
      if ((event.intoOptOutList || event.optedIn === false) && state.optedIn) {
        outcome.optOut({ source: 'import', by: event.by.name }, event.by);
      } else if (event.optedIn === true && !state.optedIn) {
        // R11: an import never opts a contact back in.
        outcome.effects.push({
          type: 'notice',
          text: 'Kept opted out: an import cannot opt a contact back in.',
        });
      }
      return ok(outcome.done());

    case 'trigger-fired': {
      const refusal = fireTrigger(outcome, event.triggerId, event.messageId, context);
      return refusal === null ? ok(outcome.done()) : fail(refusal);
    }
  }
}

/**
 * A new contact (R12): consent as for anyone we have heard nothing against,
 * and the history's first entry, `created`, saying how they came to be and
 * who did it. It changes no consent, fires no webhook and is no opt-in or
 * opt-out. Not an event: only storage knows that a row is new, so it calls
 * this once, where it inserts the row, and applies what follows (the first
 * text, the import's row) to the state it returns — see `thenApply`.
 */
export function createContact(
  creation: ContactCreation,
  context: Pick<ConsentContext, 'now'>,
): ConsentOutcome {
  return {
    state: INITIAL_CONSENT,
    history: [
      {
        at: context.now,
        actor: creation.source === 'inbound' ? CONTACT : creation.by,
        change: 'created',
        source: creation.source,
      },
    ],
    effects: [],
  };
}

/** Two outcomes one after the other, as one: the second's state, both histories and effects in order. */
export function thenApply(first: ConsentOutcome, second: ConsentOutcome): ConsentOutcome {
  return {
    state: second.state,
    history: [...first.history, ...second.history],
    effects: [...first.effects, ...second.effects],
  };
}
