import ICAL from 'ical.js';
import type { RowProblem } from './csvPeople';
import {
  cleanLabel,
  joinName,
  kindOfLabel,
  type Person,
  type PhoneEntry,
  type PhoneKind,
} from './people';

/**
 * vCard files as phones and address books write them: iPhone, iCloud and
 * macOS Contacts (3.0, with Apple's `itemN.X-ABLabel` labels), Google (3.0),
 * Android and Outlook (2.1, with bare `TEL;CELL` types, quoted-printable
 * values and charsets), and 4.0 (`TEL;VALUE=uri;TYPE="cell,voice":tel:…`).
 * Many cards to a file. ical.js (the parser Thunderbird uses) reads 3.0 and
 * 4.0; a 2.1 card is first rewritten as 3.0, as Thunderbird does too. Only
 * the properties an import needs are handed over, so a card's photo or an
 * odd property Textdesk does not use never spoils the rest of it.
 */

const WANTED = new Set(['version', 'fn', 'n', 'org', 'tel', 'x-ablabel']);

interface RawCard {
  readonly line: number;
  readonly lines: string[];
}

/** Splits a file into its cards, each with the line its BEGIN:VCARD is on. */
function splitCards(text: string): { cards: RawCard[]; problems: RowProblem[] } {
  const cards: RawCard[] = [];
  const problems: RowProblem[] = [];
  let current: RawCard | null = null;
  const lines = text.split(/\r\n|\n|\r/u);
  for (let index = 0; index < lines.length; index += 1) {
    const physical = lines[index] ?? '';
    const trimmed = physical.trim().toUpperCase();
    if (trimmed === 'BEGIN:VCARD') {
      if (current !== null) problems.push(unended(current.line));
      current = { line: index + 1, lines: [] };
    } else if (trimmed === 'END:VCARD') {
      if (current !== null) cards.push(current);
      current = null;
    } else if (current !== null) {
      current.lines.push(physical);
    }
  }
  if (current !== null) problems.push(unended(current.line));
  return { cards, problems };
}

const unended = (line: number): RowProblem => ({
  line,
  reason: 'unreadable',
  message: 'This card has no END:VCARD, so it was not read.',
});

/** Splits "NAME;PARAMS:value" at the first colon outside double quotes. */
function splitProperty(line: string): { head: string; value: string } | null {
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index];
    if (char === '"') quoted = !quoted;
    else if (char === ':' && !quoted)
      return { head: line.slice(0, index), value: line.slice(index + 1) };
  }
  return null;
}

const isQuotedPrintable = (head: string) => /;(encoding=)?quoted-printable\b/iu.test(head);

/**
 * Joins folded lines: a line starting with a space or tab continues the one
 * before (RFC 6350), and a quoted-printable value ending in "=" continues on
 * the next line (vCard 2.1's soft line break).
 */
function unfold(lines: readonly string[]): string[] {
  const logical: string[] = [];
  let softBreak = false;
  for (const line of lines) {
    const last = logical.length - 1;
    if (softBreak && last >= 0) {
      logical[last] = `${(logical[last] ?? '').slice(0, -1)}${line}`;
    } else if (/^[ \t]/u.test(line) && last >= 0) {
      logical[last] = `${logical[last] ?? ''}${line.slice(1)}`;
    } else if (line.trim() !== '') {
      logical.push(line);
    } else {
      softBreak = false;
      continue;
    }
    const current = logical[logical.length - 1] ?? '';
    softBreak = isQuotedPrintable(current) && current.endsWith('=');
  }
  return logical;
}

/** Quoted-printable to bytes, then text in the value's charset (UTF-8 unless it says). */
function decodeQuotedPrintable(value: string, charset: string | undefined): string {
  const bytes: number[] = [];
  for (let index = 0; index < value.length; index += 1) {
    const hex = value.slice(index + 1, index + 3);
    if (value[index] === '=' && /^[0-9a-f]{2}$/iu.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      index += 2;
    } else {
      bytes.push(value.charCodeAt(index) & 0xff);
    }
  }
  const array = Uint8Array.from(bytes);
  try {
    return new TextDecoder(charset ?? 'utf-8', { fatal: charset === undefined }).decode(array);
  } catch {
    // No charset and not UTF-8: an old Outlook or phone in the Western code page.
    return new TextDecoder('windows-1252').decode(array);
  }
}

/**
 * A vCard 2.1 property as 3.0: bare types (`TEL;CELL;PREF`) become
 * `TYPE=…`, a quoted-printable value is decoded in its charset, and the
 * encoding parameters go.
 */
function from21(head: string, value: string): string {
  const [name = '', ...params] = head.split(';');
  const kept: string[] = [];
  let quotedPrintable = false;
  let charset: string | undefined;
  for (const param of params) {
    const [key = '', setting] = param.split('=', 2);
    const upper = key.trim().toUpperCase();
    if (setting === undefined) {
      if (upper === 'QUOTED-PRINTABLE') quotedPrintable = true;
      else if (upper !== '' && upper !== '8BIT' && upper !== '7BIT')
        kept.push(`TYPE=${key.trim()}`);
    } else if (upper === 'ENCODING') {
      quotedPrintable ||= setting.trim().toUpperCase() === 'QUOTED-PRINTABLE';
    } else if (upper === 'CHARSET') {
      charset = setting.trim().toLowerCase();
    } else {
      kept.push(param);
    }
  }
  const text = quotedPrintable
    ? decodeQuotedPrintable(value, charset).replace(/\r\n|\n|\r/gu, '\\n')
    : value;
  return `${[name, ...kept].join(';')}:${text}`;
}

type JValue = string | readonly JValue[];
type JProperty = readonly [
  name: string,
  params: Record<string, JValue>,
  type: string,
  ...values: JValue[],
];

/** A jCard value as one string: structured parts joined by spaces. */
const flat = (value: JValue | undefined): string =>
  value === undefined ? '' : typeof value === 'string' ? value : joinName(...value.map(flat));

const listOf = (value: JValue | undefined): string[] =>
  value === undefined ? [] : typeof value === 'string' ? value.split(',') : value.map(flat);

const TYPE_LABELS: Readonly<Record<string, string>> = {
  cell: 'Mobile',
  mobile: 'Mobile',
  iphone: 'iPhone',
  home: 'Home',
  work: 'Work',
  main: 'Main',
  pager: 'Pager',
  other: 'Other',
};
/** Types that say nothing about whose phone it is. */
const PLAIN_TYPES = new Set(['voice', 'pref', 'internet', 'msg', 'text', 'video', 'x-voice']);

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function phoneOf(property: JProperty, labels: ReadonlyMap<string, string>): PhoneEntry {
  const [, params, type, value] = property;
  const written = flat(value);
  const types = listOf(params.type).map((item) => item.trim().toLowerCase());
  const group = typeof params.group === 'string' ? params.group.toLowerCase() : undefined;
  const preferred =
    types.includes('pref') || (params.pref !== undefined && flat(params.pref) === '1');
  const number = type === 'uri' ? written.replace(/^tel:/iu, '') : written;
  const custom = group === undefined ? undefined : labels.get(group);
  if (custom !== undefined) {
    return { value: number, label: cleanLabel(custom), kind: kindOfLabel(custom), preferred };
  }
  const telling = types.filter((item) => !PLAIN_TYPES.has(item));
  const fax = telling.includes('fax');
  const where = telling.find((item) => item === 'home' || item === 'work');
  const mobile = telling.find((item) => item === 'cell' || item === 'mobile' || item === 'iphone');
  const named = mobile ?? telling.find((item) => TYPE_LABELS[item] !== undefined);
  const kind: PhoneKind = fax
    ? 'fax'
    : telling.includes('pager')
      ? 'pager'
      : kindOfLabel(named ?? telling[0] ?? '');
  // "Work fax", "Work mobile" (Android's TEL;WORK;CELL), "iPhone", "Boat".
  const label = fax
    ? where === undefined
      ? 'Fax'
      : `${TYPE_LABELS[where] ?? ''} fax`
    : mobile !== undefined && where !== undefined && mobile !== 'iphone'
      ? `${TYPE_LABELS[where] ?? ''} mobile`
      : (TYPE_LABELS[named ?? ''] ?? capitalised(cleanLabel(telling[0] ?? '')));
  return { value: number, label, kind, preferred };
}

function personOf(line: number, properties: readonly JProperty[]): Person {
  const first = (name: string) => properties.find((property) => property[0] === name);
  const labels = new Map<string, string>();
  for (const property of properties) {
    if (property[0] === 'x-ablabel' && typeof property[1].group === 'string') {
      labels.set(property[1].group.toLowerCase(), flat(property[3]));
    }
  }
  const n = first('n')?.[3];
  const parts = typeof n === 'string' ? n.split(';') : (n ?? []).map(flat);
  const [family, given, additional] = parts.map((part) =>
    typeof part === 'string' ? part : flat(part),
  );
  const org = first('org')?.[3];
  return {
    line,
    name:
      joinName(flat(first('fn')?.[3])) ||
      joinName(given, additional, family) ||
      joinName(typeof org === 'string' ? org.split(';')[0] : flat(org?.[0])),
    phones: properties
      .filter((property) => property[0] === 'tel')
      .map((tel) => phoneOf(tel, labels)),
  };
}

/** The people of a vCard file, and the cards that could not be read, by line. */
export function peopleFromVcard(text: string): { people: Person[]; problems: RowProblem[] } {
  const { cards, problems } = splitCards(text);
  const people: Person[] = [];
  for (const card of cards) {
    const logical = unfold(card.lines);
    const version =
      logical
        .find((line) => /^version:/iu.test(line))
        ?.slice(8)
        .trim() ?? '2.1';
    const kept = logical.flatMap((line) => {
      const split = splitProperty(line);
      if (split === null) return [];
      const name =
        split.head
          .split(';')[0]
          ?.replace(/^[^.]*\./u, '')
          .toLowerCase() ?? '';
      if (!WANTED.has(name) || name === 'version') return [];
      return [version.startsWith('2') ? from21(split.head, split.value) : line];
    });
    const body = [
      'BEGIN:VCARD',
      `VERSION:${version.startsWith('4') ? '4.0' : '3.0'}`,
      ...kept,
      'END:VCARD',
    ];
    try {
      const parsed = ICAL.parse(body.join('\r\n')) as unknown;
      const properties = (
        Array.isArray(parsed) && parsed[0] === 'vcard' ? parsed[1] : []
      ) as JProperty[];
      people.push(personOf(card.line, properties));
    } catch (error) {
      problems.push({
        line: card.line,
        reason: 'unreadable',
        message: `This card could not be read: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
  problems.sort((a, b) => a.line - b.line);
  return { people, problems };
}
