import { z } from 'zod';
import { DEFAULT_QUIET_HOURS, WEEKDAYS } from '../consent/quietHours';
import { CampaignRecipientSchema, CampaignSnapshotSchema } from './campaigns';
import { MediaSchema } from './media';

/** What the server sends desktops about each thing it keeps: full snapshots, never diffs. */

const optOutSource = z.enum(['keyword', 'link', 'carrier', 'manual', 'blocked', 'import']);

export const OptOutRecordSchema = z.object({
  at: z.string(),
  source: optOutSource,
  word: z.string().optional(),
  text: z.string().optional(),
  by: z.string().optional(),
  carrierCode: z.string().optional(),
});

export const ContactSchema = z.object({
  id: z.string(),
  phone: z.string(),
  name: z.string(),
  optedIn: z.boolean(),
  blocked: z.boolean(),
  optOut: OptOutRecordSchema.nullable(),
  /** List ids. */
  lists: z.array(z.string()),
  /** The contact's own zone for quiet hours; null for the account's. */
  timeZone: z.string().nullable(),
  updatedAt: z.string(),
});
export type ContactSnapshot = z.infer<typeof ContactSchema>;

export const ConversationSchema = z.object({
  id: z.string(),
  contactId: z.string(),
  businessNumberId: z.string(),
  status: z.enum(['open', 'closed']),
  assigneeId: z.string().nullable(),
  lastActivityAt: z.string(),
});
export type ConversationSnapshot = z.infer<typeof ConversationSchema>;

export const MessageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  direction: z.enum(['inbound', 'outbound', 'note', 'system']),
  body: z.string(),
  authorId: z.string().nullable(),
  status: z.enum([
    'received',
    'quarantined',
    'scheduled',
    'queued',
    'sending',
    'sent',
    'delivered',
    'undelivered',
    'failed',
    'refused',
    'none',
  ]),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  possibleOptOut: z.boolean(),
  triggerId: z.string().nullable(),
  inReplyTo: z.string().nullable(),
  /** For a scheduled text: when it is due; quiet hours may hold it longer. */
  sendAt: z.string().nullable(),
  /** Pictures and files (MMS), in order; empty for a plain text. Older servers send none. */
  media: z.array(MediaSchema).default([]),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type MessageSnapshot = z.infer<typeof MessageSchema>;

export const ConsentEntrySchema = z.object({
  contactId: z.string(),
  at: z.string(),
  change: z.string(),
  source: z.string().nullable(),
  actor: z.unknown(),
  text: z.string().nullable(),
  word: z.string().nullable(),
  listId: z.string().nullable(),
  triggerId: z.string().nullable(),
  carrierCode: z.string().nullable(),
});
export type ConsentEntrySnapshot = z.infer<typeof ConsentEntrySchema>;

export const ListSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** `marketing-opt-out` is the *Marketing Opt-Out* list, which the OPTOUT trigger puts a contact on. */
  kind: z.enum(['marketing', 'marketing-opt-out', 'other']),
});
export type ListSnapshot = z.infer<typeof ListSchema>;

export const TriggerSchema = z.object({
  id: z.string(),
  name: z.string(),
  keywords: z.array(z.string()),
  reply: z.string().nullable(),
  addToLists: z.array(z.string()),
  removeFromLists: z.array(z.string()),
});
export type TriggerSnapshot = z.infer<typeof TriggerSchema>;

/** The account's triggers, all of them, in the order they are tried. */
export const TriggersSchema = z.object({ accountId: z.string(), triggers: z.array(TriggerSchema) });
export type TriggersSnapshot = z.infer<typeof TriggersSchema>;

export const TemplateSchema = z.object({ id: z.string(), name: z.string(), body: z.string() });
export type TemplateSnapshot = z.infer<typeof TemplateSchema>;

/** The account's reply templates, all of them, in the order supervisors put them. */
export const TemplatesSchema = z.object({
  accountId: z.string(),
  templates: z.array(TemplateSchema),
});
export type TemplatesSnapshot = z.infer<typeof TemplatesSchema>;

/** A local time of day, "HH:MM" on a 24-hour clock. */
export const ClockTimeSchema = z
  .string({ error: 'A time is required, such as 08:00.' })
  .regex(
    /^([01]\d|2[0-3]):[0-5]\d$/u,
    'Write times as hours and minutes on a 24-hour clock, such as 08:00 or 21:30.',
  );

/**
 * When campaigns and scheduled texts may go out, in each recipient's own
 * zone: from `start` to `end` (local times, start before end) on `days`.
 */
export const QuietHoursSchema = z.object({
  start: ClockTimeSchema,
  end: ClockTimeSchema,
  days: z
    .array(z.enum(WEEKDAYS, { error: `Days are ${WEEKDAYS.join(', ')}.` }))
    .max(7)
    .readonly(),
});

/** What desktops know of the account itself: the name customers know it by, and how numbers are read. */
export const AccountProfileSchema = z.object({
  accountId: z.string(),
  businessName: z.string(),
  /** ISO 3166 alpha-2: the country of numbers typed without a country code. */
  defaultCountry: z.string(),
  /**
   * IANA zone quiet hours are read in for numbers that do not tell; null for
   * the country's main zone. Profiles logged before it existed read as null.
   */
  timeZone: z.string().nullable().default(null),
  /** The account's business numbers (E.164), oldest first; [] in profiles logged before them. */
  businessNumbers: z.array(z.string()).default([]),
  /** When campaigns and scheduled texts may go out; 8:00–21:00 every day in profiles logged before it. */
  quietHours: QuietHoursSchema.default(DEFAULT_QUIET_HOURS),
  /** Days pictures and files are kept after their text; null (and in older profiles): for good. */
  mediaRetentionDays: z.number().int().nullable().default(null),
});
export type AccountProfileSnapshot = z.infer<typeof AccountProfileSchema>;

export const UserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(['agent', 'supervisor', 'admin']),
  disabled: z.boolean(),
});
export type UserSnapshot = z.infer<typeof UserSchema>;

/** When a person last read a conversation; messages after it are unread for them. */
export const ReadSchema = z.object({
  conversationId: z.string(),
  userId: z.string(),
  readAt: z.string(),
});
export type ReadSnapshot = z.infer<typeof ReadSchema>;

const change = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.object({ seq: z.number(), at: z.string(), type: z.literal(type), data });

/** One entry of an account's change log, in the order of `seq`. */
export const ChangeSchema = z.discriminatedUnion('type', [
  change('contact.updated', ContactSchema),
  change('conversation.updated', ConversationSchema),
  change('conversation.read', ReadSchema),
  change('message.created', MessageSchema),
  change('message.updated', MessageSchema),
  change('consent.recorded', ConsentEntrySchema),
  change('list.updated', ListSchema),
  /** A list was deleted; its members' snapshots without it are logged before this. */
  change('list.deleted', z.object({ id: z.string() })),
  change('triggers.updated', TriggersSchema),
  change('templates.updated', TemplatesSchema),
  change('account.updated', AccountProfileSchema),
  change('user.updated', UserSchema),
  change('campaign.updated', CampaignSnapshotSchema),
  change('campaign.recipient', CampaignRecipientSchema),
]);
export type Change = z.infer<typeof ChangeSchema>;
export type ChangeType = Change['type'];
/** A change before it has its place in the log. */
export type PendingChange = {
  [T in ChangeType]: { type: T; data: Extract<Change, { type: T }>['data'] };
}[ChangeType];
