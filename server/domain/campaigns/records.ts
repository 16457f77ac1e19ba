import type { Selectable, Transaction } from 'kysely';
import type { OutboundSend } from '../../../shared/consent';
import type {
  CampaignCounts,
  CampaignRecipientSnapshot,
  CampaignSnapshot,
} from '../../../shared/protocol/campaigns';
import type { PendingChange } from '../../../shared/protocol/entities';
import { forUpdate } from '../../db/locks';
import type {
  CampaignRecipientsTable,
  CampaignsTable,
  Database,
  MessageStatus,
} from '../../db/schema';
import type { Db } from '../records';

export type Campaign = Selectable<CampaignsTable>;
export type CampaignRecipient = Selectable<CampaignRecipientsTable>;

/**
 * Progress is logged at most this often per campaign (plus when it starts
 * and ends): a campaign to 10,000 people would otherwise log a snapshot for
 * every text and receipt, and every desktop would download them all.
 */
export const PROGRESS_INTERVAL_MS = 1000;

const ZERO: CampaignCounts = {
  recipients: 0,
  skipped: 0,
  waiting: 0,
  sent: 0,
  delivered: 0,
  failed: 0,
};

export async function countsOf(db: Db, campaignId: string): Promise<CampaignCounts> {
  const rows = await db
    .selectFrom('campaign_recipients')
    .select(['status', (eb) => eb.fn.countAll<number | string>().as('count')])
    .where('campaign_id', '=', campaignId)
    .groupBy('status')
    .execute();
  const counts = { ...ZERO };
  for (const row of rows) {
    // PostgreSQL answers count(*) as a string (bigint).
    const count = Number(row.count);
    counts[row.status] = count;
    counts.recipients += count;
  }
  return counts;
}

export const campaignSnapshot = (row: Campaign, counts: CampaignCounts): CampaignSnapshot => ({
  id: row.id,
  name: row.name,
  listId: row.list_id,
  purpose: row.purpose,
  body: row.body,
  status: row.status,
  createdAt: row.created_at,
  createdBy: row.created_by,
  sendAt: row.send_at,
  counts,
});

export const recipientSnapshot = (row: CampaignRecipient): CampaignRecipientSnapshot => ({
  campaignId: row.campaign_id,
  contactId: row.contact_id,
  status: row.status,
  reason: row.reason,
  messageId: row.message_id,
});

async function anyWaiting(db: Db, campaignId: string): Promise<boolean> {
  const row = await db
    .selectFrom('campaign_recipients')
    .select('contact_id')
    .where('campaign_id', '=', campaignId)
    .where('status', '=', 'waiting')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * After a campaign's recipients moved: the campaign is done once every
 * member has been taken in and none waits, and its snapshot is logged when
 * it changes state, when `force`, or when the last one is a second old.
 * Otherwise it is marked to be logged within the second (the sender does).
 */
export async function campaignProgress(
  trx: Transaction<Database>,
  campaignId: string,
  at: string,
  force = false,
): Promise<PendingChange[]> {
  const campaign = await forUpdate(
    trx,
    trx.selectFrom('campaigns').selectAll().where('id', '=', campaignId),
  ).executeTakeFirst();
  if (campaign === undefined) return [];
  const status =
    campaign.status === 'sending' &&
    campaign.expanded_at !== null &&
    !(await anyWaiting(trx, campaignId))
      ? 'done'
      : campaign.status;
  // A stamp ahead of this clock (another server's, running fast) waits for it: no flood.
  const due =
    force ||
    status !== campaign.status ||
    campaign.progress_at === null ||
    Date.parse(at) - Date.parse(campaign.progress_at) >= PROGRESS_INTERVAL_MS;
  if (!due) {
    if (campaign.progress_dirty === 0) {
      await trx
        .updateTable('campaigns')
        .set({ progress_dirty: 1 })
        .where('id', '=', campaignId)
        .execute();
    }
    return [];
  }
  await trx
    .updateTable('campaigns')
    .set({ status, progress_at: at, progress_dirty: 0 })
    .where('id', '=', campaignId)
    .execute();
  return [
    {
      type: 'campaign.updated',
      data: campaignSnapshot({ ...campaign, status }, await countsOf(trx, campaignId)),
    },
  ];
}

/** What the send gate checks for a text of this campaign (R6, R7): the list and the suppression lists. */
export async function campaignSend(
  db: Db,
  campaign: Pick<Campaign, 'account_id' | 'list_id' | 'purpose'>,
): Promise<OutboundSend & { readonly kind: 'campaign' }> {
  const lists = await db
    .selectFrom('lists')
    .select(['id', 'name', 'kind'])
    .where('account_id', '=', campaign.account_id)
    .execute();
  const listName = lists.find((list) => list.id === campaign.list_id)?.name;
  return {
    kind: 'campaign',
    listId: campaign.list_id,
    ...(listName !== undefined && { listName }),
    purpose: campaign.purpose,
    suppressionLists: lists
      .filter((list) => list.kind === 'marketing-opt-out')
      .map((list) => ({ id: list.id, name: list.name })),
  };
}

/** The gate's question for a campaign's text as it leaves; null for any other text. */
export async function campaignSendOfMessage(
  db: Db,
  messageId: string,
): Promise<(OutboundSend & { readonly kind: 'campaign' }) | null> {
  const row = await db
    .selectFrom('campaign_recipients')
    .innerJoin('campaigns', 'campaigns.id', 'campaign_recipients.campaign_id')
    .select(['campaigns.account_id', 'campaigns.list_id', 'campaigns.purpose'])
    .where('campaign_recipients.message_id', '=', messageId)
    .executeTakeFirst();
  return row === undefined ? null : campaignSend(db, row);
}

/** A recipient's status once their text has this status; null while it has yet to leave. */
function recipientStatusOf(status: MessageStatus): CampaignRecipient['status'] | null {
  switch (status) {
    case 'sent':
      return 'sent';
    case 'delivered':
      return 'delivered';
    case 'undelivered':
    case 'failed':
      return 'failed';
    case 'refused':
      return 'skipped';
    default:
      return null;
  }
}

/**
 * A campaign's text changed status (sent, delivered, failed, or refused by
 * the gate as it left): its recipient follows, in the same transaction, with
 * the reason — the gate's or the carrier's — and the campaign's progress.
 * Nothing for any other text.
 */
export async function recipientFollowsMessage(
  trx: Transaction<Database>,
  message: {
    readonly id: string;
    readonly status: MessageStatus;
    readonly error_message: string | null;
  },
  at: string,
): Promise<PendingChange[]> {
  const status = recipientStatusOf(message.status);
  if (status === null) return [];
  const recipient = await trx
    .selectFrom('campaign_recipients')
    .selectAll()
    .where('message_id', '=', message.id)
    .executeTakeFirst();
  if (recipient === undefined || recipient.status === status) return [];
  const reason =
    status === 'failed'
      ? (message.error_message ?? 'The carrier could not deliver it.')
      : status === 'skipped'
        ? (message.error_message ?? 'The send gate refused it.')
        : null;
  const updated = await trx
    .updateTable('campaign_recipients')
    .set({ status, reason, updated_at: at })
    .where('campaign_id', '=', recipient.campaign_id)
    .where('contact_id', '=', recipient.contact_id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return [
    { type: 'campaign.recipient', data: recipientSnapshot(updated) },
    ...(await campaignProgress(trx, recipient.campaign_id, at)),
  ];
}
