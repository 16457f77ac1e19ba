import { z } from 'zod';

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
    'queued',
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

/** One entry of an account's change log, in the order of `seq`. */
export const ChangeSchema = z.discriminatedUnion('type', [
  z.object({
    seq: z.number(),
    at: z.string(),
    type: z.literal('contact.updated'),
    data: ContactSchema,
  }),
  z.object({
    seq: z.number(),
    at: z.string(),
    type: z.literal('conversation.updated'),
    data: ConversationSchema,
  }),
  z.object({
    seq: z.number(),
    at: z.string(),
    type: z.literal('message.created'),
    data: MessageSchema,
  }),
  z.object({
    seq: z.number(),
    at: z.string(),
    type: z.literal('message.updated'),
    data: MessageSchema,
  }),
  z.object({
    seq: z.number(),
    at: z.string(),
    type: z.literal('consent.recorded'),
    data: ConsentEntrySchema,
  }),
]);
export type Change = z.infer<typeof ChangeSchema>;
export type ChangeType = Change['type'];
/** A change before it has its place in the log. */
export type PendingChange = {
  [T in ChangeType]: { type: T; data: Extract<Change, { type: T }>['data'] };
}[ChangeType];
