import { parsePhone, type CountryCode, type E164, type PhoneLineType } from '../phone';

/**
 * A person as an address book export holds them, whatever the format: a
 * name and every number with its label. Which number to text is chosen
 * here, the same way for CSV and vCard.
 */

/** What a number's label says it is; `custom` for labels people made up ("Boat"). */
export type PhoneKind = 'mobile' | 'home' | 'work' | 'main' | 'other' | 'fax' | 'pager' | 'custom';

export interface PhoneEntry {
  /** As written in the file. */
  readonly value: string;
  /** The label as the file writes it, cleaned up for people ("Mobile", "Home fax", "Boat"); '' when none. */
  readonly label: string;
  readonly kind: PhoneKind;
  /** Marked as the person's preferred number (vCard PREF, a Google "* " label, Outlook's Primary Phone). */
  readonly preferred: boolean;
}

export interface Person {
  /** The line in the file where the person starts (a CSV row, a vCard's BEGIN). */
  readonly line: number;
  readonly name: string;
  readonly phones: readonly PhoneEntry[];
  /** List names from the file's list column. */
  readonly lists?: readonly string[];
  /** The file's opted-in column, when it has one and the cell says. */
  readonly optedIn?: boolean;
}

/** Why a person's number was the one chosen, for the preview. */
export type ChoiceReason = 'labelled-mobile' | 'mobile-type' | 'first-valid';

export type SkipReason =
  'no-number' | 'only-fax-or-pager' | 'invalid-number' | 'duplicate' | 'bad-cell' | 'unreadable';

export type PhoneChoice =
  | {
      readonly ok: true;
      readonly phone: E164;
      readonly label: string;
      readonly kind: PhoneKind;
      readonly why: ChoiceReason;
      readonly lineType: PhoneLineType;
    }
  | { readonly ok: false; readonly reason: SkipReason; readonly message: string };

const KIND_WORDS: readonly (readonly [RegExp, PhoneKind])[] = [
  // Fax and pager first: "Home fax" and "Work pager" are no home or work phone.
  [/fax|facsimile|telefax/iu, 'fax'],
  [/pager|beeper|bleeper/iu, 'pager'],
  [/mobile|cell|iphone|handy|m[oó]vil|portable|celular|cellulare|移动|携帯/iu, 'mobile'],
  [/home|private|personal|casa|maison|privat/iu, 'home'],
  [/work|business|office|company|job|b[uü]ro|trabajo|travail/iu, 'work'],
  [/main|primary/iu, 'main'],
  [/other|voice|^tel(ephone)?$|^phone$/iu, 'other'],
];

/**
 * A label as people read it: Apple's `_$!<Mobile>!$_` becomes "Mobile",
 * Google's "* Mobile" (its mark for the primary number) "Mobile".
 */
export function cleanLabel(label: string): string {
  return label
    .trim()
    .replace(/^_\$!<(.*)>!\$_$/u, '$1')
    .replace(/^\*\s*/u, '')
    .replace(/^x-/iu, '')
    .replace(/([a-z])([A-Z])/gu, '$1 $2')
    .trim();
}

/** What kind of number a label names. */
export function kindOfLabel(label: string): PhoneKind {
  const clean = cleanLabel(label);
  if (clean === '') return 'other';
  return KIND_WORDS.find(([pattern]) => pattern.test(clean))?.[1] ?? 'custom';
}

/** Google writes several numbers with one label into one cell, joined by " ::: ". */
export function splitValues(cell: string): string[] {
  return cell
    .split(':::')
    .map((value) => value.trim())
    .filter((value) => value !== '');
}

const NOT_FOR_TEXTS = new Set<PhoneKind>(['fax', 'pager']);

/**
 * The number to text: the one labelled mobile (the preferred one of
 * several, else the first); else one libphonenumber knows as a mobile
 * number; else the first valid one. Faxes and pagers are never chosen.
 */
export function choosePhone(person: Person, country: CountryCode): PhoneChoice {
  if (person.phones.length === 0) {
    return { ok: false, reason: 'no-number', message: 'No phone number.' };
  }
  const candidates = person.phones.filter((phone) => !NOT_FOR_TEXTS.has(phone.kind));
  if (candidates.length === 0) {
    const what = person.phones.every((phone) => phone.kind === 'pager') ? 'a pager' : 'a fax';
    return {
      ok: false,
      reason: 'only-fax-or-pager',
      message: `Only ${what} number, which cannot receive texts.`,
    };
  }
  const errors: string[] = [];
  const read = (phone: PhoneEntry) => {
    const parsed = parsePhone(phone.value, country);
    if (parsed.ok && parsed.value.kind === 'number') {
      return { entry: phone, e164: parsed.value.e164, lineType: parsed.value.lineType };
    }
    errors.push(
      parsed.ok ? `“${phone.value}” is a short code, not a phone number.` : parsed.error.message,
    );
    return null;
  };
  // Numbers are read only until one is chosen: a labelled mobile usually settles it at once.
  const mobiles = candidates
    .filter((phone) => phone.kind === 'mobile')
    .sort((a, b) => Number(b.preferred) - Number(a.preferred));
  let pick: ReturnType<typeof read> = null;
  for (const phone of mobiles) {
    pick = read(phone);
    if (pick !== null) break;
  }
  let why: ChoiceReason = 'labelled-mobile';
  if (pick === null) {
    const valid = candidates
      .filter((phone) => phone.kind !== 'mobile')
      .flatMap((phone) => {
        const reading = read(phone);
        return reading === null ? [] : [reading];
      });
    pick = valid.find((phone) => phone.lineType === 'mobile') ?? valid[0] ?? null;
    why = pick?.lineType === 'mobile' ? 'mobile-type' : 'first-valid';
  }
  if (pick === null) {
    return { ok: false, reason: 'invalid-number', message: errors[0] ?? 'No valid number.' };
  }
  return {
    ok: true,
    phone: pick.e164,
    label: pick.entry.label,
    kind: pick.entry.kind,
    why,
    lineType: pick.lineType,
  };
}

/** A name's parts joined as people write them: single spaces, empty parts left out. */
export function joinName(...parts: readonly (string | undefined)[]): string {
  return parts
    .map((part) => (part ?? '').replace(/\s+/gu, ' ').trim())
    .filter((part) => part !== '')
    .join(' ');
}
