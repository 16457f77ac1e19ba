/**
 * How many SMS segments a text takes, as the composer's counter shows it.
 * A text of GSM-7 characters only fits 160 per message (153 per segment
 * once split, the rest is the joining header); one other character sends
 * the whole text as UCS-2, 70 per message (67 per segment). Characters of
 * GSM-7's extension table (€ [ ] { } etc.) take two of the 160.
 */

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';

const BASIC = new Set(GSM_BASIC);
const EXTENDED = new Set(GSM_EXTENDED);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentCount {
  readonly encoding: SmsEncoding;
  /** Segments the text is sent as (0 for an empty text). */
  readonly segments: number;
  /** Units used: GSM-7 septets, or UTF-16 code units for UCS-2. */
  readonly used: number;
  /** Units left before the text takes one more segment. */
  readonly remaining: number;
  /** The first character that forced UCS-2, to show the agent why. */
  readonly unicodeCharacter: string | null;
}

export function countSegments(text: string): SegmentCount {
  let septets = 0;
  let unicodeCharacter: string | null = null;
  for (const character of text) {
    if (BASIC.has(character)) septets += 1;
    else if (EXTENDED.has(character)) septets += 2;
    else {
      unicodeCharacter = character;
      break;
    }
  }
  if (unicodeCharacter === null) return fit('GSM-7', septets, 160, 153, null);
  // UCS-2 as carriers send it: UTF-16 code units, so an emoji takes two.
  return fit('UCS-2', text.length, 70, 67, unicodeCharacter);
}

function fit(
  encoding: SmsEncoding,
  used: number,
  single: number,
  perSegment: number,
  unicodeCharacter: string | null,
): SegmentCount {
  if (used === 0) return { encoding, segments: 0, used, remaining: single, unicodeCharacter };
  if (used <= single) {
    return { encoding, segments: 1, used, remaining: single - used, unicodeCharacter };
  }
  const segments = Math.ceil(used / perSegment);
  return { encoding, segments, used, remaining: segments * perSegment - used, unicodeCharacter };
}
