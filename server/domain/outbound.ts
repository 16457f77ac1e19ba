import type { Transaction } from 'kysely';
import { randomUUID } from 'node:crypto';
import { applyConsentEvent, sendGate } from '../../shared/consent';
import type { Change, PendingChange } from '../../shared/protocol/entities';
import type { MediaSnapshot } from '../../shared/protocol/media';
import type { OutboundMedia, SendResult, StatusUpdate } from '../carriers/types';
import { forUpdate } from '../db/locks';
import type { Database, Message } from '../db/schema';
import { campaignSendOfMessage, recipientFollowsMessage } from './campaigns/records';
import { appendChanges } from './changes';
import { persistConsent } from './consent';
import type { ServerContext } from './context';
import { expandOptOutLinks, OPT_OUT_PLACEHOLDER } from './optOutLinks';
import { consentOf, listIdsOf, messageSnapshot } from './records';

/** How long the carrier has to fetch an MMS's files from their signed addresses. */
const CARRIER_MEDIA_TTL_SECONDS = 2 * 60 * 60;

/** A message's files at addresses the carrier can fetch them from. */
function outboundMedia(context: ServerContext, json: string | null): OutboundMedia[] {
  if (json === null || context.media === undefined) return [];
  const { media } = context;
  return (JSON.parse(json) as MediaSnapshot[]).map((item) => ({
    url: media.signedUrl(item.id, 'original', CARRIER_MEDIA_TTL_SECONDS),
    type: item.type,
    size: item.size,
    filename: item.filename,
  }));
}

/** Later statuses never go back to earlier ones (receipts can arrive out of order). */
const RANK: Record<Message['status'], number> = {
  none: 0,
  received: 0,
  quarantined: 0,
  scheduled: 0.5,
  queued: 1,
  sending: 1.5,
  sent: 2,
  delivered: 3,
  undelivered: 3,
  failed: 3,
  refused: 3,
};

/**
 * The message with what sending needs, its row locked first (on PostgreSQL):
 * the sender and the carrier's receipts both decide from its status, and must
 * take turns, or a late 'sent' could overwrite 'delivered'.
 */
async function loadForSend(trx: Transaction<Database>, messageId: string) {
  await forUpdate(
    trx,
    trx.selectFrom('messages').select('id').where('id', '=', messageId),
  ).execute();
  return trx
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
    .innerJoin('business_numbers', 'business_numbers.id', 'conversations.business_number_id')
    .selectAll('messages')
    .select(['contacts.id as contactId', 'contacts.phone as to', 'business_numbers.phone as from'])
    .where('messages.id', '=', messageId)
    .executeTakeFirst();
}

/**
 * Sends queued outbound texts through the carrier. The send gate runs again
 * here, at the moment each text leaves (R6): a text whose contact opted out
 * or was blocked since it was queued is refused, with the reason, not sent.
 */
export async function sendQueued(
  context: ServerContext,
  messageIds: readonly string[],
): Promise<void> {
  for (const messageId of messageIds) await sendOne(context, messageId);
}

/** A text `sending` this long has lost its server: carrier calls time out well before. */
export const STALE_SENDING_MS = 2 * 60 * 1000;

/**
 * Run at start and then every minute: texts still queued are sent (the gate
 * runs again as each leaves). A text that has been `sending` for over
 * {@link STALE_SENDING_MS} belonged to a server that stopped while handing
 * it to the carrier, so it may or may not have reached the customer; it is
 * never resent by itself, but marked failed with that explanation so a
 * person can decide. Younger ones may be in another server's hands.
 */
export async function recoverOutbound(context: ServerContext): Promise<void> {
  const before = new Date(context.now().getTime() - STALE_SENDING_MS).toISOString();
  const interrupted = await context.db
    .selectFrom('messages')
    .select('id')
    .where('status', '=', 'sending')
    .where('updated_at', '<', before)
    .execute();
  for (const { id } of interrupted) {
    await committed(context, async (trx) => {
      const message = await loadForSend(trx, id);
      if (message === undefined) return { value: null };
      const published = await finish(
        context,
        trx,
        message,
        {
          status: 'failed',
          error_code: 'interrupted',
          error_message:
            'The server stopped while handing this text to the carrier, so it may or may not have been delivered. Check before sending it again.',
        },
        false,
        'sending',
      );
      return { value: null, published };
    });
  }
  const queued = await context.db
    .selectFrom('messages')
    .select('id')
    .where('direction', '=', 'outbound')
    .where('status', '=', 'queued')
    .orderBy('created_at')
    .execute();
  await sendQueued(
    context,
    queued.map((row) => row.id),
  );
}

interface Published {
  readonly accountId: string;
  readonly changes: Change[];
}

/** Runs `work` in a transaction and publishes its changes once it has committed. */
async function committed<T>(
  context: ServerContext,
  work: (trx: Transaction<Database>) => Promise<{ value: T; published?: Published | null }>,
): Promise<T> {
  const { value, published } = await context.db.transaction().execute(work);
  if (published !== undefined && published !== null && published.changes.length > 0) {
    context.publish(published.accountId, published.changes);
  }
  return value;
}

async function sendOne(context: ServerContext, messageId: string): Promise<void> {
  const ready = await committed(context, async (trx) => {
    const message = await loadForSend(trx, messageId);
    if (message?.status !== 'queued') return { value: null };
    const contact = await forUpdate(
      trx,
      trx.selectFrom('contacts').selectAll().where('id', '=', message.contactId),
    ).executeTakeFirstOrThrow();
    // A campaign's text is checked as one: still on the list, not suppressed (R7).
    const gate = sendGate(
      consentOf(contact, await listIdsOf(trx, contact.id)),
      (await campaignSendOfMessage(trx, message.id)) ?? {
        kind: message.trigger_id === null ? 'reply' : 'trigger-reply',
      },
    );
    if (!gate.allowed) {
      const published = await finish(context, trx, message, {
        status: 'refused',
        error_code: gate.code,
        error_message: gate.reason,
      });
      return { value: null, published };
    }
    if (message.body.includes(OPT_OUT_PLACEHOLDER) && context.publicUrl === undefined) {
      const published = await finish(context, trx, message, {
        status: 'failed',
        error_code: 'no-public-url',
        error_message:
          'This text has an opt-out link, but the server has no PUBLIC_URL to build links from.',
      });
      return { value: null, published };
    }
    // Each recipient gets a link of their own, made as their text leaves (R8).
    const body = await expandOptOutLinks(trx, {
      accountId: message.account_id,
      contactId: contact.id,
      body: message.body,
      publicUrl: context.publicUrl ?? '',
      at: context.now().toISOString(),
    });
    // The decision is logged: from here the text is the carrier's, so a STOP
    // that commits after this point could not have stopped it.
    const published = await finish(
      context,
      trx,
      message,
      { status: 'sending', body },
      false,
      'queued',
    );
    return published === null ? { value: null } : { value: { ...message, body }, published };
  });
  if (ready === null) return;

  let result: SendResult;
  try {
    const media = outboundMedia(context, ready.media);
    result = await context.carrier.send({
      messageId,
      from: ready.from,
      to: ready.to,
      body: ready.body,
      ...(media.length > 0 && { media }),
    });
  } catch (error) {
    // The carrier could not be asked (network down, bad answer): the text may or may not be out.
    console.error('The carrier did not take a text', error);
    result = {
      ok: false,
      code: 'carrier-error',
      message:
        'The carrier could not be reached or gave no clear answer, so this text may not have been sent. Check before sending it again.',
      optedOut: false,
    };
  }
  await committed(context, async (trx) => {
    const message = await loadForSend(trx, messageId);
    if (message === undefined) return { value: null };
    if (result.ok && RANK[message.status] > RANK.sent) {
      // The receipt came first (delivered, or undelivered): keep it, add the carrier's id.
      await trx
        .updateTable('messages')
        .set({ carrier_id: result.carrierId })
        .where('id', '=', message.id)
        .execute();
      return { value: null };
    }
    const published = result.ok
      ? await finish(context, trx, message, { status: 'sent', carrier_id: result.carrierId })
      : await finish(
          context,
          trx,
          message,
          { status: 'failed', error_code: result.code, error_message: result.message },
          result.optedOut,
        );
    return { value: null, published };
  });
}

/** Applies a carrier's delivery receipt. Unknown ids are ignored (another server's, or very old). */
export async function applyDeliveryStatus(
  context: ServerContext,
  update: StatusUpdate,
): Promise<boolean> {
  return committed(context, async (trx) => {
    // Our own id first; the carrier's id alone for carriers that do not echo ours.
    const row = await trx
      .selectFrom('messages')
      .select(['id', 'carrier_id'])
      .where('direction', '=', 'outbound')
      .where(
        update.messageId === undefined ? 'carrier_id' : 'id',
        '=',
        update.messageId ?? update.carrierId,
      )
      .executeTakeFirst();
    if (row === undefined || (row.carrier_id !== null && row.carrier_id !== update.carrierId)) {
      return { value: false };
    }
    const message = await loadForSend(trx, row.id);
    if (
      message === undefined ||
      RANK[update.status] < RANK[message.status] ||
      update.status === message.status
    ) {
      return { value: true };
    }
    const published = await finish(
      context,
      trx,
      message,
      {
        status: update.status,
        carrier_id: message.carrier_id ?? update.carrierId,
        error_code: update.errorCode ?? null,
        error_message: update.errorMessage ?? null,
      },
      update.errorCode === '21610',
    );
    return { value: true, published };
  });
}

/**
 * Records a message's new status and publishes it. When the carrier says the
 * recipient opted out with it, the contact is opted out too (R9).
 */
async function finish(
  context: ServerContext,
  trx: Transaction<Database>,
  message: NonNullable<Awaited<ReturnType<typeof loadForSend>>>,
  fields: Partial<Pick<Message, 'status' | 'body' | 'carrier_id' | 'error_code' | 'error_message'>>,
  carrierOptOut = false,
  /** Only if the message still has this status (another server may have claimed it). */
  expected?: Message['status'],
): Promise<Published | null> {
  const now = context.now().toISOString();
  // The row as stored, without the columns the send query joined in.
  const { contactId: _contactId, to: _to, from: _from, ...stored } = message;
  const updated: Message = { ...stored, ...fields, updated_at: now };
  let update = trx
    .updateTable('messages')
    .set({ ...fields, updated_at: now })
    .where('id', '=', message.id);
  if (expected !== undefined) update = update.where('status', '=', expected);
  const { numUpdatedRows } = await update.executeTakeFirst();
  if (numUpdatedRows === 0n) return null;
  const changes: PendingChange[] = [
    { type: 'message.updated', data: messageSnapshot(updated) },
    // A campaign's recipient follows their text.
    ...(await recipientFollowsMessage(trx, updated, now)),
  ];

  if (carrierOptOut) {
    const contact = await forUpdate(
      trx,
      trx.selectFrom('contacts').selectAll().where('id', '=', message.contactId),
    ).executeTakeFirstOrThrow();
    const lists = await listIdsOf(trx, contact.id);
    const result = applyConsentEvent(
      consentOf(contact, lists),
      { type: 'carrier-refusal', code: fields.error_code ?? '21610', messageId: message.id },
      { now, triggers: [] },
    );
    if (result.ok) {
      const persisted = await persistConsent(
        trx,
        message.account_id,
        contact,
        lists,
        result.value,
        now,
      );
      changes.push(...persisted.changes);
      for (const effect of result.value.effects) {
        if (effect.type !== 'notice') continue;
        const note: Message = {
          ...updated,
          id: randomUUID(),
          direction: 'system',
          body: effect.text,
          author_id: null,
          carrier_id: null,
          status: 'none',
          error_code: null,
          error_message: null,
          trigger_id: null,
          in_reply_to: message.id,
          created_at: now,
        };
        await trx.insertInto('messages').values(note).execute();
        changes.push({ type: 'message.created', data: messageSnapshot(note) });
      }
    }
  }
  return {
    accountId: message.account_id,
    changes: await appendChanges(trx, message.account_id, changes, now),
  };
}
