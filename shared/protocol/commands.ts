import { z } from 'zod';
import { CAMPAIGN_PURPOSES } from '../campaigns';
import { isTimeZone, quietHoursProblem } from '../consent/quietHours';
import { API_KEY_SCOPES, ApiKeySchema, MAX_API_KEY_NAME_LENGTH } from './access';
import { CampaignSnapshotSchema } from './campaigns';
import { MAX_MEDIA_PER_MESSAGE } from './media';
import type { Role } from '../consent/types';
import { isCountryCode } from '../phone';
import {
  AccountProfileSchema,
  ContactSchema,
  ConversationSchema,
  ListSchema,
  MessageSchema,
  QuietHoursSchema,
  ReadSchema,
  TemplatesSchema,
  TriggersSchema,
  UserSchema,
} from './entities';

/**
 * Commands: what a desktop (or an integration, through the REST API) asks
 * the server to do. Each carries an idempotency key; the server runs a key
 * once and answers a replay with the first result, so a desktop can resend
 * after a dropped connection without texting a customer twice.
 */

/** The longest text a carrier delivers as one message (10 segments of 160). */
export const MAX_TEXT_LENGTH = 1600;
/** Rows per import command; larger files are sent in several commands. */
export const MAX_IMPORT_ROWS = 5000;
/** Reply templates an account may keep; more is a list nobody scrolls. */
export const MAX_TEMPLATES = 200;
export const MAX_TEMPLATE_NAME_LENGTH = 80;

const id = (what: string) =>
  z
    .string({ error: `${what} is required.` })
    .min(1, `${what} is required.`)
    .max(200, `${what} is too long.`);
const text = z
  .string({ error: 'The text is required.' })
  .max(MAX_TEXT_LENGTH, `A text can be at most ${MAX_TEXT_LENGTH} characters.`)
  .refine((value) => value.trim() !== '', 'Write something first.');
/** The words of a text that may carry pictures instead: empty is allowed, checked with its media. */
const caption = z
  .string({ error: 'The text is required.' })
  .max(MAX_TEXT_LENGTH, `A text can be at most ${MAX_TEXT_LENGTH} characters.`);
/** Files uploaded first (POST /api/v1/media), in the order they are shown. */
export const MediaIdsSchema = z
  .array(id('A media id'))
  .max(MAX_MEDIA_PER_MESSAGE, `A text can carry at most ${MAX_MEDIA_PER_MESSAGE} files.`);
const note = z.string().max(500, 'A note can be at most 500 characters.');
const phone = z
  .string({ error: 'The phone number is required.' })
  .min(1, 'The phone number is required.')
  .max(40, 'That is too long for a phone number.');
const listName = z
  .string()
  .trim()
  .min(1, 'A list needs a name.')
  .max(100, 'A list name can be at most 100 characters.');

const timeZone = z
  .string()
  .max(64)
  .refine(isTimeZone, 'timeZone must be a time zone such as America/Chicago.');
const country = z
  .string()
  .refine(isCountryCode, 'A country is a two-letter code such as US or GB.');
const role = z.enum(['agent', 'supervisor', 'admin'], {
  error: 'A role is agent, supervisor or admin.',
});
const personName = z
  .string()
  .trim()
  .min(1, 'A person needs a name.')
  .max(200, 'A name can be at most 200 characters.');

/** The shortest password a person may be given (the REST API's rule too). */
export const MIN_PASSWORD_LENGTH = 12;

/** The window campaigns and scheduled texts go out in, as an admin sets it: start before end, a day at least. */
export const QuietHoursInputSchema = QuietHoursSchema.strict().superRefine((hours, context) => {
  const problem = quietHoursProblem(hours);
  if (problem !== null) context.addIssue({ code: 'custom', message: problem });
});
export type QuietHoursInput = z.infer<typeof QuietHoursInputSchema>;

export const IdempotencyKeySchema = z
  .string({ error: 'Every command needs an idempotency key.' })
  .regex(
    /^[A-Za-z0-9_.:-]{8,100}$/u,
    'An idempotency key is 8 to 100 letters, digits, or - _ . : (a UUID is ideal).',
  );

export const TriggerInputSchema = z.strictObject({
  /** Keep an existing trigger's id; leave it out for a new trigger. */
  id: id('The trigger id').optional(),
  name: z.string().trim().min(1, 'A trigger needs a name.').max(100),
  keywords: z
    .array(z.string().max(60, 'A keyword can be at most 60 characters.'))
    .min(1, 'A trigger needs at least one keyword.')
    .max(20),
  reply: z.string().max(MAX_TEXT_LENGTH).nullable(),
  addToLists: z.array(id('A list id')).max(50),
  removeFromLists: z.array(id('A list id')).max(50),
});
export type TriggerInput = z.infer<typeof TriggerInputSchema>;

export const TemplateInputSchema = z.strictObject({
  /** Keep an existing template's id; leave it out for a new template. */
  id: id('The template id').optional(),
  name: z
    .string({ error: 'A template needs a name.' })
    .trim()
    .min(1, 'A template needs a name.')
    .max(
      MAX_TEMPLATE_NAME_LENGTH,
      `A template name can be at most ${MAX_TEMPLATE_NAME_LENGTH} characters.`,
    ),
  body: z
    .string({ error: 'A template needs some text.' })
    .max(MAX_TEXT_LENGTH, `A template can be at most ${MAX_TEXT_LENGTH} characters.`)
    .refine((value) => value.trim() !== '', 'A template needs some text.'),
});
export type TemplateInput = z.infer<typeof TemplateInputSchema>;

export const ImportRowSchema = z.strictObject({
  /** The row's line in the file, for errors a person can find. */
  line: z.number().int().min(1),
  phone: z.string().max(100),
  name: z.string().max(200).optional(),
  /** List names; unknown names are an error for the row. */
  lists: z.array(z.string().max(100)).max(50).optional(),
  /** The file's opted-in column; left out when the file has none. */
  optedIn: z.boolean().optional(),
});
export type ImportRow = z.infer<typeof ImportRowSchema>;

export const CommandSchema = z.discriminatedUnion('type', [
  z
    .strictObject({
      type: z.literal('message.send'),
      /** Reply in a conversation… */
      conversationId: id('The conversation').optional(),
      /** …or text a number, starting a conversation if there is none. */
      to: phone.optional(),
      /** May be empty when the text carries media. */
      body: caption,
      /** Files uploaded first (POST /api/v1/media), in the order they are shown: an MMS. */
      mediaIds: MediaIdsSchema.optional(),
      /**
       * Send later (ISO 8601 with a zone, e.g. 2026-11-24T15:00:00Z): a
       * scheduled text, which also waits for the recipient's quiet hours.
       */
      sendAt: z.iso
        .datetime({
          offset: true,
          error: 'sendAt must be a date and time such as 2026-11-24T15:00:00Z.',
        })
        .optional(),
    })
    .refine(
      (command) => (command.conversationId === undefined) !== (command.to === undefined),
      'Say where the text goes: a conversationId or a number (to), not both.',
    )
    .refine((command) => command.body.trim() !== '' || (command.mediaIds?.length ?? 0) > 0, {
      message: 'Write something or attach a file first.',
      path: ['body'],
    }),
  z.strictObject({
    type: z.literal('note.add'),
    conversationId: id('The conversation'),
    body: text,
  }),
  z.strictObject({
    /**
     * Settles a text flagged as a possible opt-out: `optOut` true opts the
     * contact out (source manual, the text quoted in the history), false
     * dismisses the flag. Either way the flag is cleared for everyone.
     */
    type: z.literal('message.reviewOptOut'),
    messageId: id('The message'),
    optOut: z.boolean(),
  }),
  z.strictObject({
    type: z.literal('contact.update'),
    contactId: id('The contact'),
    name: z.string().trim().max(200, 'A name can be at most 200 characters.').optional(),
    /** The contact's own zone for quiet hours (IANA, e.g. America/Chicago), or null for the account's. */
    timeZone: timeZone.nullable().optional(),
  }),
  z.strictObject({
    type: z.literal('contact.lists'),
    contactId: id('The contact'),
    listId: id('The list'),
    member: z.boolean(),
  }),
  z.strictObject({
    type: z.literal('contact.block'),
    contactId: id('The contact'),
    note: note.optional(),
  }),
  z.strictObject({
    type: z.literal('contact.unblock'),
    contactId: id('The contact'),
    note: note.optional(),
  }),
  z.strictObject({
    type: z.literal('contact.optIn'),
    contactId: id('The contact'),
    /** How the contact consented (R4): required, and kept in the history. */
    note: z.string({ error: 'Say how the contact consented.' }).max(500),
  }),
  z.strictObject({
    type: z.literal('contact.optOut'),
    contactId: id('The contact'),
    note: note.optional(),
  }),
  z.strictObject({
    type: z.literal('conversation.assign'),
    conversationId: id('The conversation'),
    /** A user of the account, or null to unassign. */
    assigneeId: id('The assignee').nullable(),
  }),
  z.strictObject({ type: z.literal('conversation.close'), conversationId: id('The conversation') }),
  z.strictObject({
    type: z.literal('conversation.reopen'),
    conversationId: id('The conversation'),
  }),
  z.strictObject({ type: z.literal('conversation.read'), conversationId: id('The conversation') }),
  z.strictObject({
    type: z.literal('triggers.update'),
    /** The whole set, in the order they are tried. */
    triggers: z.array(TriggerInputSchema).max(50),
  }),
  z.strictObject({
    type: z.literal('templates.update'),
    /** The whole set, in the order the composer offers them. */
    templates: z
      .array(TemplateInputSchema)
      .max(MAX_TEMPLATES, `An account can keep at most ${MAX_TEMPLATES} templates.`),
  }),
  z.strictObject({ type: z.literal('list.create'), name: listName }),
  z.strictObject({
    /**
     * A campaign (R7): `body` to every member of the list who may be texted,
     * in the background. A marketing body must say how to opt out.
     */
    type: z.literal('campaign.send'),
    name: z
      .string({ error: 'A campaign needs a name.' })
      .trim()
      .min(1, 'A campaign needs a name.')
      .max(120, 'A campaign name can be at most 120 characters.'),
    listId: id('The list'),
    purpose: z.enum(CAMPAIGN_PURPOSES, {
      error: 'Say whether the campaign is marketing or transactional.',
    }),
    body: text,
    /** Start later (ISO 8601 with a zone); each text still waits for its recipient's daytime. */
    sendAt: z.iso
      .datetime({
        offset: true,
        error: 'sendAt must be a date and time such as 2026-11-24T15:00:00Z.',
      })
      .optional(),
  }),
  z.strictObject({ type: z.literal('list.rename'), listId: id('The list'), name: listName }),
  /** Removes the list and its memberships; refused for Marketing Opt-Out and lists a trigger uses. */
  z.strictObject({ type: z.literal('list.delete'), listId: id('The list') }),
  /** Clean up → Remove opted-out (R11): takes opted-out and blocked members off the list. */
  z.strictObject({ type: z.literal('list.cleanup'), listId: id('The list') }),
  z
    .strictObject({
      type: z.literal('account.update'),
      businessName: z
        .string()
        .trim()
        .min(1, 'The business needs a name.')
        .max(100, 'A business name can be at most 100 characters.')
        .optional(),
      defaultCountry: country.optional(),
      /** The zone quiet hours are read in when a number does not tell; null for the country's. */
      timeZone: timeZone.nullable().optional(),
      /** When campaigns and scheduled texts may go out, in each customer's zone (default 08:00–21:00, every day). */
      quietHours: QuietHoursInputSchema.optional(),
      /** Days pictures and files are kept after their text; null keeps them for good. */
      mediaRetentionDays: z
        .number()
        .int('mediaRetentionDays must be a whole number of days.')
        .min(1, 'Keep pictures and files for at least a day, or for good (null).')
        .max(3650, 'mediaRetentionDays can be at most 3650 (ten years); null keeps them for good.')
        .nullable()
        .optional(),
    })
    .refine(
      (command) =>
        command.businessName !== undefined ||
        command.defaultCountry !== undefined ||
        command.timeZone !== undefined ||
        command.quietHours !== undefined ||
        command.mediaRetentionDays !== undefined,
      'Say what to change: businessName, defaultCountry, timeZone, quietHours or mediaRetentionDays.',
    ),
  z.strictObject({ type: z.literal('businessNumber.add'), phone }),
  z.strictObject({
    type: z.literal('user.create'),
    email: z
      .email('Enter an email address, such as dana@example.com.')
      .max(320, 'An email can be at most 320 characters.'),
    /** Left out: the part of the email before the @. */
    name: z.string().trim().max(200, 'A name can be at most 200 characters.').optional(),
    role,
    password: z
      .string({ error: 'A password is required.' })
      .min(
        MIN_PASSWORD_LENGTH,
        `A password needs at least ${String(MIN_PASSWORD_LENGTH)} characters.`,
      )
      .max(1024, 'A password can be at most 1024 characters.'),
  }),
  z
    .strictObject({
      type: z.literal('user.update'),
      userId: id('The person'),
      name: personName.optional(),
      role: role.optional(),
      /** True removes the person's access and ends their sessions; false gives it back. */
      disabled: z.boolean().optional(),
    })
    .refine(
      (command) =>
        command.name !== undefined || command.role !== undefined || command.disabled !== undefined,
      'Say what to change: name, role or disabled.',
    ),
  z
    .strictObject({
      /**
       * Ends a session at once (its desktop is disconnected and must sign in
       * again), or every session of a person of the account.
       */
      type: z.literal('session.end'),
      sessionId: id('The session').optional(),
      userId: id('The person').optional(),
    })
    .refine(
      (command) => (command.sessionId === undefined) !== (command.userId === undefined),
      'Say which sessions to end: a sessionId, or a userId for all of that person’s.',
    ),
  z.strictObject({
    /** A key for an integration; its secret is in the answer, once (a replay answers without it). */
    type: z.literal('apiKey.create'),
    name: z
      .string({ error: 'An API key needs a name, such as CRM.' })
      .trim()
      .min(1, 'An API key needs a name, such as CRM.')
      .max(
        MAX_API_KEY_NAME_LENGTH,
        `An API key name can be at most ${String(MAX_API_KEY_NAME_LENGTH)} characters.`,
      ),
    scope: z.enum(API_KEY_SCOPES, { error: 'An API key’s scope is read, send or admin.' }),
  }),
  /** Revokes a key: its next use is refused. */
  z.strictObject({ type: z.literal('apiKey.revoke'), apiKeyId: id('The API key') }),
  z.strictObject({
    type: z.literal('contacts.import'),
    rows: z
      .array(ImportRowSchema)
      .min(1, 'The file has no rows.')
      .max(MAX_IMPORT_ROWS, `Send at most ${MAX_IMPORT_ROWS} rows per import.`),
    /** Every row is also added to this list. */
    listId: id('The list').optional(),
    /** An import into the Opt-Out List: every number in it is opted out of all texts (R11). */
    optOutList: z.boolean().optional(),
    /** The country of numbers written without a country code; the account's when left out. */
    defaultCountry: country.optional(),
    /**
     * A known contact takes the file's name only when they have none, unless
     * this is set: then a name in the file replaces theirs.
     */
    overwriteNames: z.boolean().optional(),
  }),
]);
export type Command = z.infer<typeof CommandSchema>;
export type CommandType = Command['type'];
export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;

export const CommandRequestSchema = z.strictObject({
  key: IdempotencyKeySchema,
  command: CommandSchema,
});
export type CommandRequest = z.input<typeof CommandRequestSchema>;

const EVERYONE: readonly Role[] = ['agent', 'supervisor', 'admin'];
const SUPERVISORS: readonly Role[] = ['supervisor', 'admin'];
const ADMINS: readonly Role[] = ['admin'];

/**
 * Who may run each command. The server enforces it; the desktop uses it to
 * hide what a person cannot do. Blocking and triggers are supervisors' (R3,
 * R5); so are the reply templates, which every agent uses.
 */
export const COMMAND_ROLES: Readonly<Record<CommandType, readonly Role[]>> = {
  'message.send': EVERYONE,
  'note.add': EVERYONE,
  'message.reviewOptOut': EVERYONE,
  'contact.update': EVERYONE,
  'contact.lists': EVERYONE,
  'contact.block': SUPERVISORS,
  'contact.unblock': SUPERVISORS,
  'contact.optIn': EVERYONE,
  'contact.optOut': EVERYONE,
  'conversation.assign': EVERYONE,
  'conversation.close': EVERYONE,
  'conversation.reopen': EVERYONE,
  'conversation.read': EVERYONE,
  'triggers.update': SUPERVISORS,
  'templates.update': SUPERVISORS,
  'list.create': EVERYONE,
  'list.rename': EVERYONE,
  'list.delete': SUPERVISORS,
  'list.cleanup': EVERYONE,
  'account.update': ADMINS,
  'businessNumber.add': ADMINS,
  'user.create': ADMINS,
  'user.update': ADMINS,
  'session.end': ADMINS,
  'apiKey.create': ADMINS,
  'apiKey.revoke': ADMINS,
  'contacts.import': EVERYONE,
  // A campaign texts a whole list at once: supervisors' call, like blocking (R7).
  'campaign.send': SUPERVISORS,
};

/** What each command does, as the end of "Only supervisors and admins can …". */
export const COMMAND_LABELS: Readonly<Record<CommandType, string>> = {
  'message.send': 'send texts',
  'note.add': 'add notes',
  'message.reviewOptOut': 'review possible opt-outs',
  'contact.update': 'edit contacts',
  'contact.lists': 'change a contact’s lists',
  'contact.block': 'block contacts',
  'contact.unblock': 'unblock contacts',
  'contact.optIn': 'opt contacts in',
  'contact.optOut': 'opt contacts out',
  'conversation.assign': 'assign conversations',
  'conversation.close': 'close conversations',
  'conversation.reopen': 'reopen conversations',
  'conversation.read': 'mark conversations read',
  'triggers.update': 'edit automatic replies (triggers)',
  'templates.update': 'edit reply templates',
  'list.create': 'create lists',
  'list.rename': 'rename lists',
  'list.delete': 'delete lists',
  'list.cleanup': 'clean up lists',
  'account.update': 'change the account’s settings',
  'businessNumber.add': 'add business numbers',
  'user.create': 'add people',
  'user.update': 'change people’s names, roles and access',
  'session.end': 'end people’s sessions',
  'apiKey.create': 'create API keys',
  'apiKey.revoke': 'revoke API keys',
  'contacts.import': 'import contacts',
  'campaign.send': 'send campaigns',
};

export const mayRun = (role: Role, type: CommandType): boolean =>
  COMMAND_ROLES[type].includes(role);

/** Why a person may not run a command, in words; null when they may. */
export function refusalFor(role: Role, type: CommandType): string | null {
  if (mayRun(role, type)) return null;
  const roles = COMMAND_ROLES[type];
  const who = roles.length === 1 ? `${roles[0] ?? ''}s` : 'supervisors and admins';
  return `Only ${who} can ${COMMAND_LABELS[type]}.`;
}

const KeywordProblemSchema = z.object({
  keyword: z.string(),
  trigger: z.string(),
  message: z.string(),
});

export const ImportReportSchema = z.object({
  created: z.number(),
  updated: z.number(),
  /**
   * Lines of rows whose contact was opted out or blocked before the import
   * and stays so, whatever the file said (R11: an import never opts back in).
   */
  keptOptedOut: z.array(z.number()),
  /** Contacts this import opted out: into the Opt-Out List, or "no" in the opted-in column. */
  optedOut: z.number(),
  /** Known contacts who kept their own name over the file's (no `overwriteNames`). */
  namesKept: z.number(),
  errors: z.array(z.object({ line: z.number(), message: z.string() })),
});
export type ImportReport = z.infer<typeof ImportReportSchema>;

const contact = z.object({ contact: ContactSchema });
const conversation = z.object({ conversation: ConversationSchema });
const message = z.object({ message: MessageSchema });

/** A picture the server re-encoded smaller so the message fits its carrier's limit. */
export const ShrunkMediaSchema = z.object({
  mediaId: z.string(),
  fromBytes: z.number().int().nonnegative(),
  toBytes: z.number().int().nonnegative(),
});
export type ShrunkMedia = z.infer<typeof ShrunkMediaSchema>;

/** What each command answers with when it succeeds. */
export const CommandValueSchemas = {
  /** `shrunk`: pictures made smaller to fit the carrier's limit; tell the agent. */
  'message.send': message.extend({ shrunk: z.array(ShrunkMediaSchema).default([]) }),
  'note.add': message,
  'message.reviewOptOut': message,
  'contact.update': contact,
  'contact.lists': contact,
  'contact.block': contact,
  'contact.unblock': contact,
  'contact.optIn': contact,
  'contact.optOut': contact,
  'conversation.assign': conversation,
  'conversation.close': conversation,
  'conversation.reopen': conversation,
  'conversation.read': z.object({ read: ReadSchema }),
  'triggers.update': z.object({
    triggers: TriggersSchema,
    /** Saved, but the person should know (a carrier also answers HELP, …). */
    warnings: z.array(KeywordProblemSchema),
  }),
  'templates.update': z.object({ templates: TemplatesSchema }),
  'list.create': z.object({ list: ListSchema }),
  'list.rename': z.object({ list: ListSchema }),
  'list.delete': z.object({ listId: z.string() }),
  'list.cleanup': z.object({ removed: z.number() }),
  'account.update': z.object({ profile: AccountProfileSchema }),
  'businessNumber.add': z.object({ profile: AccountProfileSchema }),
  'user.create': z.object({ user: UserSchema }),
  'user.update': z.object({ user: UserSchema }),
  /** The sessions it ended (none when they had ended already). */
  'session.end': z.object({ ended: z.array(z.string()) }),
  /** `secret` (tdk_…) only in the first answer; null when the key is replayed. */
  'apiKey.create': z.object({ apiKey: ApiKeySchema, secret: z.string().nullable() }),
  'apiKey.revoke': z.object({ apiKey: ApiKeySchema }),
  'contacts.import': ImportReportSchema,
  'campaign.send': z.object({ campaign: CampaignSnapshotSchema }),
} as const satisfies Record<CommandType, z.ZodType>;

export type CommandValue<T extends CommandType> = z.infer<(typeof CommandValueSchemas)[T]>;

/** Why a command was refused. `message` is for people; `code` is for programs. */
export type CommandErrorCode =
  | 'invalid-input'
  | 'not-found'
  | 'not-allowed'
  | 'unblock-first'
  | 'note-required'
  | 'blocked'
  | 'opted-out'
  | 'conflict'
  | 'key-reused'
  | 'internal';

export interface CommandError {
  readonly code: CommandErrorCode;
  readonly message: string;
  /** For `invalid-input` on triggers, templates and imports: each problem, where it is. */
  readonly problems?: readonly { readonly path: string; readonly message: string }[];
}

/**
 * Where a string in a request holds a NUL character, or null. No text a
 * person types has one, and PostgreSQL cannot store it: such a request is
 * refused as a whole rather than half-written.
 */
export function findNul(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || 'the text' : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findNul(item, path === '' ? String(index) : `${path}.${String(index)}`);
      if (found !== null) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const found = findNul(item, path === '' ? key : `${path}.${key}`);
      if (found !== null) return found;
    }
  }
  return null;
}

export const nulMessage = (path: string): string =>
  `${path}: contains a NUL character (\\u0000), which no text may hold.`;
