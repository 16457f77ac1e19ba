/**
 * Reads the one thing the thread shows of a contact card a customer sent:
 * who it is, their numbers and email addresses. Deliberately small (the
 * import has the full reader in shared/contacts): the first card only,
 * FN, N, TEL and EMAIL, as plain strings. Nothing read here is ever
 * rendered as markup.
 */

export interface CardPerson {
  /** FN, else N put together as people write it; '' when the card has neither. */
  readonly name: string;
  /** TEL values as written (a `tel:` URI's number without the scheme). */
  readonly phones: readonly string[];
  readonly emails: readonly string[];
}

/** Cards longer than this are not read further: a photo or junk, not a name. */
const MAX_TEXT = 256 * 1024;

/** RFC 6350 escapes: \n, \, \; \, and \\. */
function unescape(value: string): string {
  return value.replace(/\\([nN,;\\])/gu, (_match, char: string) =>
    char === 'n' || char === 'N' ? '\n' : char,
  );
}

/** Splits at separators not escaped by a backslash. */
function splitUnescaped(value: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let index = 0; index < value.length; index += 1) {
    const char = value[index] ?? '';
    if (char === '\\' && index + 1 < value.length) {
      current += char + (value[index + 1] ?? '');
      index += 1;
    } else if (char === separator) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts;
}

/** vCard 2.1's quoted-printable, read as UTF-8 (or the card's charset when the browser knows it). */
function decodeQuotedPrintable(value: string, charset: string): string {
  const bytes: number[] = [];
  for (let index = 0; index < value.length; index += 1) {
    const char = value[index] ?? '';
    const hex = value.slice(index + 1, index + 3);
    if (char === '=' && /^[0-9A-Fa-f]{2}$/u.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      index += 2;
    } else bytes.push(char.charCodeAt(0) & 0xff);
  }
  try {
    return new TextDecoder(charset).decode(new Uint8Array(bytes));
  } catch {
    return new TextDecoder('utf-8').decode(new Uint8Array(bytes));
  }
}

/** Joins folded lines: a space or tab at the start continues the line before; "=" ends a soft break (2.1). */
function unfold(text: string): string[] {
  const lines: string[] = [];
  let softBreak = false;
  for (const physical of text.split(/\r\n|\n|\r/u)) {
    const last = lines.length - 1;
    if (last >= 0 && softBreak) {
      lines[last] = (lines[last] ?? '').slice(0, -1) + physical;
    } else if (last >= 0 && (physical.startsWith(' ') || physical.startsWith('\t'))) {
      lines[last] = (lines[last] ?? '') + physical.slice(1);
    } else {
      lines.push(physical);
    }
    const current = lines.at(-1) ?? '';
    softBreak = /;(ENCODING=)?QUOTED-PRINTABLE[;:]/iu.test(current) && current.endsWith('=');
  }
  return lines;
}

/** "item1.TEL;TYPE=cell:+1 201…" → name TEL, params, value. */
function splitProperty(line: string): { name: string; params: string[]; value: string } | null {
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index];
    if (char === '"') quoted = !quoted;
    else if (char === ':' && !quoted) {
      const [head = '', ...params] = line.slice(0, index).split(';');
      const name = head.slice(head.lastIndexOf('.') + 1).toUpperCase();
      return { name, params, value: line.slice(index + 1) };
    }
  }
  return null;
}

function valueOf(params: readonly string[], raw: string): string {
  const qp = params.some((param) => /^(ENCODING=)?QUOTED-PRINTABLE$/iu.test(param.trim()));
  if (!qp) return raw;
  const charset =
    params
      .map((param) => /^CHARSET=(.+)$/iu.exec(param.trim())?.[1])
      .find((found) => found !== undefined) ?? 'utf-8';
  return decodeQuotedPrintable(raw, charset.replace(/"/gu, ''));
}

/** N is family;given;additional;prefixes;suffixes. */
function nameFromN(value: string): string {
  const [family = '', given = '', additional = '', prefix = '', suffix = ''] = splitUnescaped(
    value,
    ';',
  ).map((part) => unescape(part).trim());
  return [prefix, given, additional, family, suffix].filter((part) => part !== '').join(' ');
}

/** The first card in the text, or null when it holds none. */
export function parseVcard(text: string): CardPerson | null {
  const lines = unfold(text.slice(0, MAX_TEXT).replace(/^\uFEFF/u, ''));
  let inCard = false;
  let fn = '';
  let n = '';
  const phones: string[] = [];
  const emails: string[] = [];
  for (const line of lines) {
    const trimmed = line.trim();
    if (!inCard) {
      if (trimmed.toUpperCase() === 'BEGIN:VCARD') inCard = true;
      continue;
    }
    if (trimmed.toUpperCase() === 'END:VCARD') {
      return { name: fn !== '' ? fn : n, phones, emails };
    }
    const property = splitProperty(trimmed);
    if (property === null) continue;
    const value = valueOf(property.params, property.value);
    switch (property.name) {
      case 'FN':
        if (fn === '') fn = unescape(value).trim();
        break;
      case 'N':
        if (n === '') n = nameFromN(value);
        break;
      case 'TEL': {
        const phone = unescape(value).trim().replace(/^tel:/iu, '');
        if (phone !== '' && !phones.includes(phone)) phones.push(phone);
        break;
      }
      case 'EMAIL': {
        const email = unescape(value)
          .trim()
          .replace(/^mailto:/iu, '');
        if (email !== '' && !emails.includes(email)) emails.push(email);
        break;
      }
      default:
        break;
    }
  }
  // A card cut short still says who it is.
  return inCard ? { name: fn !== '' ? fn : n, phones, emails } : null;
}
