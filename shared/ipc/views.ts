import { z } from 'zod';
import {
  ConsentEntrySchema,
  ContactSchema,
  ListSchema,
  MessageSchema,
  QuietHoursSchema,
  TemplateSchema,
  TriggerSchema,
  UserSchema,
} from '../protocol/entities';

/**
 * What the desktop's local cache answers the renderer with: rows shaped for
 * the screens, read from the cache (never from the network).
 */

/** The inbox's filters. `blocked` is offered to supervisors and admins only. */
export const CONVERSATION_FILTERS = [
  'open',
  'mine',
  'unassigned',
  'closed',
  'opted-out',
  'blocked',
] as const;
export type ConversationFilter = (typeof CONVERSATION_FILTERS)[number];

/** Where the next page starts: the last row of this one (newest activity first). */
export const PageCursorSchema = z.object({
  lastActivityAt: z.string(),
  id: z.string(),
});
export type PageCursor = z.infer<typeof PageCursorSchema>;

export const ConversationRowSchema = z.object({
  id: z.string(),
  contactId: z.string(),
  /** The contact's name, or '' when they have none (show the formatted number). */
  name: z.string(),
  phone: z.string(),
  status: z.enum(['open', 'closed']),
  assigneeId: z.string().nullable(),
  lastActivityAt: z.string(),
  /** The newest message that is not a quarantined text; null in an empty conversation. */
  lastMessage: z
    .object({
      /**
       * The message's words; for a text with files and no words, what it
       * carries ("📷 Photo", describeMedia), so a preview line is never empty.
       */
      body: z.string(),
      /**
       * What the message carries ("📷 Photo", "📎 2 attachments"), when it
       * carries files; absent for a plain text. Show it before a caption.
       */
      mediaLabel: z.string().optional(),
      direction: MessageSchema.shape.direction,
      status: MessageSchema.shape.status,
      at: z.string(),
    })
    .nullable(),
  /** Inbound texts after the signed-in person last read the conversation. */
  unread: z.number().int().min(0),
  optedIn: z.boolean(),
  blocked: z.boolean(),
});
export type ConversationRow = z.infer<typeof ConversationRowSchema>;

export const ConversationPageSchema = z.object({
  rows: z.array(ConversationRowSchema),
  /** Pass as `after` for the next page; null on the last page. */
  next: PageCursorSchema.nullable(),
});
export type ConversationPage = z.infer<typeof ConversationPageSchema>;

/** How many conversations each filter and each list holds, and the unread total. */
export const InboxCountsSchema = z.object({
  open: z.number(),
  mine: z.number(),
  unassigned: z.number(),
  closed: z.number(),
  optedOut: z.number(),
  /** Null for agents, who do not see blocked contacts' conversations. */
  blocked: z.number().nullable(),
  /** Conversations per list id. */
  lists: z.record(z.string(), z.number()),
  /** Unread inbound texts in conversations the person can see in the inbox (for the badge). */
  unread: z.number(),
});
export type InboxCounts = z.infer<typeof InboxCountsSchema>;

/** A message as shown, including texts still waiting in this desktop's outbox. */
export const MessageViewSchema = MessageSchema.extend({
  /**
   * `outbox` while the text waits on this desktop for the server (offline or
   * not yet acknowledged); `cancelled` when it was dropped before leaving,
   * with the reason in `errorMessage`.
   */
  local: z.enum(['outbox', 'cancelled']).nullable(),
});
export type MessageView = z.infer<typeof MessageViewSchema>;

export const MessagePageSchema = z.object({
  /** Oldest first. */
  messages: z.array(MessageViewSchema),
  /** True when older messages exist; pass the first message's `createdAt` and `id` as `before`. */
  more: z.boolean(),
});
export type MessagePage = z.infer<typeof MessagePageSchema>;

export const ContactViewSchema = z.object({
  contact: ContactSchema,
  /** Newest first. */
  history: z.array(ConsentEntrySchema),
  conversationId: z.string().nullable(),
});
export type ContactView = z.infer<typeof ContactViewSchema>;

export const SearchHitSchema = z.object({
  kind: z.enum(['message', 'contact']),
  conversationId: z.string().nullable(),
  contactId: z.string(),
  /** Set for message hits: open the conversation at this message. */
  messageId: z.string().nullable(),
  name: z.string(),
  phone: z.string(),
  /** Plain text around the match (never HTML); `highlights` are [start, end) ranges in it. */
  snippet: z.string(),
  highlights: z.array(z.tuple([z.number(), z.number()])),
  at: z.string(),
});
export type SearchHit = z.infer<typeof SearchHitSchema>;

export const AccountProfileViewSchema = z.object({
  /** For `{{business_name}}` and what the HELP reply calls the business. */
  businessName: z.string(),
  /** ISO 3166 alpha-2: how a number typed without a country code is read. */
  defaultCountry: z.string(),
  /** IANA zone quiet hours fall back to for numbers that do not tell; null: the country's main zone. */
  timeZone: z.string().nullable(),
  /** The account's business numbers (E.164), oldest first. */
  businessNumbers: z.array(z.string()),
  /** When campaigns and scheduled texts may go out, in each customer's zone. */
  quietHours: QuietHoursSchema,
  /** Days pictures and files are kept after their text; null: for good. */
  mediaRetentionDays: z.number().int().nullable().optional(),
});
export type AccountProfileView = z.infer<typeof AccountProfileViewSchema>;

export const AccountViewSchema = z.object({
  lists: z.array(ListSchema),
  triggers: z.array(TriggerSchema),
  users: z.array(UserSchema),
  /** The account's reply templates, in order; fill them with fillTemplate (shared/templates). */
  templates: z.array(TemplateSchema),
  /** Null until the account's profile has synced. */
  profile: AccountProfileViewSchema.nullable(),
});
export type AccountView = z.infer<typeof AccountViewSchema>;

/** Someone else with a conversation open, and whether they are typing in it. */
export const PresencePersonSchema = z.object({
  userId: z.string(),
  name: z.string(),
  typing: z.boolean(),
});
export type PresencePerson = z.infer<typeof PresencePersonSchema>;

/** The sync client's state, as the status bar shows it. */
export const SyncStatusSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('signed-out') }),
  z.object({ state: z.literal('connecting'), queued: z.number() }),
  z.object({
    state: z.literal('catching-up'),
    /** Changes stored so far in this catch-up, of `total`. */
    done: z.number(),
    total: z.number(),
    queued: z.number(),
  }),
  z.object({ state: z.literal('live'), queued: z.number() }),
  z.object({
    state: z.literal('offline'),
    queued: z.number(),
    /** Why, in words: "No connection to the server", "Your session has ended. Sign in again." */
    reason: z.string(),
    /** When the next attempt is due (ISO); null when it waits for a person (signed out). */
    retryAt: z.string().nullable(),
  }),
  z.object({
    /**
     * This desktop and the server do not speak the same protocol (or the
     * server sent a change this desktop cannot read): sync has stopped, and
     * nothing is tried again until the one named is updated.
     */
    state: z.literal('update-needed'),
    /** Who must update: this desktop, or the team's server. */
    update: z.enum(['desktop', 'server']),
    /** In words: "This version of Textdesk is too old for your team’s server. …" */
    reason: z.string(),
    queued: z.number(),
  }),
]);
export type SyncStatus = z.infer<typeof SyncStatusSchema>;
