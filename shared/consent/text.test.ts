import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { classifyInbound } from './classify';
import { foldText, normalizeInboundText } from './text';
import type { Trigger } from './types';

/** The R1 opt-out words as product.md spells them (OPTOUT aside: a trigger may claim it). */
const OPT_OUT_WORDS = [
  'STOP',
  'STOPALL',
  'STOP ALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'REVOKE',
  'OPT OUT',
  'OPT-OUT',
  'ARRET',
  'ARRÊT',
] as const;

/** The filler product.md allows around an opt-out word. */
const FILLER = ['please', 'now', 'thanks', 'thank you', 'it', 'all'] as const;

/** The plain requests product.md lists. */
const STOP_REQUESTS = [
  'stop texting me',
  'please stop messaging me',
  'unsubscribe me',
  'remove me from your list',
  'take me off this list',
  "don't text me anymore",
  'no more texts',
] as const;

/**
 * Characters that carry no words: zero-width, joiners, bidi marks, BOM, soft
 * hyphen, controls, variation selectors, tag characters.
 */
const INVISIBLE = [
  '\u200B',
  '\u200C',
  '\u200D',
  '\u2060',
  '\uFEFF',
  '\u00AD',
  '\u200E',
  '\u200F',
  '\u202A',
  '\u202C',
  '\u2066',
  '\u2069',
  '\u0000',
  '\u0007',
  '\u001B',
  '\u007F',
  '\u009B',
  '\uFE0F',
  '\u034F',
  '\u061C',
  '\u180E',
  '\u2062',
  '\u{E0001}',
  '\u{E0100}',
] as const;

/** What people put around a keyword: punctuation, emoji, white space. */
const EDGE_PIECES = [
  '.',
  '!',
  '?',
  '!!!',
  '...',
  '…',
  ',',
  ';',
  ':',
  '"',
  "'",
  '“',
  '”',
  '«',
  '»',
  '(',
  ')',
  '[',
  ']',
  '*',
  '-',
  '~',
  '#',
  '¡',
  '¿',
  '。',
  '！',
  '？',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r\n',
  '\u00A0',
  '\u3000',
  '🛑',
  '😡',
  '🙏',
  '👍🏽',
  '❤️',
  '‼️',
  '👨‍👩‍👧',
  '🇺🇸',
] as const;

/** A string of edge pieces, possibly empty. */
const edge = fc
  .array(fc.constantFrom(...EDGE_PIECES), { maxLength: 4 })
  .map((pieces) => pieces.join(''));

/** Inserts invisible characters between code points, at positions taken modulo the length. */
function insertInvisible(text: string, inserts: readonly (readonly [number, string])[]): string {
  const chars = Array.from(text);
  for (const [position, char] of inserts) {
    chars.splice(position % (chars.length + 1), 0, char);
  }
  return chars.join('');
}

const invisibleInserts = fc.array(fc.tuple(fc.nat(), fc.constantFrom(...INVISIBLE)), {
  maxLength: 6,
});

/** ASCII as fullwidth forms, the way some phone keyboards type it. */
function toFullwidth(text: string): string {
  return text.replace(/[!-~ ]/gu, (char) =>
    char === ' ' ? '\u3000' : String.fromCodePoint((char.codePointAt(0) ?? 0) + 0xfee0),
  );
}

/**
 * A text with its letters in any case, invisible characters anywhere, maybe in
 * fullwidth forms, with punctuation, emoji and white space at both ends.
 */
function disguised(base: fc.Arbitrary<string>): fc.Arbitrary<{ base: string; text: string }> {
  return fc
    .record({
      cased: fc.mixedCase(base),
      inserts: invisibleInserts,
      fullwidth: fc.boolean(),
      before: edge,
      after: edge,
    })
    .map(({ cased, inserts, fullwidth, before, after }) => {
      const letters = fullwidth ? toFullwidth(cased) : cased;
      return { base: cased, text: before + insertInvisible(letters, inserts) + after };
    });
}

/** An opt-out word alone, repeated, or with filler around it. */
const optOutText = fc
  .record({
    lead: fc.array(fc.constantFrom(...FILLER), { maxLength: 2 }),
    words: fc.array(fc.constantFrom(...OPT_OUT_WORDS), { minLength: 1, maxLength: 3 }),
    tail: fc.array(fc.constantFrom(...FILLER), { maxLength: 2 }),
  })
  .map(({ lead, words, tail }) => [...lead, ...words, ...tail].join(' '));

/** Any text, including ones made of words the classifier knows. */
const anyText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc
    .tuple(
      fc.string({ unit: 'grapheme', maxLength: 8 }),
      fc.constantFrom(...OPT_OUT_WORDS, ...STOP_REQUESTS, 'START', 'HELP', 'OPTOUT'),
      fc.string({ unit: 'binary', maxLength: 8 }),
    )
    .map((parts) => parts.join('')),
  disguised(optOutText).map(({ text }) => text),
);

const anyTriggers: fc.Arbitrary<Trigger[]> = fc.array(
  fc.record({
    id: fc.string({ maxLength: 8 }),
    keywords: fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.constant('')), {
      maxLength: 3,
    }),
  }),
  { maxLength: 3 },
);

const RUNS = 400;

describe('normalizeInboundText and foldText', () => {
  test('normalizing twice changes nothing', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const once = normalizeInboundText(text);
        expect(normalizeInboundText(once)).toBe(once);
      }),
      { numRuns: RUNS },
    );
  });

  test('folding twice changes nothing', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const once = foldText(text);
        expect(foldText(once)).toBe(once);
      }),
      { numRuns: RUNS },
    );
  });

  test('folding a normalized text gives the same as folding the raw text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(foldText(normalizeInboundText(text))).toBe(foldText(text));
      }),
      { numRuns: RUNS },
    );
  });

  test('a normalized text is NFKC, has no invisible characters, trimmed ends or doubled spaces', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const normalized = normalizeInboundText(text);
        expect(normalized.normalize('NFKC')).toBe(normalized);
        expect(normalized).not.toMatch(/[\p{Cc}\p{Cf}]/u);
        expect(normalized).not.toMatch(/^[\s\p{P}\p{S}]|[\s\p{P}\p{S}]$/u);
        expect(normalized).not.toMatch(/\s\s|[^\S ]/u);
      }),
      { numRuns: RUNS },
    );
  });

  test('a folded text has no upper case letters and no accents', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const folded = foldText(text);
        expect(folded.toLowerCase()).toBe(folded);
        expect(folded.normalize('NFD')).not.toMatch(/\p{M}/u);
      }),
      { numRuns: RUNS },
    );
  });

  test('examples from product.md', () => {
    expect(normalizeInboundText('ＳＴＯＰ')).toBe('STOP');
    expect(normalizeInboundText(' \u200BSt\u200Dop  texting\nme!! 🛑 ')).toBe('Stop texting me');
    expect(foldText('ARRÊT')).toBe('arret');
    expect(foldText('Don’t text me')).toBe("don't text me");
  });
});

describe('classifyInbound on any text', () => {
  test('never throws and always gives one of the four kinds, with the normalized text', () => {
    fc.assert(
      fc.property(anyText, fc.option(anyTriggers, { nil: undefined }), (text, triggers) => {
        const intent = classifyInbound(text, triggers);
        expect(['opt-out', 'opt-in', 'trigger', 'message']).toContain(intent.kind);
        expect(intent.normalized).toBe(normalizeInboundText(text));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('a disguised keyword reads like the plain one', () => {
  test('an opt-out word, alone, repeated or with filler, is an opt-out whatever its case, invisible characters, width or end punctuation', () => {
    fc.assert(
      fc.property(disguised(optOutText), ({ base, text }) => {
        const plain = classifyInbound(base);
        const intent = classifyInbound(text);
        expect(plain.kind).toBe('opt-out');
        expect(intent.kind).toBe('opt-out');
        if (intent.kind === 'opt-out' && plain.kind === 'opt-out') {
          expect(intent.match).toBe('keyword');
          expect(intent.word).toBe(plain.word);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('a plain request to stop texting is an opt-out however it is disguised', () => {
    fc.assert(
      fc.property(disguised(fc.constantFrom(...STOP_REQUESTS)), ({ text }) => {
        expect(classifyInbound(text)).toMatchObject({ kind: 'opt-out', match: 'request' });
      }),
      { numRuns: RUNS },
    );
  });

  test('an opt-out beats any trigger, even one whose keyword is the text itself', () => {
    fc.assert(
      fc.property(
        disguised(fc.oneof(optOutText, fc.constantFrom(...STOP_REQUESTS))),
        anyTriggers,
        ({ text }, triggers) => {
          const claiming = [...triggers, { id: 'claims-it', keywords: [text] }];
          expect(classifyInbound(text, claiming).kind).toBe('opt-out');
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('START and UNSTOP opt in however they are disguised', () => {
    fc.assert(
      fc.property(disguised(fc.constantFrom('START', 'UNSTOP')), ({ base, text }) => {
        expect(classifyInbound(text)).toMatchObject({
          kind: 'opt-in',
          word: base.toUpperCase(),
        });
      }),
      { numRuns: RUNS },
    );
  });

  test('HELP and INFO fire the help trigger however they are disguised', () => {
    fc.assert(
      fc.property(disguised(fc.constantFrom('HELP', 'INFO')), ({ text }) => {
        expect(classifyInbound(text)).toMatchObject({ kind: 'trigger', triggerId: 'help' });
      }),
      { numRuns: RUNS },
    );
  });
});
