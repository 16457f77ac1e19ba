import { isStopRequest } from './requests';
import { foldText, normalizeInboundText, wordsOf } from './text';
import type { Trigger } from './types';
import { DEFAULT_TRIGGERS } from './types';
import {
  CLAIMABLE_OPT_OUT_WORDS,
  FILLER_WORDS,
  OPT_IN_FILLER_WORDS,
  OPT_IN_WORDS,
  OPT_OUT_WORDS,
  STOP_CUES,
  STOP_NEGATIONS,
  STOP_NOUN_BEFORE,
  STOP_VERB_AFTER,
  STRONG_OPT_OUT_WORDS,
  TEXTING_CUES,
} from './vocabulary';

/** What an inbound text asks for. */
export type InboundIntent =
  | {
      readonly kind: 'opt-out';
      /** `keyword` for STOP and its kin, `request` for "please stop texting me". */
      readonly match: 'keyword' | 'request';
      /** The opt-out word in capitals ("STOP", "OPT OUT"), or the request as written. */
      readonly word: string;
      readonly normalized: string;
    }
  | { readonly kind: 'opt-in'; readonly word: string; readonly normalized: string }
  | {
      readonly kind: 'trigger';
      readonly triggerId: string;
      readonly keyword: string;
      readonly normalized: string;
    }
  | { readonly kind: 'message'; readonly possibleOptOut: boolean; readonly normalized: string };

type Phrase = readonly string[];
const phrases = (entries: readonly string[]): Phrase[] => entries.map((entry) => entry.split(' '));

const OPT_OUT = phrases(OPT_OUT_WORDS);
const CLAIMABLE = phrases(CLAIMABLE_OPT_OUT_WORDS);
const OPT_OUT_UNCLAIMED = [...OPT_OUT, ...CLAIMABLE];
const FILLER = phrases(FILLER_WORDS);
const OPT_IN = phrases(OPT_IN_WORDS);
const OPT_IN_FILLER = phrases([...FILLER_WORDS, ...OPT_IN_FILLER_WORDS]);
const CUES = phrases(STOP_CUES);
const NEGATIONS = phrases(STOP_NEGATIONS);
const STRONG = phrases(STRONG_OPT_OUT_WORDS);
const NOUN_BEFORE = new Set<string>(STOP_NOUN_BEFORE);
const VERB_AFTER = new Set<string>(STOP_VERB_AFTER);
const TEXTING = new Set<string>(TEXTING_CUES);
const NEGATION_REACH = 3;

interface KeywordMatch {
  readonly triggerId: string;
  readonly keyword: string;
}

// Folding keywords costs more than reading the text, and an account's
// triggers rarely change, so each distinct set is folded once. Keyed by
// content, not identity: a caller may change its array in place. The first
// trigger to name a keyword keeps it.
const keywordIndexes = new Map<string, ReadonlyMap<string, KeywordMatch>>();
const MAX_CACHED_INDEXES = 256;

function keywordIndex(triggers: readonly Trigger[]): ReadonlyMap<string, KeywordMatch> {
  const key = JSON.stringify(triggers.map((trigger) => [trigger.id, trigger.keywords]));
  let index = keywordIndexes.get(key);
  if (index === undefined) {
    const built = new Map<string, KeywordMatch>();
    for (const trigger of triggers) {
      for (const keyword of trigger.keywords) {
        const folded = foldText(keyword);
        if (folded !== '' && !built.has(folded))
          built.set(folded, { triggerId: trigger.id, keyword });
      }
    }
    index = built;
    if (keywordIndexes.size >= MAX_CACHED_INDEXES) keywordIndexes.clear();
    keywordIndexes.set(key, index);
  }
  return index;
}

function phraseAt(words: readonly string[], at: number, phrase: Phrase): boolean {
  return phrase.every((word, offset) => words[at + offset] === word);
}

/**
 * The keyword when the words are nothing but keywords and filler, with at
 * least one keyword ("stop", "STOP STOP", "stop please", "end it"); else null.
 */
function keywordWithFiller(
  words: readonly string[],
  keywords: readonly Phrase[],
  filler: readonly Phrase[],
): string | null {
  // found[i]: the first keyword of a full reading of words[0..i), '' when only
  // filler so far, undefined when words[0..i) cannot be read that way. A
  // reading with a keyword beats one without, hence `||` rather than `??`.
  /* eslint-disable @typescript-eslint/prefer-nullish-coalescing */
  const found: (string | undefined)[] = [''];
  for (let at = 0; at < words.length; at += 1) {
    const sofar = found[at];
    if (sofar === undefined) continue;
    for (const keyword of keywords) {
      if (phraseAt(words, at, keyword)) {
        const end = at + keyword.length;
        found[end] = found[end] || sofar || keyword.join(' ');
      }
    }
    for (const word of filler) {
      if (phraseAt(words, at, word)) {
        const end = at + word.length;
        found[end] = found[end] || sofar;
      }
    }
  }
  return found[words.length] || null;
  /* eslint-enable @typescript-eslint/prefer-nullish-coalescing */
}

/** A negation up to three words before the cue at `at`. */
function negatedAt(words: readonly string[], at: number): boolean {
  for (let start = Math.max(0, at - NEGATION_REACH - 1); start < at; start += 1) {
    if (
      NEGATIONS.some(
        (negation) => start + negation.length <= at && phraseAt(words, start, negation),
      )
    ) {
      return true;
    }
  }
  return false;
}

/** "bus stop", "stop by": stop as a noun or an everyday verb, not a request. */
function everydayStop(words: readonly string[], at: number): boolean {
  return (
    words[at] === 'stop' &&
    (NOUN_BEFORE.has(words[at - 1] ?? '') || VERB_AFTER.has(words[at + 1] ?? ''))
  );
}

const CLAUSE_BREAK = /[.!?;,:\n\u3002\uFF01\uFF1F\uFF0C]+/u;

const QUESTION = /[?？][\s\p{P}\p{S}]*$/u;

/** "Please stop texting me. Remove me from your list.": each clause alone opts out. */
function everyClauseOptsOut(normalized: string, optOutWords: readonly Phrase[]): boolean {
  const clauses = normalized
    .split(CLAUSE_BREAK)
    .map((clause) => wordsOf(foldText(clause)))
    .filter((clause) => clause.length > 0);
  return (
    clauses.length > 1 &&
    clauses.every(
      (clause) => keywordWithFiller(clause, optOutWords, FILLER) !== null || isStopRequest(clause),
    )
  );
}

/** Looks like a request to stop, but not clearly: the agent should confirm. */
function looksLikeStop(normalized: string, words: readonly string[]): boolean {
  // A clear opt-out word standing as a clause of its own: "who is this? STOP".
  const clauses = normalized.split(CLAUSE_BREAK);
  if (
    clauses.length > 1 &&
    clauses.some((clause) => keywordWithFiller(wordsOf(foldText(clause)), STRONG, FILLER) !== null)
  ) {
    return true;
  }
  let cue = false;
  for (let at = 0; at < words.length && !cue; at += 1) {
    cue = CUES.some(
      (phrase) => phraseAt(words, at, phrase) && !negatedAt(words, at) && !everydayStop(words, at),
    );
  }
  return cue && (words.length <= 3 || words.some((word) => TEXTING.has(word)));
}

/** OPTOUT and its kin: opt-out words a trigger may claim. */
export function isClaimableOptOutWord(keyword: string): boolean {
  const folded = foldText(keyword);
  return CLAIMABLE.some((word) => word.join(' ') === folded);
}

/**
 * How an inbound text is read (product.md, "Reading an inbound text").
 * Opt-out beats everything; then opt-in keywords, then trigger keywords
 * (whole text), else an ordinary message, possibly flagged for the agent.
 *
 * @param triggers the account's triggers; the defaults (`help`, `optout`) when omitted.
 */
export function classifyInbound(
  body: string,
  triggers: readonly Trigger[] = DEFAULT_TRIGGERS,
): InboundIntent {
  const normalized = normalizeInboundText(body);
  const folded = foldText(normalized);
  const words = wordsOf(folded);

  const keywords = keywordIndex(triggers);
  const optOutWords = CLAIMABLE.some((word) => keywords.has(word.join(' ')))
    ? OPT_OUT
    : OPT_OUT_UNCLAIMED;
  const optOutWord = keywordWithFiller(words, optOutWords, FILLER);
  if (optOutWord !== null) {
    return { kind: 'opt-out', match: 'keyword', word: optOutWord.toUpperCase(), normalized };
  }
  // Some requests asked as a question are rather a question: "No texts?"
  if (isStopRequest(words, QUESTION.test(body))) {
    return { kind: 'opt-out', match: 'request', word: normalized, normalized };
  }
  if (everyClauseOptsOut(normalized, optOutWords)) {
    return { kind: 'opt-out', match: 'request', word: normalized, normalized };
  }

  const optInWord = keywordWithFiller(words, OPT_IN, OPT_IN_FILLER);
  if (optInWord !== null) {
    return { kind: 'opt-in', word: optInWord.toUpperCase(), normalized };
  }

  const match = folded === '' ? undefined : keywords.get(folded);
  if (match !== undefined) {
    return { kind: 'trigger', triggerId: match.triggerId, keyword: match.keyword, normalized };
  }

  return { kind: 'message', possibleOptOut: looksLikeStop(normalized, words), normalized };
}
