import { z } from 'zod';
import { API_KEY_SCOPES, ApiKeySchema, SessionSchema } from '../protocol/access';
import { OptOutRecordSchema } from '../protocol/entities';

/**
 * The managing screens' calls: list members, the Opt-Out List, exports, the
 * opt-out report and the opt-out webhook. Read from the local cache, except
 * the webhook, which only the server knows.
 */

const id = z.string().min(1).max(200);

/** Where the next page of members starts: the last row of this one. */
export const MemberCursorSchema = z.object({ name: z.string().max(200), id });
export type MemberCursor = z.infer<typeof MemberCursorSchema>;

/** One contact in a member table, with their consent as it stands. */
export const MemberRowSchema = z.object({
  contactId: z.string(),
  /** '' when they have none (show the formatted number). */
  name: z.string(),
  phone: z.string(),
  optedIn: z.boolean(),
  blocked: z.boolean(),
  optOut: OptOutRecordSchema.nullable(),
});
export type MemberRow = z.infer<typeof MemberRowSchema>;

/**
 * A page of members, in name order: named contacts first (case folded), then
 * unnamed ones by number, then by id. `total` counts every row of the table.
 */
export const MemberPageSchema = z.object({
  rows: z.array(MemberRowSchema),
  /** Pass as `after` for the next page; null on the last page. */
  next: MemberCursorSchema.nullable(),
  total: z.number().int().min(0),
});
export type MemberPage = z.infer<typeof MemberPageSchema>;

export const OPT_OUT_SOURCES = [
  'keyword',
  'link',
  'carrier',
  'manual',
  'blocked',
  'import',
] as const;
export type OptOutSource = (typeof OPT_OUT_SOURCES)[number];

export const OptOutReportSchema = z.object({
  /** Every day of the period, oldest first, in the desktop's own zone; each source counted. */
  days: z.array(
    z.object({
      day: z.string(),
      bySource: z.record(z.enum(OPT_OUT_SOURCES), z.number().int().min(0)),
    }),
  ),
  /** The period's opt-outs, newest first, at most 1000. */
  rows: z.array(
    z.object({
      contactId: z.string(),
      name: z.string(),
      phone: z.string(),
      at: z.string(),
      source: z.string(),
      /** The word they texted (STOP), when it was a keyword. */
      word: z.string().nullable(),
      /** Their text, or the note of the person who opted them out. */
      text: z.string().nullable(),
      /** The person who opted them out; null when it was the contact, the carrier or Textdesk. */
      by: z.string().nullable(),
    }),
  ),
});
export type OptOutReport = z.infer<typeof OptOutReportSchema>;

export const WebhookDeliverySchema = z.object({
  at: z.string(),
  /** `pending` while it is being retried; `failed` once retries gave up (24 hours). */
  status: z.enum(['delivered', 'failed', 'pending']),
  attempts: z.number().int().min(0),
  /** The receiver's last answer; null before any, or when it could not be reached. */
  httpStatus: z.number().int().nullable(),
  /** The number that opted out (E.164). */
  number: z.string(),
  source: z.string(),
  error: z.string().nullable(),
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export const WebhookViewSchema = z.object({
  url: z.string().nullable(),
  /** The secret's last few characters, to tell which one is set; null when none is. */
  secretHint: z.string().nullable(),
  /** Newest first, at most 200. */
  deliveries: z.array(WebhookDeliverySchema),
});
export type WebhookView = z.infer<typeof WebhookViewSchema>;

const limit = z.number().int().min(1).max(500).optional();
const days = z
  .number()
  .int()
  .min(1, 'A report covers at least 1 day.')
  .max(366, 'A report covers at most 366 days.')
  .optional();
const csvFile = z.object({ filename: z.string(), csv: z.string() });
const exportTarget = z.union([
  z.strictObject({ listId: id }),
  z.strictObject({ optOut: z.literal(true) }),
]);

/** The most numbers one `contacts.lookup` takes; a larger file is looked up in parts. */
export const MAX_LOOKUP_PHONES = 20_000;

/** A number the account already has, as an import's preview shows it. */
export const KnownContactSchema = z.object({
  phone: z.string(),
  name: z.string(),
  optedIn: z.boolean(),
  /** Always false for agents, who never see who is blocked (R3): they see them opted out. */
  blocked: z.boolean(),
  optOut: OptOutRecordSchema.nullable(),
});
export type KnownContact = z.infer<typeof KnownContactSchema>;

/** The contract's entries for these screens (joined into ipcContract). */
export const manageContract = {
  /** A list's members; agents never see blocked contacts (R3). */
  'lists.members': {
    input: z.strictObject({ listId: id, after: MemberCursorSchema.optional(), limit }),
    output: MemberPageSchema,
  },
  /** How many contacts each list holds, by list id (agents never count blocked contacts, R3). */
  'lists.sizes': { input: z.undefined(), output: z.record(z.string(), z.number().int().min(0)) },
  /** Every opted-out contact: the Opt-Out List. */
  'lists.optedOut': {
    input: z.strictObject({ after: MemberCursorSchema.optional(), limit }),
    output: MemberPageSchema,
  },
  /**
   * A list, or the Opt-Out List, as CSV with Google Contacts' column titles
   * and the consent beside them; cells a spreadsheet would run are neutralised.
   */
  'lists.exportCsv': { input: exportTarget, output: csvFile },
  /** A list, or the Opt-Out List, as vCard 3.0, one card a contact, for phones and address books. */
  'lists.exportVcard': {
    input: exportTarget,
    output: z.object({ filename: z.string(), vcard: z.string() }),
  },
  /** Which of these numbers (E.164) the account already has, with their consent: an import's preview. */
  'contacts.lookup': {
    input: z.strictObject({
      phones: z
        .array(z.string().max(40))
        .max(MAX_LOOKUP_PHONES, `Look up at most ${String(MAX_LOOKUP_PHONES)} numbers at once.`),
    }),
    output: z.array(KnownContactSchema),
  },
  'reports.optOuts': { input: z.strictObject({ days }), output: OptOutReportSchema },
  'reports.exportOptOutsCsv': { input: z.strictObject({ days }), output: csvFile },
  /** The opt-out webhook's settings and delivery log (supervisors and admins). */
  'admin.webhook': { input: z.undefined(), output: WebhookViewSchema },
  /**
   * Sets the address (null: off). A secret is made when there was none, or
   * when `rotateSecret`; it is in the answer that once, never again (admins).
   */
  'admin.setWebhook': {
    input: z.strictObject({
      url: z
        .url({
          protocol: /^https?$/u,
          error: 'Enter the full address, starting with https:// or http://.',
        })
        .max(2000, 'The address can be at most 2000 characters.')
        .nullable(),
      rotateSecret: z.boolean().optional(),
    }),
    output: WebhookViewSchema.extend({ secret: z.string().nullable() }),
  },
  /** The account's API keys, newest first, revoked ones included; never a secret (admins). */
  'admin.apiKeys': { input: z.undefined(), output: z.array(ApiKeySchema) },
  /** A new key; its secret is in this answer once, never again (admins). */
  'admin.createApiKey': {
    input: z.strictObject({ name: z.string().max(200), scope: z.enum(API_KEY_SCOPES) }),
    output: z.object({ apiKey: ApiKeySchema, secret: z.string().nullable() }),
  },
  /** Revokes a key: its next use is refused (admins). */
  'admin.revokeApiKey': { input: z.strictObject({ apiKeyId: id }), output: ApiKeySchema },
  /** A person's sessions that still stand, most recently used first (admins). */
  'admin.sessions': { input: z.strictObject({ userId: id }), output: z.array(SessionSchema) },
  /**
   * Ends one session, or all of a person's; `signedOut` when this desktop's
   * own session was one of them (admins).
   */
  'admin.endSessions': {
    input: z.union([z.strictObject({ sessionId: id }), z.strictObject({ userId: id })]),
    output: z.object({ ended: z.array(z.string()), signedOut: z.boolean() }),
  },
} as const;
