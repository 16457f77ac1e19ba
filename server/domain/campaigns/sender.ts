import type { Transaction } from 'kysely';
import { randomUUID } from 'node:crypto';
import { campaignText, quietHoursWait } from '../../../shared/campaigns';
import { quietHoursDecision, sendGate } from '../../../shared/consent';
import type { Change, PendingChange } from '../../../shared/protocol/entities';
import { chunksFor } from '../../db/chunks';
import { forUpdate } from '../../db/locks';
import type { Contact, Conversation, Database, Message } from '../../db/schema';
import { quietHoursOf } from '../accountProfile';
import { appendChanges } from '../changes';
import type { ServerContext } from '../context';
import { DueWork } from '../dueWork';
import { sendQueued } from '../outbound';
import {
  consentOf,
  conversationSnapshot,
  listIdsOf,
  listIdsOfEach,
  messageSnapshot,
  newMessageRow,
} from '../records';
import { quietHoursZones } from '../scheduler';
import {
  campaignProgress,
  campaignSend,
  PROGRESS_INTERVAL_MS,
  recipientSnapshot,
  type CampaignRecipient,
} from './records';

/** Members taken in per transaction: each is a row and a change. */
const EXPAND_BATCH = 500;
/** Texts made per transaction, then handed to the carrier before the next batch. */
const SEND_BATCH = 50;

interface Published {
  readonly accountId: string;
  readonly changes: Change[];
}

/**
 * Sends campaigns in the background, from what the database holds, so a
 * campaign carries on after a restart and several servers can share it.
 * Each run, in order:
 *
 * 1. a scheduled campaign whose time has come starts sending;
 * 2. a sending campaign takes in its list's members, in batches by contact
 *    id: each member passes the send gate (R6, R7) or is skipped with the
 *    reason;
 * 3. each waiting recipient whose time has come passes the gate again, waits
 *    for the account's window in their zone (quiet hours, as for scheduled
 *    texts), or gets a text of their own in their conversation, queued and
 *    handed to the carrier like any other — where the gate runs once more
 *    as it leaves;
 * 4. progress not logged for a second is logged.
 */
export class CampaignSender {
  readonly #context: ServerContext;
  readonly #job: DueWork;
  #closed = false;

  constructor(context: ServerContext, onError: (error: unknown) => void) {
    this.#context = context;
    this.#job = new DueWork({
      run: () => this.runDue(),
      nextDue: () => nextDue(context),
      now: context.now,
      onError,
    });
  }

  /** Looks for work soon: at start, when a campaign is created, when its recipients move. */
  kick(): void {
    this.#job.kick();
  }

  idle(): Promise<void> {
    return this.#job.idle();
  }

  /** Stops after the batch under way; the rest is picked up by the next start. */
  close(): Promise<void> {
    this.#closed = true;
    return this.#job.close();
  }

  /** Does everything due now; what waits for later is found again by `nextDue`. */
  async runDue(): Promise<void> {
    const stopped = () => this.#closed;
    await startScheduled(this.#context);
    await expandAll(this.#context, stopped);
    await sendDue(this.#context, stopped);
    await flushProgress(this.#context);
  }
}

/** The earliest moment something waits for: a scheduled start, a recipient's turn, a progress log. */
async function nextDue(context: ServerContext): Promise<string | null> {
  const { db } = context;
  const scheduled = await db
    .selectFrom('campaigns')
    .select('send_at')
    .where('status', '=', 'scheduled')
    .orderBy('send_at')
    .limit(1)
    .executeTakeFirst();
  const recipient = await db
    .selectFrom('campaign_recipients')
    .innerJoin('campaigns', 'campaigns.id', 'campaign_recipients.campaign_id')
    .select('campaign_recipients.send_at')
    .where('campaign_recipients.status', '=', 'waiting')
    .where('campaign_recipients.message_id', 'is', null)
    .where('campaigns.status', '=', 'sending')
    .orderBy('campaign_recipients.send_at')
    .limit(1)
    .executeTakeFirst();
  const progress = await db
    .selectFrom('campaigns')
    .select('progress_at')
    .where('progress_dirty', '=', 1)
    .orderBy('progress_at')
    .limit(1)
    .executeTakeFirst();
  const times = [
    scheduled?.send_at,
    recipient?.send_at,
    progress?.progress_at == null
      ? null
      : new Date(Date.parse(progress.progress_at) + PROGRESS_INTERVAL_MS).toISOString(),
  ].filter((time): time is string => typeof time === 'string');
  return times.length === 0 ? null : times.reduce((a, b) => (a < b ? a : b));
}

/** Runs `work` in a transaction, logs its changes, and publishes them once committed. */
async function logged<T>(
  context: ServerContext,
  work: (
    trx: Transaction<Database>,
    at: string,
  ) => Promise<{ value: T; accountId: string | null; changes: PendingChange[] }>,
): Promise<T> {
  const at = context.now().toISOString();
  const outcome = await context.db.transaction().execute(async (trx) => {
    const { value, accountId, changes } = await work(trx, at);
    const published: Published | null =
      accountId === null
        ? null
        : { accountId, changes: await appendChanges(trx, accountId, changes, at) };
    return { value, published };
  });
  if (outcome.published !== null && outcome.published.changes.length > 0) {
    context.publish(outcome.published.accountId, outcome.published.changes);
  }
  return outcome.value;
}

async function startScheduled(context: ServerContext): Promise<void> {
  const due = await context.db
    .selectFrom('campaigns')
    .select('id')
    .where('status', '=', 'scheduled')
    .where('send_at', '<=', context.now().toISOString())
    .orderBy('send_at')
    .execute();
  for (const { id } of due) {
    await logged(context, async (trx, at) => {
      // Only if still scheduled: another server may have started it.
      const started = await trx
        .updateTable('campaigns')
        .set({ status: 'sending' })
        .where('id', '=', id)
        .where('status', '=', 'scheduled')
        .returning('account_id')
        .executeTakeFirst();
      if (started === undefined) return { value: null, accountId: null, changes: [] };
      return {
        value: null,
        accountId: started.account_id,
        changes: await campaignProgress(trx, id, at, true),
      };
    });
  }
}

async function expandAll(context: ServerContext, stopped: () => boolean): Promise<void> {
  const pending = await context.db
    .selectFrom('campaigns')
    .select('id')
    .where('status', '=', 'sending')
    .where('expanded_at', 'is', null)
    .orderBy('created_at')
    .execute();
  for (const { id } of pending) {
    // Batch after batch, each committed, so a restart carries on from the last.
    while (!stopped() && !(await expandBatch(context, id))) {
      /* next batch */
    }
  }
}

/**
 * Takes in the next members of the campaign's list, by contact id after the
 * last one taken: true once there are no more. The campaign's row is held
 * meanwhile, so two servers never take in the same members.
 */
async function expandBatch(context: ServerContext, campaignId: string): Promise<boolean> {
  return logged(context, async (trx, at) => {
    const campaign = await forUpdate(
      trx,
      trx.selectFrom('campaigns').selectAll().where('id', '=', campaignId),
    ).executeTakeFirst();
    if (campaign?.status !== 'sending' || campaign.expanded_at !== null) {
      return { value: true, accountId: null, changes: [] };
    }
    const last = await trx
      .selectFrom('campaign_recipients')
      .select((eb) => eb.fn.max('contact_id').as('last'))
      .where('campaign_id', '=', campaignId)
      .executeTakeFirst();
    let members = trx
      .selectFrom('list_members')
      .innerJoin('contacts', 'contacts.id', 'list_members.contact_id')
      .selectAll('contacts')
      .where('list_members.list_id', '=', campaign.list_id)
      .where('contacts.account_id', '=', campaign.account_id);
    if (last?.last != null) members = members.where('list_members.contact_id', '>', last.last);
    const contacts = await members.orderBy('list_members.contact_id').limit(EXPAND_BATCH).execute();
    const lists = await listIdsOfEach(
      trx,
      contacts.map((contact) => contact.id),
    );
    const send = await campaignSend(trx, campaign);
    const rows: CampaignRecipient[] = contacts.map((contact) => {
      const gate = sendGate(consentOf(contact, lists.get(contact.id) ?? []), send);
      return {
        campaign_id: campaignId,
        contact_id: contact.id,
        status: gate.allowed ? 'waiting' : 'skipped',
        reason: gate.allowed ? null : gate.reason,
        message_id: null,
        send_at: at,
        updated_at: at,
      };
    });
    for (const chunk of chunksFor(rows, 7)) {
      await trx.insertInto('campaign_recipients').values(chunk).execute();
    }
    const finished = contacts.length < EXPAND_BATCH;
    if (finished) {
      await trx
        .updateTable('campaigns')
        .set({ expanded_at: at })
        .where('id', '=', campaignId)
        .execute();
    }
    return {
      value: finished,
      accountId: campaign.account_id,
      changes: [
        ...rows.map((row) => ({
          type: 'campaign.recipient' as const,
          data: recipientSnapshot(row),
        })),
        // Everyone taken in is worth a snapshot of its own; so is the end, if all were skipped.
        ...(await campaignProgress(trx, campaignId, at, finished)),
      ],
    };
  });
}

async function sendDue(context: ServerContext, stopped: () => boolean): Promise<void> {
  while (!stopped()) {
    const due = await context.db
      .selectFrom('campaign_recipients')
      .innerJoin('campaigns', 'campaigns.id', 'campaign_recipients.campaign_id')
      .select([
        'campaign_recipients.campaign_id',
        'campaign_recipients.contact_id',
        'campaign_recipients.send_at',
      ])
      .where('campaign_recipients.status', '=', 'waiting')
      .where('campaign_recipients.message_id', 'is', null)
      .where('campaign_recipients.send_at', '<=', context.now().toISOString())
      .where('campaigns.status', '=', 'sending')
      .orderBy('campaign_recipients.send_at')
      .orderBy('campaign_recipients.campaign_id')
      .orderBy('campaign_recipients.contact_id')
      .limit(SEND_BATCH)
      .execute();
    if (due.length === 0) return;
    const byCampaign = new Map<string, typeof due>();
    for (const row of due) {
      byCampaign.set(row.campaign_id, [...(byCampaign.get(row.campaign_id) ?? []), row]);
    }
    for (const [campaignId, rows] of byCampaign) {
      const queued = await sendBatch(context, campaignId, rows);
      // Handed to the carrier before the next batch is made: the gate runs again as each leaves.
      await sendQueued(context, queued);
    }
  }
}

/**
 * Makes the texts of one batch of a campaign's recipients, in one
 * transaction, and answers the ids of those queued. A recipient who may no
 * longer be texted is skipped with the gate's reason; one in their quiet
 * hours waits for the account's window to open where they are, unless they
 * texted in the last 24 hours.
 */
async function sendBatch(
  context: ServerContext,
  campaignId: string,
  due: readonly { readonly contact_id: string; readonly send_at: string }[],
): Promise<string[]> {
  const now = context.now();
  return logged(context, async (trx, at) => {
    const campaign = await trx
      .selectFrom('campaigns')
      .selectAll()
      .where('id', '=', campaignId)
      .executeTakeFirst();
    if (campaign?.status !== 'sending') return { value: [], accountId: null, changes: [] };
    const account = await trx
      .selectFrom('accounts')
      .select(['name', 'time_zone', 'default_country', 'quiet_hours'])
      .where('id', '=', campaign.account_id)
      .executeTakeFirstOrThrow();
    const hours = quietHoursOf(account.quiet_hours);
    const sender = await trx
      .selectFrom('users')
      .select('name')
      .where('id', '=', campaign.created_by)
      .executeTakeFirst();
    const send = await campaignSend(trx, campaign);
    const changes: PendingChange[] = [];
    const queued: string[] = [];
    const move = async (
      recipient: CampaignRecipient,
      fields: Partial<Pick<CampaignRecipient, 'status' | 'reason' | 'message_id' | 'send_at'>>,
    ) => {
      const updated = await trx
        .updateTable('campaign_recipients')
        .set({ ...fields, updated_at: at })
        .where('campaign_id', '=', campaignId)
        .where('contact_id', '=', recipient.contact_id)
        .returningAll()
        .executeTakeFirstOrThrow();
      // Desktops hear of a status or a reason; the text's id comes with "sent".
      if (updated.status !== recipient.status || updated.reason !== recipient.reason) {
        changes.push({ type: 'campaign.recipient', data: recipientSnapshot(updated) });
      }
    };
    for (const row of due) {
      const recipient = await forUpdate(
        trx,
        trx
          .selectFrom('campaign_recipients')
          .selectAll()
          .where('campaign_id', '=', campaignId)
          .where('contact_id', '=', row.contact_id),
      ).executeTakeFirst();
      // Still as read: another server may have taken it meanwhile.
      if (
        recipient?.status !== 'waiting' ||
        recipient.message_id !== null ||
        recipient.send_at !== row.send_at
      ) {
        continue;
      }
      const contact = await forUpdate(
        trx,
        trx.selectFrom('contacts').selectAll().where('id', '=', recipient.contact_id),
      ).executeTakeFirstOrThrow();
      const gate = sendGate(consentOf(contact, await listIdsOf(trx, contact.id)), send);
      if (!gate.allowed) {
        await move(recipient, { status: 'skipped', reason: gate.reason });
        continue;
      }
      const quiet = quietHoursDecision({
        zone: quietHoursZones({
          contactZone: contact.time_zone,
          phone: contact.phone,
          accountZone: account.time_zone,
          country: account.default_country,
          at: now,
        }),
        at: now,
        lastInboundAt: await lastInboundAt(trx, contact.id),
        hours,
      });
      if (!quiet.allowed) {
        await move(recipient, {
          reason: quietHoursWait(hours),
          send_at: quiet.until.toISOString(),
        });
        continue;
      }
      const conversation = await conversationFor(trx, contact, at, changes);
      if (conversation === null) {
        await move(recipient, {
          status: 'failed',
          reason: 'This account has no business number to send from.',
        });
        continue;
      }
      const message: Message = newMessageRow(
        { id: randomUUID(), accountId: campaign.account_id, at },
        conversation.id,
        {
          direction: 'outbound',
          body: campaignText(campaign.body, {
            contactName: contact.name,
            businessName: account.name,
            senderName: sender?.name ?? '',
          }),
          status: 'queued',
          author_id: campaign.created_by,
        },
      );
      await trx.insertInto('messages').values(message).execute();
      changes.push({ type: 'message.created', data: messageSnapshot(message) });
      await move(recipient, { message_id: message.id, reason: null });
      queued.push(message.id);
    }
    changes.push(...(await campaignProgress(trx, campaignId, at)));
    return { value: queued, accountId: campaign.account_id, changes };
  });
}

/** When the contact last texted the business, on any of its numbers; null if never. */
async function lastInboundAt(trx: Transaction<Database>, contactId: string): Promise<Date | null> {
  const last = await trx
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select('messages.created_at')
    .where('conversations.contact_id', '=', contactId)
    .where('messages.direction', '=', 'inbound')
    .orderBy('messages.created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return last === undefined ? null : new Date(last.created_at);
}

/**
 * The contact's latest conversation, or a new one on the account's first
 * business number. A new one starts closed, and an existing one keeps its
 * place: a campaign to thousands must not bury the inbox's open
 * conversations. The customer's reply opens it like any text.
 */
async function conversationFor(
  trx: Transaction<Database>,
  contact: Contact,
  at: string,
  changes: PendingChange[],
): Promise<Conversation | null> {
  const existing = await trx
    .selectFrom('conversations')
    .selectAll()
    .where('account_id', '=', contact.account_id)
    .where('contact_id', '=', contact.id)
    .orderBy('last_activity_at', 'desc')
    .executeTakeFirst();
  if (existing !== undefined) return existing;
  const number = await trx
    .selectFrom('business_numbers')
    .select('id')
    .where('account_id', '=', contact.account_id)
    .orderBy('created_at')
    .orderBy('id')
    .executeTakeFirst();
  if (number === undefined) return null;
  const conversation: Conversation = {
    id: randomUUID(),
    account_id: contact.account_id,
    contact_id: contact.id,
    business_number_id: number.id,
    status: 'closed',
    assignee_id: null,
    last_activity_at: at,
    created_at: at,
  };
  await trx.insertInto('conversations').values(conversation).execute();
  changes.push({ type: 'conversation.updated', data: conversationSnapshot(conversation) });
  return conversation;
}

/** Logs the progress of campaigns whose last snapshot is a second old and has moved since. */
async function flushProgress(context: ServerContext): Promise<void> {
  const before = new Date(context.now().getTime() - PROGRESS_INTERVAL_MS).toISOString();
  const dirty = await context.db
    .selectFrom('campaigns')
    .select(['id', 'account_id'])
    .where('progress_dirty', '=', 1)
    .where('progress_at', '<=', before)
    .execute();
  for (const campaign of dirty) {
    await logged(context, async (trx, at) => ({
      value: null,
      accountId: campaign.account_id,
      changes: await campaignProgress(trx, campaign.id, at, true),
    }));
  }
}
