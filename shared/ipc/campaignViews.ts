import { z } from 'zod';
import { CAMPAIGN_SKIPS } from '../campaigns';
import { CAMPAIGN_RECIPIENT_STATUSES } from '../protocol/campaigns';
import { QuietHoursSchema } from '../protocol/entities';

/** What the desktop's cache answers the campaign screens with. */

/** One member of a campaign's list as the recipient table shows them. */
export const CampaignRecipientRowSchema = z.object({
  contactId: z.string(),
  /** '' when the contact has no name (show the formatted number). */
  name: z.string(),
  phone: z.string(),
  status: z.enum(CAMPAIGN_RECIPIENT_STATUSES),
  /** Why skipped, held or failed, in words; null otherwise. */
  reason: z.string().nullable(),
});
export type CampaignRecipientRow = z.infer<typeof CampaignRecipientRowSchema>;

export const CampaignRecipientPageSchema = z.object({
  /** In contact id order. */
  rows: z.array(CampaignRecipientRowSchema),
  /** Pass as `after` for the next page; null on the last page. */
  next: z.string().nullable(),
});
export type CampaignRecipientPage = z.infer<typeof CampaignRecipientPageSchema>;

/** Who a campaign to a list would reach now, as the send gate reads the cache (R6, R7). */
export const CampaignPreviewSchema = z.object({
  willReceive: z.number().int().min(0),
  /** Only groups with someone in them, in this order: opted out, blocked, suppressed. */
  skipped: z.array(
    z.object({
      reason: z.enum(CAMPAIGN_SKIPS),
      /** "Opted out", "Blocked", "On the “Marketing Opt-Out” list: no marketing". */
      label: z.string(),
      count: z.number().int().min(1),
    }),
  ),
  /** Quiet hours over those who would receive it, were it sent now. */
  quiet: z.object({
    /** The account's sending window, in each customer's own zone. */
    hours: QuietHoursSchema,
    /**
     * Of `willReceive`, how many are outside the window where they are now
     * and would wait for it (those who texted in the last 24 hours never wait).
     */
    outsideNow: z.number().int().min(0),
  }),
});
export type CampaignPreview = z.infer<typeof CampaignPreviewSchema>;
