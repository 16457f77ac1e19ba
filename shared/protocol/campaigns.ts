import { z } from 'zod';
import { CAMPAIGN_PURPOSES } from '../campaigns';

/** What the server tells desktops about campaigns (R7): full snapshots, like every change. */

export const CAMPAIGN_STATUSES = ['scheduled', 'sending', 'done'] as const;
export const CAMPAIGN_RECIPIENT_STATUSES = [
  'skipped',
  'waiting',
  'sent',
  'delivered',
  'failed',
] as const;
export type CampaignRecipientStatus = (typeof CAMPAIGN_RECIPIENT_STATUSES)[number];

/**
 * How far a campaign has got. `recipients` is every member of the list the
 * campaign took in; each of them is in exactly one of the other counts.
 */
export const CampaignCountsSchema = z.object({
  recipients: z.number().int().min(0),
  skipped: z.number().int().min(0),
  /** Not sent yet: in line, or held for quiet hours. */
  waiting: z.number().int().min(0),
  sent: z.number().int().min(0),
  delivered: z.number().int().min(0),
  failed: z.number().int().min(0),
});
export type CampaignCounts = z.infer<typeof CampaignCountsSchema>;

export const CampaignSnapshotSchema = z.object({
  id: z.string(),
  name: z.string(),
  listId: z.string(),
  purpose: z.enum(CAMPAIGN_PURPOSES),
  /** As the sender wrote it, merge fields and `{{optout_link}}` unfilled. */
  body: z.string(),
  /** `scheduled` until `sendAt`; `sending` while any recipient waits; then `done`. */
  status: z.enum(CAMPAIGN_STATUSES),
  createdAt: z.string(),
  /** The person who sent it (a user id). */
  createdBy: z.string(),
  /** When it starts, for a scheduled campaign; null for one sent at once. */
  sendAt: z.string().nullable(),
  counts: CampaignCountsSchema,
});
export type CampaignSnapshot = z.infer<typeof CampaignSnapshotSchema>;

/** One member of a campaign's list, and what became of their text. */
export const CampaignRecipientSchema = z.object({
  campaignId: z.string(),
  contactId: z.string(),
  status: z.enum(CAMPAIGN_RECIPIENT_STATUSES),
  /** Why skipped, held or failed, in words ("Opted out: replied STOP on 23 Nov 2026"); else null. */
  reason: z.string().nullable(),
  /** Their text, once it exists. */
  messageId: z.string().nullable(),
});
export type CampaignRecipientSnapshot = z.infer<typeof CampaignRecipientSchema>;
