import { cleanLabel, kindOfLabel, type PhoneKind } from './people';

/**
 * What each column of a contacts CSV holds, guessed from its title the way
 * the common exports write them — Google Contacts (current and "Google CSV"),
 * Outlook and Microsoft 365, other texting tools, a plain sheet — and changed
 * by the person in the preview when the guess is wrong.
 */

export type ColumnRole =
  | 'phone'
  | 'phoneLabel'
  | 'name'
  | 'firstName'
  | 'middleName'
  | 'lastName'
  | 'company'
  | 'lists'
  | 'optedIn'
  | 'optedOut'
  | 'ignore';

export const COLUMN_ROLES: readonly { readonly role: ColumnRole; readonly label: string }[] = [
  { role: 'phone', label: 'Phone number' },
  { role: 'phoneLabel', label: 'Phone label' },
  { role: 'name', label: 'Full name' },
  { role: 'firstName', label: 'First name' },
  { role: 'middleName', label: 'Middle name' },
  { role: 'lastName', label: 'Last name' },
  { role: 'company', label: 'Company' },
  { role: 'lists', label: 'Lists' },
  { role: 'optedIn', label: 'Opted in' },
  { role: 'optedOut', label: 'Opted out' },
  { role: 'ignore', label: 'Ignore' },
];

/** Roles any number of columns may take; the others go to the first column that fits. */
const MANY: ReadonlySet<ColumnRole> = new Set(['phone', 'phoneLabel', 'ignore']);

/**
 * Titles, lower-cased, in the order they are tried. The ignored ones come
 * early so that "E-mail Display Name", "Assistant's Phone" or "Labels" (Google's
 * groups, such as "* myContacts", which are no Textdesk lists) are not taken
 * for a name, a customer's number or lists.
 */
const TITLES: readonly (readonly [RegExp, ColumnRole])[] = [
  [/^phone \d+ - (label|type)$/u, 'phoneLabel'],
  [
    /e-?mail|assistant|manager|spouse|children|referred|nickname|file as|short name|maiden name|yomi|phonetic|id number|organizational|created|updated|modified|added|joined|^id$| id$|^user \d|^labels$|group membership|^categories$|date|time|source|method|^ip\b|address|street|city|postal|zip|country|region|web ?page|website|url|birthday|anniversary|^notes?$|photo|gender|language|^account$|billing|mileage|hobby|priority|sensitivity|subject|initials|^location$|directory|office location|profession|government|keywords|free ?busy|^title$|job title|department|^suffix$|^prefix$|name (prefix|suffix)|organization (title|department)|organization \d - (title|department|type|yomi)/u,
    'ignore',
  ],
  [/^((first|given|fore) ?name|first|given|fname|vorname|pr[ée]nom)$/u, 'firstName'],
  [/^((middle|additional|other) ?names?|middle|middle initial)$/u, 'middleName'],
  [/^((last|family|sur) ?name|last|family|surname|lname|nachname)$/u, 'lastName'],
  [
    /^(organi[sz]ation( 1)?( - name)?( name)?|company( name)?|business( name)?|employer)$/u,
    'company',
  ],
  [
    /unsubscri|opted[ -]?out|opt[ -]?out|do not (text|contact|sms|message)|^dnc$|^blocked$/u,
    'optedOut',
  ],
  [/opt|consent|subscri|permission|sms ?ok|^status$|subscription/u, 'optedIn'],
  [
    /^(lists?|tags?|groups?|segments?|audiences?|list names?|group names?|contact lists?)$/u,
    'lists',
  ],
  [/phone|mobile|cell|number|msisdn|^tel|handy|^fax|fax$|pager/u, 'phone'],
  [/name$/u, 'name'],
];

const roleOfTitle = (title: string): ColumnRole | undefined => {
  const folded = title.replace(/_+/gu, ' ').trim().toLowerCase();
  if (folded === '') return undefined;
  return TITLES.find(([pattern]) => pattern.test(folded))?.[1];
};

const PHONE_LIKE = /^[+(]?[\d\s().\-/]{7,}$/u;

/** A first guess at each column from its title (or, with no header, from its cells). */
export function guessColumns(header: readonly string[], sample: readonly string[][]): ColumnRole[] {
  const taken = new Set<ColumnRole>();
  return header.map((title, column) => {
    const cells = sample.map((row) => row[column] ?? '').filter((cell) => cell.trim() !== '');
    const looksLikePhones = cells.length > 0 && cells.every((cell) => PHONE_LIKE.test(cell.trim()));
    const role = roleOfTitle(title) ?? (looksLikePhones ? 'phone' : 'ignore');
    if (!MANY.has(role) && taken.has(role)) return 'ignore';
    taken.add(role);
    return role;
  });
}

/** True when the first row reads like titles rather than a contact. */
export function looksLikeHeader(first: readonly string[]): boolean {
  return (
    first.some((cell) => {
      const role = roleOfTitle(cell);
      return role !== undefined && role !== 'ignore';
    }) && !first.some((cell) => /\d{7,}/u.test(cell.replace(/\D/gu, '')))
  );
}

/**
 * The label a phone column's title gives its numbers: "Mobile Phone" is
 * Mobile, "Business Fax" a fax, "Phone 1 - Value" none (its label column
 * says), "Phone" none.
 */
export function labelOfTitle(title: string): { readonly label: string; readonly kind: PhoneKind } {
  const label = cleanLabel(
    title
      .replace(/_+/gu, ' ')
      .replace(/([a-z])([A-Z])/gu, '$1 $2')
      .replace(/\s*-\s*value$/iu, '')
      .replace(/^phone\s*\d*$/iu, '')
      .replace(/\b(phone|number|no\.?|#)\b/giu, '')
      .replace(/\s+\d+$/u, '')
      .replace(/\s+/gu, ' '),
  );
  if (label === '') return { label: '', kind: 'other' };
  const kind = kindOfLabel(label);
  return { label: label.charAt(0).toUpperCase() + label.slice(1), kind };
}

/** "Phone 2 - Value" and "Phone 2 - Label" belong together: the part before " - ". */
const groupOf = (title: string): string | null => {
  const match = /^(.*?)\s+-\s+\S+$/u.exec(title.trim());
  return match?.[1]?.toLowerCase() ?? null;
};

/**
 * For each phone column, the column holding its label, if any: the label
 * column of the same group ("Phone 1 - Label" for "Phone 1 - Value"), else
 * a label column just before it.
 */
export function labelColumns(
  header: readonly string[],
  columns: readonly ColumnRole[],
): Map<number, number> {
  const pairs = new Map<number, number>();
  columns.forEach((role, column) => {
    if (role !== 'phone') return;
    const group = groupOf(header[column] ?? '');
    const sameGroup = columns.findIndex(
      (other, index) =>
        other === 'phoneLabel' && group !== null && groupOf(header[index] ?? '') === group,
    );
    if (sameGroup >= 0) pairs.set(column, sameGroup);
    else if (columns[column - 1] === 'phoneLabel') pairs.set(column, column - 1);
  });
  return pairs;
}

/** Which well-known export a header is, to say so in the preview. */
export type CsvSource = 'google' | 'google-legacy' | 'outlook' | 'other';

export function sourceOfHeader(header: readonly string[]): CsvSource {
  const titles = new Set(header.map((title) => title.trim().toLowerCase()));
  if (titles.has('phone 1 - value') && titles.has('given name')) return 'google-legacy';
  if (titles.has('phone 1 - value')) return 'google';
  if (titles.has('mobile phone') && titles.has('business phone')) return 'outlook';
  return 'other';
}

/** The same set of titles gives the same key, so a mapping the person chose can be kept for it. */
export function headerKey(header: readonly string[]): string {
  return header.map((title) => title.trim().toLowerCase()).join('\u001f');
}
