import { describe, expect, test } from 'vitest';
import { classifyInbound } from './classify';
import { defaultTriggerRules, lintTriggerKeyword, type KeywordProblem } from './triggers';
import type { Trigger } from './types';

const errors = (problems: readonly KeywordProblem[]): KeywordProblem[] =>
  problems.filter((problem) => problem.severity === 'error');

const warnings = (problems: readonly KeywordProblem[]): KeywordProblem[] =>
  problems.filter((problem) => problem.severity === 'warning');

describe('lintTriggerKeyword refuses', () => {
  test.each([
    'STOP',
    'stop',
    'Stop!',
    'ＳＴＯＰ',
    'STOPALL',
    'stop all',
    'Unsubscribe',
    'CANCEL',
    'end',
    'Quit',
    'REVOKE',
    'OPT OUT',
    'opt-out',
    'Opt-Out',
    'ARRET',
    'Arrêt',
    'stop please',
    'STOP STOP',
    'please unsubscribe',
  ])('the global opt-out word %j (R1)', (keyword) => {
    const problems = lintTriggerKeyword(keyword);
    expect(errors(problems)).toHaveLength(1);
    expect(problems[0]).toMatchObject({ severity: 'error', code: 'opt-out-word' });
    expect(problems[0]?.message).toMatch(/opts a customer out/u);
  });

  test.each([
    'please stop texting me',
    'Stop texting me',
    'unsubscribe me',
    'remove me from your list',
    'Take me off this list',
    "don't text me anymore",
    'No more texts',
  ])('%j, which reads as a request to stop texting', (keyword) => {
    expect(lintTriggerKeyword(keyword)).toEqual([
      expect.objectContaining({ severity: 'error', code: 'opt-out-word' }),
    ]);
  });

  test('naming the refused keyword so the supervisor sees what was wrong', () => {
    const [problem] = lintTriggerKeyword('  unsubscribe!! ');
    expect(problem?.message).toContain('UNSUBSCRIBE');
  });

  test.each(['START', 'start', 'Unstop', 'UNSTOP!'])('the opt-in keyword %j', (keyword) => {
    const problems = lintTriggerKeyword(keyword);
    expect(problems).toEqual([expect.objectContaining({ severity: 'error', code: 'opt-in-word' })]);
    expect(problems[0]?.message).toMatch(/opts a customer back in/u);
  });

  // The inbox reads these with filler as opt-ins too, so a trigger with one would never fire.
  test.each(['START NOW', 'start again', 'please start', 'Unstop please'])(
    'the opt-in keyword with filler %j',
    (keyword) => {
      expect(lintTriggerKeyword(keyword)).toEqual([
        expect.objectContaining({ severity: 'error', code: 'opt-in-word' }),
      ]);
    },
  );

  test.each(['', '   ', '!!!', '?!', '🛑', '👍👍', '\u200B', '\u200B \uFEFF', '--'])(
    'the empty or punctuation-only keyword %j',
    (keyword) => {
      expect(lintTriggerKeyword(keyword)).toEqual([
        expect.objectContaining({ severity: 'error', code: 'empty' }),
      ]);
    },
  );

  describe('a keyword another trigger already has', () => {
    const others: (Trigger & { name?: string })[] = [
      { id: 'hours', name: 'Opening hours', keywords: ['HOURS', 'opening times'] },
      { id: 'menu', keywords: ['MENU'] },
    ];

    test.each(['HOURS', 'hours', 'Hours?', 'Opening Times', ' opening   times! '])(
      '%j is a keyword of “Opening hours”',
      (keyword) => {
        const problems = lintTriggerKeyword(keyword, others);
        expect(problems).toEqual([
          expect.objectContaining({ severity: 'error', code: 'duplicate' }),
        ]);
        expect(problems[0]?.message).toContain('Opening hours');
      },
    );

    test('a trigger without a name is named by its id', () => {
      const problems = lintTriggerKeyword('menu', others);
      expect(problems).toEqual([expect.objectContaining({ code: 'duplicate' })]);
      expect(problems[0]?.message).toContain('menu');
    });

    test('a reserved keyword taken twice is refused and still warned about', () => {
      const problems = lintTriggerKeyword('Help', [{ id: 'help', keywords: ['HELP', 'INFO'] }]);
      expect(errors(problems)).toEqual([expect.objectContaining({ code: 'duplicate' })]);
      expect(warnings(problems)).toEqual([expect.objectContaining({ code: 'carrier-reserved' })]);
    });

    test('a keyword is free when no other trigger has it', () => {
      expect(lintTriggerKeyword('PRICES', others)).toEqual([]);
    });
  });
});

describe('lintTriggerKeyword warns, but saves, a keyword a carrier reserves (R5)', () => {
  test('OPTOUT: Twilio opts the customer out of everything', () => {
    const problems = lintTriggerKeyword('OPTOUT');
    expect(errors(problems)).toEqual([]);
    expect(problems).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'carrier-reserved' }),
    ]);
    expect(problems[0]?.message).toMatch(/Twilio/u);
    expect(problems[0]?.message).toMatch(/opt-out/u);
    expect(problems[0]?.message).toMatch(/stop all texts/u);
  });

  test.each(['optout', 'OptOut!'])('OPTOUT written as %j', (keyword) => {
    expect(lintTriggerKeyword(keyword)).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'carrier-reserved' }),
    ]);
  });

  test.each(['HELP', 'help', 'INFO', 'Info?'])(
    '%j: the carrier answers it too, so the customer may get two replies',
    (keyword) => {
      const problems = lintTriggerKeyword(keyword);
      expect(errors(problems)).toEqual([]);
      expect(problems).toEqual([
        expect.objectContaining({ severity: 'warning', code: 'carrier-reserved' }),
      ]);
      expect(problems[0]?.message).toMatch(/Carriers answer/u);
      expect(problems[0]?.message).toMatch(/two replies/u);
    },
  );

  test('YES: Twilio treats it as an opt-in and may confirm on its own', () => {
    const problems = lintTriggerKeyword('Yes');
    expect(errors(problems)).toEqual([]);
    expect(problems).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'carrier-reserved' }),
    ]);
    expect(problems[0]?.message).toMatch(/Twilio/u);
    expect(problems[0]?.message).toMatch(/opt-in/u);
  });
});

describe('lintTriggerKeyword accepts', () => {
  test.each([
    'HOURS',
    'hours',
    'opening times',
    'MENU',
    'PRICES',
    'book',
    'Directions',
    'CANCEL APPT',
    'the end',
    'Stop by',
    'END OF SEASON SALE',
    'horario',
    '营业时间',
    'WIFI2025',
  ])('the ordinary keyword %j with no problems', (keyword) => {
    expect(lintTriggerKeyword(keyword)).toEqual([]);
  });

  test.each([
    'HOURS',
    'opening times',
    'CANCEL APPT',
    'END OF SEASON SALE',
    'Stop by',
    'YES',
    'OPTOUT',
    'HELP',
  ])('%j, and a trigger saved with it then fires on that text', (keyword) => {
    expect(errors(lintTriggerKeyword(keyword))).toEqual([]);
    expect(classifyInbound(keyword, [{ id: 'mine', keywords: [keyword] }])).toMatchObject({
      kind: 'trigger',
      triggerId: 'mine',
    });
  });
});

describe('defaultTriggerRules', () => {
  const rules = defaultTriggerRules({
    businessName: 'Maple Dental',
    supportContact: '(201) 555-0123',
    marketingListIds: ['list-newsletter', 'list-promos'],
    marketingOptOutListId: 'list-marketing-opt-out',
  });
  const help = rules.find((rule) => rule.id === 'help');
  const optout = rules.find((rule) => rule.id === 'optout');

  test('gives a new account the help and optout triggers, and no others', () => {
    expect(rules.map((rule) => rule.id).sort()).toEqual(['help', 'optout']);
  });

  test('help answers HELP and INFO', () => {
    expect(help?.keywords).toEqual(['HELP', 'INFO']);
    expect(classifyInbound('help', rules)).toMatchObject({ kind: 'trigger', triggerId: 'help' });
    expect(classifyInbound('Info?', rules)).toMatchObject({ kind: 'trigger', triggerId: 'help' });
  });

  test('help replies with the business name, how to opt out, rates and the support contact', () => {
    const reply = help?.reply ?? '';
    expect(reply).toContain('Maple Dental');
    expect(reply).toContain('Reply STOP');
    expect(reply).toContain('Msg & data rates may apply');
    expect(reply).toContain('(201) 555-0123');
  });

  test('help changes no lists', () => {
    expect(help?.removeFromLists).toEqual([]);
    expect(help?.addToLists).toEqual([]);
  });

  test('optout answers OPTOUT with the reply of product.md', () => {
    expect(optout?.keywords).toEqual(['OPTOUT']);
    expect(optout?.reply).toBe(
      'You will not receive any further marketing messages from us. Reply STOP to stop all messages.',
    );
    expect(classifyInbound('OptOut', rules)).toMatchObject({
      kind: 'trigger',
      triggerId: 'optout',
    });
  });

  test('optout takes the contact off the marketing lists and onto Marketing Opt-Out', () => {
    expect(optout?.removeFromLists).toEqual(['list-newsletter', 'list-promos']);
    expect(optout?.addToLists).toEqual(['list-marketing-opt-out']);
  });

  test('the default keywords pass the keyword check with carrier warnings only', () => {
    for (const rule of rules) {
      for (const keyword of rule.keywords) {
        const others = rules.filter((other) => other.id !== rule.id);
        expect(errors(lintTriggerKeyword(keyword, others))).toEqual([]);
      }
    }
  });
});

test('a keyword that reads like a request to stop is saved with a warning', () => {
  for (const keyword of ['UNSUB', 'ENOUGH', 'BAJA']) {
    expect(lintTriggerKeyword(keyword)).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'looks-like-stop' }),
    ]);
  }
});
