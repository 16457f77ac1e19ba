/**
 * Reply templates: the account's shared canned replies, with merge fields
 * filled in on the desktop before the agent sends. Plain text in, plain
 * text out: nothing here is HTML, and nothing a customer typed is treated
 * as markup.
 */

/** The merge fields a template may use, as typed in a template. */
export const MERGE_FIELDS = ['first_name', 'name', 'business_name', 'agent_name'] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];

export interface TemplateValues {
  /** The contact's name as stored; '' when they have none. */
  readonly contactName: string;
  /** The account's business name; '' before the profile has synced. */
  readonly businessName: string;
  /** The signed-in person's name. */
  readonly agentName: string;
}

/** The templates a new account starts with; supervisors edit them to fit. */
export const DEFAULT_TEMPLATES: readonly { readonly name: string; readonly body: string }[] = [
  {
    name: 'Thanks',
    body: 'Thanks, {{first_name}}! We got your message and will get back to you shortly.',
  },
  {
    name: 'Hours',
    body: '{{business_name}} is open Monday to Friday, 9am to 5pm. Text us here any time and we will reply when we are back.',
  },
  {
    name: 'Follow-up',
    body: 'Hi {{first_name}}, this is {{agent_name}} from {{business_name}}. Is there anything else we can help you with?',
  },
];

// `{{ first_name }}` and `{{First_Name}}` are the same field; anything else in braces is not ours.
const FIELD = /\{\{\s*([A-Za-z_]+)\s*\}\}/gu;
const TRAILING_SPACE = /[ \t]+$/u;
/** Where an empty field at the start of a line leaves a dangling comma: "{{first_name}}, your order…". */
const LEADING_SEPARATOR = /^[ \t]*[,;:]?[ \t]*/u;

function valueOf(field: string, values: TemplateValues): string | null {
  switch (field.toLowerCase() as MergeField) {
    case 'first_name':
      return values.contactName.trim().split(/\s+/u)[0] ?? '';
    case 'name':
      return values.contactName.trim().replace(/\s+/gu, ' ');
    case 'business_name':
      return values.businessName.trim();
    case 'agent_name':
      return values.agentName.trim();
    default:
      return null;
  }
}

/**
 * The template's text with its merge fields filled in. A field with no
 * value disappears along with the space or comma that only made sense
 * around it ("Thanks, {{first_name}}!" becomes "Thanks!" for a contact
 * with no name, and "Hi {{first_name}}, …" becomes "Hi, …"). An unknown
 * field (a typo, or `{{optout_link}}`, which the server fills in) is left
 * exactly as typed, so the agent sees it before sending.
 */
export function fillTemplate(body: string, values: TemplateValues): string {
  let out = '';
  let last = 0;
  for (const match of body.matchAll(FIELD)) {
    const [raw, field = ''] = match;
    out += body.slice(last, match.index);
    last = match.index + raw.length;
    const value = valueOf(field, values);
    if (value === null) {
      out += raw;
      continue;
    }
    if (value !== '') {
      out += value;
      continue;
    }
    // Empty: tidy what it leaves behind, looking at both sides.
    const next = nextText(body, last);
    if (out === '' || /\n[ \t]*$/u.test(out)) {
      out = out.replace(TRAILING_SPACE, '');
      last += (LEADING_SEPARATOR.exec(next)?.[0] ?? '').length;
    } else if (next === '' || /^[!?.,;:]/u.test(next)) {
      // "Thanks, X!" → "Thanks!"; "Hi X, how" → "Hi, how"; "Hello, X, how" → "Hello, how".
      out = out.replace(/[ \t]*,?[ \t]*$/u, '');
    } else if (/[ \t]$/u.test(out) && /^[ \t]/u.test(next)) {
      // "Hi X there" → "Hi there": one space, not two.
      last += (/^[ \t]+/u.exec(next)?.[0] ?? '').length;
    }
  }
  return out + body.slice(last);
}

/** The plain text after a field, up to the next field or the end of the line. */
function nextText(body: string, from: number): string {
  const rest = body.slice(from);
  const end = rest.search(/\{\{|\n/u);
  return end === -1 ? rest : rest.slice(0, end);
}
