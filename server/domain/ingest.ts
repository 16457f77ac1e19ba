import type { Kysely, Transaction } from 'kysely';
import { randomUUID } from 'node:crypto';
import { applyInbound, INITIAL_CONSENT, type InboundIntent } from '../../shared/consent';
import { carrierNumber, isCountryCode, normalizePhone, type CountryCode } from '../../shared/phone';
import type { Change, PendingChange } from '../../shared/protocol/entities';
import { fail, ok, type Result } from '../../shared/result';
import type { Contact, Database, Message } from '../db/schema';
import { appendChanges } from './changes';
import { persistConsent } from './consent';
import {
  conversationSnapshot,
  listIdsOf,
  consentOf,
  messageSnapshot,
  triggerRulesOf,
} from './records';

/** The longest text a carrier delivers as one message (10 segments of 160). */
export const MAX_BODY_LENGTH = 1600;

export interface InboundText {
  /** The customer's number, in any form the carrier gives. */
  readonly from: string;
  /** The business number texted; may be left out when the server has only one. */
  readonly to?: string | undefined;
  readonly body: string;
  /** The carrier's id for the text: a retried webhook carries the same one. */
  readonly carrierId: string;
}

export interface Ingested {
  readonly accountId: string;
  /** True when this carrier id was stored before: nothing was done again. */
  readonly duplicate: boolean;
  readonly messageId: string;
  readonly conversationId: string;
  readonly contactId: string;
  readonly intent: InboundIntent | null;
  /** Outbound texts queued by this text (trigger replies), to send after commit. */
  readonly queued: readonly string[];
  readonly changes: readonly Change[];
}

export interface IngestError {
  readonly code: 'invalid-number' | 'unknown-business-number' | 'too-long' | 'invalid-input';
  readonly message: string;
}

/**
 * The one way an inbound text enters Textdesk, whatever the carrier: dedupe
 * by carrier id, normalise the number, run the consent engine, store the
 * text and what follows from it (history, notes, queued trigger replies)
 * and append the changes — all in one transaction. The caller acknowledges
 * the carrier only once this resolves, and sends `queued` afterwards.
 */
export async function ingestInbound(
  db: Kysely<Database>,
  text: InboundText,
  options: { readonly defaultCountry: CountryCode; readonly now: Date },
): Promise<Result<Ingested, IngestError>> {
  if (text.body.length > MAX_BODY_LENGTH) {
    return fail({
      code: 'too-long',
      message: `A text can be at most ${MAX_BODY_LENGTH} characters.`,
    });
  }
  if (text.carrierId.trim() === '') {
    return fail({ code: 'invalid-input', message: 'The carrier message id is missing.' });
  }
  const business = await findBusinessNumber(db, text.to, options.defaultCountry);
  if (!business.ok) return business;
  const { accountId, businessNumberId, country } = business.value;

  const from = carrierNumber(text.from, country);
  if (!from.ok) return fail({ code: 'invalid-number', message: `Sender: ${from.error.message}` });
  if (from.value.kind === 'short-code') {
    return fail({
      code: 'invalid-number',
      message: `Texts from the short code ${from.value.code} are not accepted: short codes are automated senders, not customers.`,
    });
  }
  const phone = from.value.e164;

  try {
    return ok(
      await db
        .transaction()
        .execute((trx) =>
          ingestInTransaction(trx, { ...text, accountId, businessNumberId, phone }, options.now),
        ),
    );
  } catch (error) {
    // Two deliveries of one text racing on PostgreSQL: the loser finds the winner's row.
    const existing = await findByCarrierId(db, accountId, text.carrierId);
    if (existing !== undefined) return ok(duplicateOf(accountId, existing));
    throw error;
  }
}

interface Resolved extends InboundText {
  readonly accountId: string;
  readonly businessNumberId: string;
  readonly phone: string;
}

async function ingestInTransaction(
  trx: Transaction<Database>,
  text: Resolved,
  now: Date,
): Promise<Ingested> {
  const at = now.toISOString();
  const existing = await findByCarrierId(trx, text.accountId, text.carrierId);
  if (existing !== undefined) return duplicateOf(text.accountId, existing);

  const contact = await findOrCreateContact(trx, text.accountId, text.phone, at);
  const lists = await listIdsOf(trx, contact.id);
  const triggers = await triggerRulesOf(trx, text.accountId);
  const messageId = randomUUID();
  const outcome = applyInbound(
    consentOf(contact, lists),
    { type: 'inbound', body: text.body, messageId },
    { now: at, triggers },
  );
  const quarantined = outcome.effects.some((effect) => effect.type === 'quarantine');

  const conversation = await findOrCreateConversation(
    trx,
    text.accountId,
    contact.id,
    text.businessNumberId,
    at,
  );
  const changes: PendingChange[] = [];
  const messages: Message[] = [];
  const message = (
    fields: Pick<Message, 'direction' | 'body' | 'status'> & Partial<Message>,
  ): Message => {
    const row: Message = {
      id: randomUUID(),
      account_id: text.accountId,
      conversation_id: conversation.id,
      author_id: null,
      carrier_id: null,
      error_code: null,
      error_message: null,
      possible_opt_out: 0,
      trigger_id: null,
      in_reply_to: null,
      created_at: at,
      updated_at: at,
      ...fields,
    };
    messages.push(row);
    return row;
  };

  message({
    id: messageId,
    direction: 'inbound',
    body: text.body,
    status: quarantined ? 'quarantined' : 'received',
    carrier_id: text.carrierId,
    possible_opt_out: outcome.intent.kind === 'message' && outcome.intent.possibleOptOut ? 1 : 0,
  });
  const persisted = await persistConsent(trx, text.accountId, contact, lists, outcome, at);
  changes.push(...persisted.changes);

  const queued: string[] = [];
  for (const effect of outcome.effects) {
    if (effect.type === 'notice') {
      message({ direction: 'system', body: effect.text, status: 'none' });
    } else if (effect.type === 'reply') {
      const reply = message({
        direction: 'outbound',
        body: effect.body,
        status: 'queued',
        trigger_id: effect.triggerId,
        in_reply_to: effect.inReplyTo,
      });
      queued.push(reply.id);
    }
  }
  await trx.insertInto('messages').values(messages).execute();
  changes.push(
    ...messages.map((row) => ({ type: 'message.created' as const, data: messageSnapshot(row) })),
  );

  // A quarantined text never enters the inbox: the conversation stays as it was.
  if (!quarantined) {
    const reopened = { ...conversation, status: 'open' as const, last_activity_at: at };
    await trx
      .updateTable('conversations')
      .set({ status: 'open', last_activity_at: at })
      .where('id', '=', conversation.id)
      .execute();
    changes.push({ type: 'conversation.updated', data: conversationSnapshot(reopened) });
  }
  const logged = await appendChanges(trx, text.accountId, changes, at);
  return {
    accountId: text.accountId,
    duplicate: false,
    messageId,
    conversationId: conversation.id,
    contactId: contact.id,
    intent: outcome.intent,
    queued,
    changes: logged,
  };
}

async function findBusinessNumber(
  db: Kysely<Database>,
  to: string | undefined,
  defaultCountry: CountryCode,
): Promise<
  Result<{ accountId: string; businessNumberId: string; country: CountryCode }, IngestError>
> {
  const query = db
    .selectFrom('business_numbers')
    .innerJoin('accounts', 'accounts.id', 'business_numbers.account_id')
    .select(['business_numbers.id', 'business_numbers.account_id', 'accounts.default_country']);
  let rows;
  if (to === undefined || to.trim() === '') {
    rows = await query.limit(2).execute();
    if (rows.length !== 1) {
      return fail({
        code: 'unknown-business-number',
        message:
          'Say which business number was texted (“to”): this server has more than one, or none.',
      });
    }
  } else {
    const number = normalizePhone(to, defaultCountry);
    if (!number.ok)
      return fail({ code: 'invalid-number', message: `Business number: ${number.error.message}` });
    rows = await query.where('business_numbers.phone', '=', number.value).execute();
    if (rows.length === 0) {
      return fail({
        code: 'unknown-business-number',
        message: `No account here has the number ${number.value}.`,
      });
    }
  }
  const [row] = rows as [(typeof rows)[number]];
  const country = isCountryCode(row.default_country) ? row.default_country : defaultCountry;
  return ok({ accountId: row.account_id, businessNumberId: row.id, country });
}

function findByCarrierId(
  db: Kysely<Database> | Transaction<Database>,
  accountId: string,
  carrierId: string,
) {
  return db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select(['messages.id', 'messages.conversation_id', 'conversations.contact_id'])
    .where('messages.account_id', '=', accountId)
    .where('messages.carrier_id', '=', carrierId)
    .executeTakeFirst();
}

function duplicateOf(
  accountId: string,
  existing: { id: string; conversation_id: string; contact_id: string },
): Ingested {
  return {
    accountId,
    duplicate: true,
    messageId: existing.id,
    conversationId: existing.conversation_id,
    contactId: existing.contact_id,
    intent: null,
    queued: [],
    changes: [],
  };
}

async function findOrCreateContact(
  trx: Transaction<Database>,
  accountId: string,
  phone: string,
  at: string,
): Promise<Contact> {
  await trx
    .insertInto('contacts')
    .values({
      id: randomUUID(),
      account_id: accountId,
      phone,
      name: '',
      opted_in: INITIAL_CONSENT.optedIn ? 1 : 0,
      blocked: 0,
      opt_out: null,
      created_at: at,
      updated_at: at,
    })
    .onConflict((conflict) => conflict.columns(['account_id', 'phone']).doNothing())
    .execute();
  return trx
    .selectFrom('contacts')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('phone', '=', phone)
    .executeTakeFirstOrThrow();
}

async function findOrCreateConversation(
  trx: Transaction<Database>,
  accountId: string,
  contactId: string,
  businessNumberId: string,
  at: string,
) {
  await trx
    .insertInto('conversations')
    .values({
      id: randomUUID(),
      account_id: accountId,
      contact_id: contactId,
      business_number_id: businessNumberId,
      status: 'open',
      assignee_id: null,
      last_activity_at: at,
      created_at: at,
    })
    .onConflict((conflict) =>
      conflict.columns(['account_id', 'contact_id', 'business_number_id']).doNothing(),
    )
    .execute();
  return trx
    .selectFrom('conversations')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('contact_id', '=', contactId)
    .where('business_number_id', '=', businessNumberId)
    .executeTakeFirstOrThrow();
}
