/**
 * What the search indexes hold and how a person's query becomes an FTS5
 * query, plus plain-text snippets with highlight ranges. Pure functions.
 */

/** What unicode61 keeps as word characters (letters, numbers, private use); all else separates. */
const WORD = /[\p{L}\p{N}\p{Co}]+/gu;
/** A query that is only a phone number as people type one: digits and + ( ) - . spaces. */
const PHONE_LIKE = /^[\d\s()+.-]+$/u;
const MAX_WORDS = 8;
const MAX_WORD_LENGTH = 64;
/** The shortest prefix each index answers from a prefix index (see the search migration). */
export const MIN_PREFIX = { messages: 2, contacts: 2 } as const;
/** The fewest digits that search numbers; the number's shorter suffixes are not indexed. */
export const MIN_DIGITS = 3;
export type SearchIndex = keyof typeof MIN_PREFIX;

export type Range = readonly [start: number, end: number];

/** Folded text (lower case, accents removed) and, for each folded character, where it came from. */
export function fold(text: string): {
  readonly folded: string;
  readonly origin: readonly number[];
} {
  let folded = '';
  const origin: number[] = [];
  let index = 0;
  for (const char of text) {
    const plain = char.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    folded += plain;
    // One origin per UTF-16 unit of the folded text ("İ" folds to two).
    origin.push(...Array.from({ length: plain.length }, () => index));
    index += char.length;
  }
  origin.push(index);
  return { folded, origin };
}

/** The words of `text` as unicode61 splits them, with where each starts. */
function words(text: string): { word: string; index: number }[] {
  return [...text.matchAll(WORD)].map((match) => ({ word: match[0], index: match.index }));
}

export interface ParsedQuery {
  /** Folded words, at most MAX_WORDS of at most MAX_WORD_LENGTH characters. */
  readonly words: readonly string[];
  /** The digits of a query that is only a phone number (3 digits or more), else null. */
  readonly digits: string | null;
}

export function parseQuery(input: string): ParsedQuery {
  const folded = words(input)
    .slice(0, MAX_WORDS)
    .map(({ word }) => fold(word.slice(0, MAX_WORD_LENGTH)).folded)
    .filter((word) => word !== '');
  const digits = input.replace(/\D/gu, '');
  return {
    words: folded,
    digits: PHONE_LIKE.test(input) && digits.length >= MIN_DIGITS ? digits.slice(0, 20) : null,
  };
}

/**
 * An FTS5 query that means only "these words": each is quoted (it holds
 * only letters and digits, so no quote or operator survives), and `*`
 * follows those matched as prefixes. Null when there is nothing to find.
 */
export function ftsWords(words: readonly string[], index: SearchIndex): string | null {
  const terms = searchTerms(words, index);
  if (terms.length === 0) return null;
  return terms.map((term) => `"${term.word}"${term.prefix ? '*' : ''}`).join(' ');
}

/**
 * The words to look for, and which are prefixes: in messages the last word
 * (still being typed), in contacts every word ("ada lov"). A last word too
 * short for the prefix index is left out until it grows, unless it is the
 * only word: "appointment t" finds what "appointment" finds.
 */
export function searchTerms(
  words: readonly string[],
  index: SearchIndex,
): { readonly word: string; readonly prefix: boolean }[] {
  const min = MIN_PREFIX[index];
  // Fewer digits than a number search takes would match nearly every number.
  const kept =
    index === 'contacts'
      ? words.filter((word) => !/^\d+$/u.test(word) || word.length >= MIN_DIGITS)
      : words;
  const last = kept.length - 1;
  return kept
    .filter((word, position) => position < last || last === 0 || word.length >= min)
    .map((word, position) => ({
      word,
      prefix: word.length >= min && (index === 'contacts' || position === last),
    }));
}

/** The contact search's number column: a prefix query on the digits typed. */
export function ftsDigits(digits: string): string {
  return `number : "${digits}"*`;
}

/**
 * A contact's text in the search index: the name as is, and every suffix
 * of the number's digits (3 or more), so digits typed from anywhere in the
 * number are a prefix of one of them.
 */
export function contactSearchText(contact: { readonly name: string; readonly phone: string }): {
  readonly name: string;
  readonly number: string;
} {
  const digits = contact.phone.replace(/\D/gu, '');
  const suffixes: string[] = [];
  for (let start = 0; start <= digits.length - MIN_DIGITS; start += 1) {
    suffixes.push(digits.slice(start));
  }
  return { name: contact.name, number: suffixes.join(' ') };
}

/** Where `words` occur in `text` as whole words, or as word prefixes for the prefix ones. */
export function highlightWords(
  text: string,
  query: readonly string[],
  index: SearchIndex,
): Range[] {
  const terms = searchTerms(query, index);
  const ranges: Range[] = [];
  for (const { word, index: start } of words(text)) {
    const { folded, origin } = fold(word);
    let end = 0;
    for (const term of terms) {
      if (folded === term.word || (term.prefix && folded.startsWith(term.word))) {
        end = Math.max(end, origin[term.word.length] ?? word.length);
      }
    }
    if (end > 0) ranges.push([start, start + end]);
  }
  return ranges;
}

/** Where `digits` occur in a phone number, skipping its punctuation. */
export function highlightDigits(phone: string, digits: string): Range[] {
  const positions: number[] = [];
  for (let index = 0; index < phone.length; index += 1) {
    if (/\d/u.test(phone[index] ?? '')) positions.push(index);
  }
  const found = positions
    .map((index) => phone[index])
    .join('')
    .indexOf(digits);
  const first = positions[found];
  const last = positions[found + digits.length - 1];
  return found < 0 || first === undefined || last === undefined ? [] : [[first, last + 1]];
}

const SNIPPET_WIDTH = 120;
const SNIPPET_LEAD = 30;

/** Moves a cut off the second half of a surrogate pair, so no character is split. */
function whole(text: string, at: number): number {
  const code = text.charCodeAt(at);
  return code >= 0xdc00 && code <= 0xdfff ? at + 1 : at;
}

/**
 * Up to about SNIPPET_WIDTH characters of `text` around its first
 * highlight, on one line, with "…" where it was cut, and the highlights
 * moved to match. Offsets are UTF-16 code units, as JavaScript strings count.
 */
export function snippet(
  text: string,
  ranges: readonly Range[],
): { readonly snippet: string; readonly highlights: [number, number][] } {
  const flat = text.replace(/\s/gu, ' ');
  let start = 0;
  let end = flat.length;
  if (flat.length > SNIPPET_WIDTH) {
    const first = ranges[0]?.[0] ?? 0;
    start = Math.max(0, first - SNIPPET_LEAD);
    const space = flat.indexOf(' ', start);
    if (start > 0 && space >= 0 && space < first) start = space + 1;
    start = whole(flat, start);
    end = Math.min(flat.length, start + SNIPPET_WIDTH);
    const lastSpace = flat.lastIndexOf(' ', end);
    if (end < flat.length && lastSpace > start + SNIPPET_WIDTH / 2) end = lastSpace;
    end = whole(flat, end);
  }
  const lead = start > 0 ? '…' : '';
  const shift = lead.length - start;
  const highlights = ranges
    .filter(([from, to]) => to > start && from < end)
    .map(([from, to]): [number, number] => [
      Math.max(from, start) + shift,
      Math.min(to, end) + shift,
    ]);
  return {
    snippet: `${lead}${flat.slice(start, end)}${end < flat.length ? '…' : ''}`,
    highlights,
  };
}

/**
 * A message's text in the search index: its words, then the names of the
 * files it carries ("invoice_march.pdf" is found by "invoice"), one per line.
 */
export function messageSearchText(
  body: string,
  media: readonly { readonly filename: string | null }[],
): string {
  const names = media.flatMap((item) => (item.filename === null ? [] : [item.filename]));
  return names.length === 0 ? body : [body, ...names].join('\n');
}
