import { describe, expect, test } from 'vitest';
import { AGENT, CONTEXT } from './fixtures';
import { describeCreation } from './history';
import { applyConsentEvent, createContact, thenApply } from './reducer';
import type { UserActor } from './types';

const DANA: UserActor = { kind: 'user', id: 'u-dana', name: 'Dana', role: 'agent' };
const DECEMBER = '2026-12-07T15:30:00.000Z';

describe('R12: how a contact came to be', () => {
  test('a first text, an import, a send from the app and the REST API each say how, and who', () => {
    const words = (outcome: ReturnType<typeof createContact>) =>
      outcome.history.map((entry) =>
        describeCreation({ ...entry, source: 'source' in entry ? entry.source : null }),
      );
    expect(words(createContact({ source: 'inbound' }, { now: DECEMBER }))).toEqual([
      'First texted us on 7 Dec 2026',
    ]);
    expect(words(createContact({ source: 'import', by: DANA }, { now: DECEMBER }))).toEqual([
      'Added by an import by Dana, 7 Dec 2026',
    ]);
    expect(words(createContact({ source: 'send', by: DANA }, { now: DECEMBER }))).toEqual([
      'Added when Dana texted them, 7 Dec 2026',
    ]);
    expect(words(createContact({ source: 'api', by: DANA }, { now: DECEMBER }))).toEqual([
      'Added through the API by Dana, 7 Dec 2026',
    ]);
  });

  test('the day is the one in the zone asked for', () => {
    const late = { at: '2026-12-08T02:00:00.000Z', source: 'inbound', actor: { kind: 'contact' } };
    expect(describeCreation(late)).toBe('First texted us on 8 Dec 2026');
    expect(describeCreation(late, { timeZone: 'America/Chicago' })).toBe(
      'First texted us on 7 Dec 2026',
    );
  });

  test('being created is not an opt-in or an opt-out: an imported opt-out fires the webhook once, for the opt-out', () => {
    const created = createContact({ source: 'import', by: AGENT }, CONTEXT);
    const row = applyConsentEvent(
      created.state,
      { type: 'import-row', by: AGENT, lists: [], intoOptOutList: true },
      CONTEXT,
    );
    if (!row.ok) throw new Error(row.error.message);
    const both = thenApply(created, row.value);
    expect(both.history.map((entry) => entry.change)).toEqual(['created', 'opted-out']);
    expect(both.effects.filter((effect) => effect.type === 'opt-out-webhook')).toEqual([
      { type: 'opt-out-webhook', timestamp: CONTEXT.now, source: 'import' },
    ]);
    expect(both.state.optedIn).toBe(false);
  });
});
