/**
 * How an inbound text is read before anything is matched against it
 * (product.md, "Reading an inbound text").
 */

// Tabs, newlines and other white-space controls count as spaces, not as nothing,
// so "stop\ntexting me" still reads as three words.
const SPACE_LIKE_CONTROLS = /[\t\n\v\f\r\u0085]/gu;
// Control and format characters (zero-width spaces and joiners, bidi marks, BOM,
// soft hyphens, tag characters) and emoji variation selectors carry no words.
const INVISIBLE = /[\p{Cc}\p{Cf}\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/gu;
// Emoji and other symbols are trimmed along with punctuation: "STOP 🛑" is STOP.
const EDGE = /^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu;
const INNER_SPACE = /\s+/gu;

function normalizeOnce(text: string): string {
  return (
    text
      .replace(SPACE_LIKE_CONTROLS, ' ')
      .replace(INVISIBLE, '')
      // Trim before NFKC too, so a trailing ™ is dropped, not turned into "TM".
      .replace(EDGE, '')
      .normalize('NFKC')
      .replace(INVISIBLE, '')
      .replace(EDGE, '')
      .replace(INNER_SPACE, ' ')
  );
}

/**
 * NFKC, invisible characters dropped, white space and punctuation trimmed at
 * both ends, inner white space collapsed. Case is kept (see {@link foldText}).
 * Idempotent: normalizing twice changes nothing.
 */
export function normalizeInboundText(body: string): string {
  // Each step can expose work for another (removing a zero-width space can let
  // two characters compose), so run to a fixed point; two rounds almost always do.
  let current = body;
  for (let round = 0; round < 8; round += 1) {
    const next = normalizeOnce(current);
    if (next === current) return next;
    current = next;
  }
  return current;
}

const MARKS = /\p{M}/gu;
const APOSTROPHES = /[\u2018\u2019\u02BC\u0060\u00B4]/gu;

/**
 * The form texts are compared in: normalized, lower case, accents removed
 * (so ARRÊT matches ARRET), curly apostrophes made straight.
 */
export function foldText(body: string): string {
  const normalized = normalizeInboundText(body);
  return normalizeInboundText(
    normalized.toLowerCase().normalize('NFD').replace(MARKS, '').replace(APOSTROPHES, "'"),
  );
}

const WORD = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu;

/** The words of a folded text, punctuation dropped: "opt-out" is ["opt", "out"]. */
export function wordsOf(folded: string): string[] {
  return folded.match(WORD) ?? [];
}
