import { describe, expect, test } from 'vitest';
import { ADMIN, AGENT, CONTEXT, NOW, SUPERVISOR } from './fixtures';
import { sendGate } from './gate';
import { applyConsentEvent, applyInbound } from './reducer';
import {
  INITIAL_CONSENT,
  type ConsentEvent,
  type ConsentOutcome,
  type ConsentState,
} from './types';

function apply(state: ConsentState, event: ConsentEvent): ConsentOutcome {
  const result = applyConsentEvent(state, event, CONTEXT);
  if (!result.ok) throw new Error(`refused: ${result.error.message}`);
  return result.value;
}

const inbound = (body: string, messageId = 'm1') => ({ type: 'inbound', body, messageId }) as const;
const effectTypes = (outcome: ConsentOutcome) => outcome.effects.map((effect) => effect.type);

const optedOut = apply(INITIAL_CONSENT, inbound('STOP')).state;
const blocked = apply(INITIAL_CONSENT, { type: 'block', by: SUPERVISOR }).state;

describe('R1: STOP opts out of everything', () => {
  test('opts out, records the word and the text, fires the webhook, sends no reply', () => {
    const outcome = apply({ ...INITIAL_CONSENT, lists: ['marketing'] }, inbound('Stop please'));
    expect(outcome.state).toMatchObject({ optedIn: false, blocked: false, lists: ['marketing'] });
    expect(outcome.state.optOut).toEqual({
      at: NOW,
      source: 'keyword',
      word: 'STOP',
      text: 'Stop please',
    });
    expect(outcome.history).toEqual([
      {
        at: NOW,
        actor: { kind: 'contact' },
        change: 'opted-out',
        source: 'keyword',
        word: 'STOP',
        text: 'Stop please',
      },
    ]);
    expect(outcome.effects).toContainEqual({
      type: 'opt-out-webhook',
      timestamp: NOW,
      source: 'keyword',
    });
    expect(effectTypes(outcome)).not.toContain('reply');
    expect(outcome.effects).toContainEqual({
      type: 'notice',
      text: 'Opted out of all texts by replying STOP. No automatic reply was sent.',
    });
  });

  test('a plain request to stop texting opts out too', () => {
    const outcome = apply(INITIAL_CONSENT, inbound('please stop texting me'));
    expect(outcome.state.optedIn).toBe(false);
    expect(outcome.state.optOut).toEqual({
      at: NOW,
      source: 'keyword',
      text: 'please stop texting me',
    });
  });

  test('opt-out beats a trigger: no help reply for a text that is both', () => {
    const triggers = CONTEXT.triggers.map((rule) =>
      rule.id === 'help' ? { ...rule, keywords: ['HELP', 'STOP'] } : rule,
    );
    const result = applyInbound(INITIAL_CONSENT, inbound('stop'), { ...CONTEXT, triggers });
    expect(result.intent.kind).toBe('opt-out');
    expect(effectTypes(result)).not.toContain('reply');
  });
});

describe('R2: any new inbound text opts back in', () => {
  test('an ordinary text opts an opted-out contact back in (source inbound)', () => {
    const outcome = apply(optedOut, inbound('Actually, what time is my appointment?'));
    expect(outcome.state.optedIn).toBe(true);
    expect(outcome.state.optOut).toBeNull();
    expect(outcome.history).toEqual([
      {
        at: NOW,
        actor: { kind: 'contact' },
        change: 'opted-in',
        source: 'inbound',
        text: 'Actually, what time is my appointment?',
      },
    ]);
  });

  test('START opts back in with source keyword', () => {
    const outcome = apply(optedOut, inbound('START'));
    expect(outcome.history[0]).toMatchObject({
      change: 'opted-in',
      source: 'keyword',
      word: 'START',
    });
  });

  test('a text from a contact who is opted in changes nothing', () => {
    const outcome = apply(INITIAL_CONSENT, inbound('Thanks, see you then'));
    expect(outcome).toMatchObject({ state: INITIAL_CONSENT, history: [], effects: [] });
  });

  test('a text that reads like another stop keeps them opted out, and says so', () => {
    for (const body of ['I said STOP', 'enough with these texts already, I mean it']) {
      const result = applyInbound(optedOut, inbound(body), CONTEXT);
      expect(result.intent).toMatchObject({ kind: 'message', possibleOptOut: true });
      expect(result.state).toEqual(optedOut);
      expect(result.history).toEqual([]);
      expect(result.effects).toEqual([
        {
          type: 'notice',
          text: 'Still opted out: this text reads like another request to stop. If the customer asked to be texted again, opt them in by hand with a note.',
        },
      ]);
    }
  });

  test('OPTOUT after STOP does not opt back in: lists move, no reply goes out', () => {
    const before = { ...optedOut, lists: ['marketing'] };
    const outcome = apply(before, inbound('OPTOUT'));
    expect(outcome.state).toMatchObject({ optedIn: false, lists: ['marketing-opt-out'] });
    expect(effectTypes(outcome)).not.toContain('reply');
  });
});

describe('R3: blocked contacts', () => {
  test('blocking opts out (source blocked) and fires the webhook', () => {
    const outcome = apply(INITIAL_CONSENT, { type: 'block', by: SUPERVISOR, note: 'abusive' });
    expect(outcome.state).toMatchObject({ blocked: true, optedIn: false });
    expect(outcome.state.optOut).toMatchObject({ source: 'blocked', by: 'Sam' });
    expect(outcome.history.map((entry) => entry.change)).toEqual(['blocked', 'opted-out']);
    expect(outcome.history[0]).toMatchObject({ text: 'abusive', actor: SUPERVISOR });
    expect(outcome.effects).toContainEqual({
      type: 'opt-out-webhook',
      timestamp: NOW,
      source: 'blocked',
    });
  });

  test('only supervisors and admins may block or unblock', () => {
    expect(applyConsentEvent(INITIAL_CONSENT, { type: 'block', by: AGENT }, CONTEXT)).toEqual({
      ok: false,
      error: { code: 'not-allowed', message: 'Only supervisors and admins can block a contact.' },
    });
    expect(applyConsentEvent(blocked, { type: 'unblock', by: AGENT }, CONTEXT).ok).toBe(false);
    expect(applyConsentEvent(INITIAL_CONSENT, { type: 'block', by: ADMIN }, CONTEXT).ok).toBe(true);
  });

  test('texts from a blocked contact are quarantined and change nothing, even START or HELP', () => {
    for (const body of ['START', 'HELP', 'hello?', 'STOP']) {
      const outcome = apply(blocked, inbound(body, 'q1'));
      expect(outcome.state).toEqual(blocked);
      expect(outcome.history).toEqual([]);
      expect(outcome.effects).toEqual([{ type: 'quarantine', messageId: 'q1' }]);
    }
  });

  test('unblocking leaves them opted out, and opting in a blocked contact says "Unblock first"', () => {
    expect(
      applyConsentEvent(blocked, { type: 'manual-opt-in', by: SUPERVISOR, note: 'asked' }, CONTEXT),
    ).toEqual({ ok: false, error: { code: 'unblock-first', message: 'Unblock first' } });
    const unblocked = apply(blocked, { type: 'unblock', by: SUPERVISOR }).state;
    expect(unblocked).toMatchObject({ blocked: false, optedIn: false });
    expect(sendGate(unblocked, { kind: 'reply' })).toMatchObject({
      allowed: false,
      code: 'opted-out',
    });
  });
});

describe('R4: manual opt-in needs express consent', () => {
  test('without a note it is refused', () => {
    const result = applyConsentEvent(
      optedOut,
      { type: 'manual-opt-in', by: AGENT, note: '   ' },
      CONTEXT,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'note-required' } });
  });

  test('with a note it is kept in the history with the agent and the time', () => {
    const outcome = apply(optedOut, {
      type: 'manual-opt-in',
      by: AGENT,
      note: ' asked on the phone 23 Nov ',
    });
    expect(outcome.state.optedIn).toBe(true);
    expect(outcome.history).toEqual([
      {
        at: NOW,
        actor: AGENT,
        change: 'opted-in',
        source: 'manual',
        text: 'asked on the phone 23 Nov',
      },
    ]);
  });

  test('unchecking needs no note and fires the webhook (source manual)', () => {
    const outcome = apply(INITIAL_CONSENT, { type: 'manual-opt-out', by: AGENT });
    expect(outcome.state.optOut).toMatchObject({ source: 'manual', by: 'Ana' });
    expect(outcome.effects).toContainEqual({
      type: 'opt-out-webhook',
      timestamp: NOW,
      source: 'manual',
    });
  });
});

describe('R5: triggers', () => {
  test('HELP gets the help reply once, tied to the inbound text', () => {
    const outcome = apply(INITIAL_CONSENT, inbound('help', 'm-help'));
    const replies = outcome.effects.filter((effect) => effect.type === 'reply');
    expect(replies).toEqual([
      {
        type: 'reply',
        triggerId: 'help',
        inReplyTo: 'm-help',
        body: 'Acme Dental: for help, contact (201) 555-0100. Msg & data rates may apply. Reply STOP to opt out.',
      },
    ]);
  });

  test('OPTOUT moves the contact from marketing to Marketing Opt-Out, keeps them opted in, replies once', () => {
    const outcome = apply({ ...INITIAL_CONSENT, lists: ['marketing', 'vip'] }, inbound('OPTOUT'));
    expect(outcome.state).toMatchObject({ optedIn: true, lists: ['marketing-opt-out', 'vip'] });
    expect(outcome.effects.filter((effect) => effect.type === 'reply')).toHaveLength(1);
    expect(outcome.effects).toContainEqual({
      type: 'lists',
      add: ['marketing-opt-out'],
      remove: ['marketing'],
    });
    expect(outcome.history.map((entry) => entry.change)).toEqual(['list-removed', 'list-added']);
    expect(sendGate(outcome.state, { kind: 'reply' }).allowed).toBe(true);
  });

  test('a trigger texted by an opted-out contact opts them in first, then replies (R2 before R5)', () => {
    const outcome = apply(optedOut, inbound('INFO'));
    expect(outcome.history[0]).toMatchObject({ change: 'opted-in', source: 'inbound' });
    expect(effectTypes(outcome)).toContain('reply');
  });

  test('a trigger fired for an opted-out contact does not reply, and says why', () => {
    const outcome = apply(optedOut, { type: 'trigger-fired', triggerId: 'help', messageId: 'm9' });
    expect(effectTypes(outcome)).not.toContain('reply');
    expect(outcome.effects).toContainEqual({
      type: 'notice',
      text: 'Automatic reply “Help” not sent. Opted out: replied STOP on 23 Nov 2026.',
    });
  });

  test('an unknown trigger is refused', () => {
    const result = applyConsentEvent(
      INITIAL_CONSENT,
      { type: 'trigger-fired', triggerId: 'nope', messageId: 'm' },
      CONTEXT,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown-trigger' } });
  });
});

describe('R8 and R9: the opt-out link and the carrier', () => {
  test('the opt-out link opts out with source link', () => {
    const outcome = apply(INITIAL_CONSENT, { type: 'opt-out-link' });
    expect(outcome.state.optOut).toMatchObject({ source: 'link' });
    expect(outcome.effects).toContainEqual({
      type: 'opt-out-webhook',
      timestamp: NOW,
      source: 'link',
    });
  });

  test('a carrier refusal opts out (source carrier) and tells the agent about START', () => {
    const outcome = apply(INITIAL_CONSENT, {
      type: 'carrier-refusal',
      code: '21610',
      messageId: 'out-1',
    });
    expect(outcome.state.optOut).toEqual({ at: NOW, source: 'carrier', carrierCode: '21610' });
    expect(outcome.history[0]).toMatchObject({
      actor: { kind: 'carrier' },
      source: 'carrier',
      carrierCode: '21610',
    });
    expect(outcome.effects).toContainEqual(
      expect.objectContaining({
        type: 'notice',
        text: expect.stringContaining('must text START') as unknown,
      }),
    );
  });
});

describe('R11: lists and imports', () => {
  test('agents toggle lists, and each change is in the history', () => {
    const added = apply(INITIAL_CONSENT, {
      type: 'list-toggle',
      by: AGENT,
      listId: 'vip',
      member: true,
    });
    expect(added.state.lists).toEqual(['vip']);
    expect(added.history).toEqual([
      { at: NOW, actor: AGENT, change: 'list-added', source: 'manual', listId: 'vip' },
    ]);
    const again = apply(added.state, {
      type: 'list-toggle',
      by: AGENT,
      listId: 'vip',
      member: true,
    });
    expect(again.history).toEqual([]);
    const removed = apply(added.state, {
      type: 'list-toggle',
      by: AGENT,
      listId: 'vip',
      member: false,
    });
    expect(removed.state.lists).toEqual([]);
  });

  test('an import never opts a contact back in', () => {
    const outcome = apply(optedOut, {
      type: 'import-row',
      by: AGENT,
      optedIn: true,
      lists: ['marketing'],
      intoOptOutList: false,
    });
    expect(outcome.state).toMatchObject({ optedIn: false, lists: ['marketing'] });
    expect(outcome.effects).toContainEqual({
      type: 'notice',
      text: 'Kept opted out: an import cannot opt a contact back in.',
    });
  });

  test('importing into the Opt-Out List opts out with source import', () => {
    const outcome = apply(INITIAL_CONSENT, {
      type: 'import-row',
      by: AGENT,
      lists: [],
      intoOptOutList: true,
    });
    expect(outcome.state.optOut).toMatchObject({ source: 'import', by: 'Ana' });
    expect(outcome.effects).toContainEqual({
      type: 'opt-out-webhook',
      timestamp: NOW,
      source: 'import',
    });
  });

  test('a row that says not opted in opts out', () => {
    const outcome = apply(INITIAL_CONSENT, {
      type: 'import-row',
      by: AGENT,
      optedIn: false,
      lists: [],
      intoOptOutList: false,
    });
    expect(outcome.state.optedIn).toBe(false);
  });
});

test('the engine is pure: the same input gives the same output and the input is not changed', () => {
  const state = { ...INITIAL_CONSENT, lists: ['marketing'] };
  const frozen = JSON.stringify(state);
  const first = applyConsentEvent(state, inbound('OPTOUT'), CONTEXT);
  const second = applyConsentEvent(state, inbound('OPTOUT'), CONTEXT);
  expect(first).toEqual(second);
  expect(JSON.stringify(state)).toBe(frozen);
});
