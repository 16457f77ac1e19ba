import type { Transaction } from 'kysely';
import { applyInbound, createContact, thenApply } from '../../shared/consent';
import type { Change, PendingChange } from '../../shared/protocol/entities';
import { chunksFor } from '../db/chunks';
import { timeOrderedId } from '../db/ids';
import { forUpdate } from '../db/locks';
import type { Contact, Conversation, Database, Message } from '../db/schema';
import { appendChanges } from './changes';
import { planConsent, writeConsents, type ConsentWrite } from './consent';
import type { InboundText, Ingested } from './ingest';
import {
  CONTACT_COLUMNS,
  consentOf,
  conversationSnapshot,
  messageSnapshot,
  listIdsOfEach,
  MESSAGE_COLUMNS,
  newContactRow,
  newMessageRow,
  triggerRulesOf,
} from './records';

/** An inbound text that passed every check, with what the checks found out. */
export interface QueuedText extends InboundText {
  readonly accountId: string;
  readonly businessNumberId: string;
  /** The sender, in E.164. */
  readonly phone: string;
  /** When the text arrived (ISO 8601): the time of everything it writes. */
  readonly at: string;
}

/**
 * Stores a batch of inbound texts in the caller's transaction with a handful
 * of statements per account, however many texts there are, and answers for
 * each text exactly what it would have got had the texts been stored one by
 * one in this order: a text sees what the ones before it did to its contact
 * (STOP then "hi" ends opted in), and a carrier id seen earlier in the batch
 * is a retry, answered as a duplicate.
 */
export async function writeInbound(
  trx: Transaction<Database>,
  texts: readonly QueuedText[],
): Promise<Ingested[]> {
  const byAccount = new Map<string, { index: number; text: QueuedText }[]>();
  texts.forEach((text, index) => {
    const group = byAccount.get(text.accountId);
    if (group === undefined) byAccount.set(text.accountId, [{ index, text }]);
    else group.push({ index, text });
  });
  const answers: Ingested[] = [];
  for (const [accountId, group] of byAccount) {
    const written = await writeAccountTexts(
      trx,
      accountId,
      group.map(({ text }) => text),
    );
    group.forEach(({ index }, position) => (answers[index] = found(written[position])));
  }
  return answers;
}

/** A value the batch has by construction; its absence is a bug, never bad input. */
function found<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('The inbound batch lost track of a row it made.');
  return value;
}

/** The ids of a text stored before, as a duplicate answers them. */
export interface StoredText {
  readonly id: string;
  readonly conversation_id: string;
  readonly contact_id: string;
}

export function duplicateOf(accountId: string, existing: StoredText): Ingested {
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

const threadKey = (contactId: string, businessNumberId: string) =>
  `${contactId}\n${businessNumberId}`;

/** Columns of the rows written in many-row statements, to keep under the bound-value limit. */
const CONVERSATION_COLUMNS = 8;
const CHANGE_LOG_COLUMNS = 6;

async function writeAccountTexts(
  trx: Transaction<Database>,
  accountId: string,
  texts: readonly QueuedText[],
): Promise<Ingested[]> {
  // Retried webhooks: stored before, or earlier in this batch.
  const stored = await storedTexts(trx, accountId, [...new Set(texts.map((t) => t.carrierId))]);
  const firstWithId = new Map<string, number>();
  const fresh: QueuedText[] = [];
  texts.forEach((text, index) => {
    if (stored.has(text.carrierId) || firstWithId.has(text.carrierId)) return;
    firstWithId.set(text.carrierId, index);
    fresh.push(text);
  });

  // A new contact or conversation is dated by the first text that needs it.
  const firstAt = <K>(key: (text: QueuedText) => K) => {
    const at = new Map<K, string>();
    for (const text of fresh) if (!at.has(key(text))) at.set(key(text), text.at);
    return at;
  };
  const { contacts, created } = await contactsOf(
    trx,
    accountId,
    firstAt((text) => text.phone),
  );
  const contactOf = (text: QueuedText) => found(contacts.get(text.phone));
  const threads = await conversationsOf(
    trx,
    accountId,
    firstAt((text) => threadKey(contactOf(text).id, text.businessNumberId)),
  );
  const lists = await listIdsOfEach(
    trx,
    [...contacts.values()].map((contact) => contact.id),
  );
  const triggers = await triggerRulesOf(trx, accountId);

  // The consent engine, text by text in arrival order; each contact's and
  // conversation's state carries from one of its texts to the next.
  const messages: Message[] = [];
  const shown: { message_id: string; position: number; media_id: string }[] = [];
  const consent: ConsentWrite[] = [];
  const reopened = new Map<string, Conversation>();
  const answers: Omit<Ingested, 'changes'>[] = [];
  const pending: PendingChange[][] = [];
  texts.forEach((text, index) => {
    const before = stored.get(text.carrierId);
    if (before !== undefined) {
      answers.push(duplicateOf(accountId, before));
      pending.push([]);
      return;
    }
    const first = firstWithId.get(text.carrierId);
    if (first !== index) {
      // The same carrier id earlier in this batch: a retry that arrived quickly.
      const original = found(answers[first ?? index]);
      answers.push(
        duplicateOf(accountId, {
          id: original.messageId,
          conversation_id: original.conversationId,
          contact_id: original.contactId,
        }),
      );
      pending.push([]);
      return;
    }
    const contact = contactOf(text);
    const key = threadKey(contact.id, text.businessNumberId);
    const conversation = found(threads.get(key));
    const listIds = lists.get(contact.id) ?? [];
    const messageId = timeOrderedId();
    // A contact this batch created starts its history with its first text (R12).
    const creation = created.delete(contact.id)
      ? createContact({ source: 'inbound' }, { now: text.at })
      : null;
    const outcome = applyInbound(
      creation?.state ?? consentOf(contact, listIds),
      { type: 'inbound', body: text.body, messageId },
      { now: text.at, triggers },
    );
    const quarantined = outcome.effects.some((effect) => effect.type === 'quarantine');

    const own: Message[] = [];
    const message = (
      fields: Pick<Message, 'direction' | 'body' | 'status'> & Partial<Message>,
    ): Message => {
      const row = newMessageRow(
        { id: timeOrderedId(), accountId, at: text.at },
        conversation.id,
        fields,
      );
      own.push(row);
      return row;
    };
    message({
      id: messageId,
      direction: 'inbound',
      body: text.body,
      status: quarantined ? 'quarantined' : 'received',
      carrier_id: text.carrierId,
      possible_opt_out: outcome.intent.kind === 'message' && outcome.intent.possibleOptOut ? 1 : 0,
      // Quarantined texts keep their files too: a supervisor may need to see them.
      media: (text.media?.length ?? 0) > 0 ? JSON.stringify(text.media) : null,
    });
    text.media?.forEach((item, position) => {
      shown.push({ message_id: messageId, position, media_id: item.id });
    });
    const missing = text.missingMedia ?? 0;
    if (missing > 0) {
      message({
        direction: 'system',
        body: `${missing === 1 ? 'A file' : `${String(missing)} files`} sent with this text could not be fetched from the carrier.`,
        status: 'none',
      });
    }
    // A new contact always has a history entry, so it is announced (contact.updated)
    // with its first text: desktops learn contacts from the log.
    const write = planConsent(
      contact,
      listIds,
      creation === null ? outcome : thenApply(creation, outcome),
      text.at,
    );
    if (write.entries.length > 0) {
      consent.push(write);
      contacts.set(text.phone, write.contact);
      lists.set(contact.id, write.lists);
    }
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
    messages.push(...own);
    const changes: PendingChange[] = [
      ...write.changes,
      ...own.map((row) => ({ type: 'message.created' as const, data: messageSnapshot(row) })),
    ];
    // A quarantined text never enters the inbox: the conversation stays as it was.
    if (!quarantined) {
      const opened: Conversation = { ...conversation, status: 'open', last_activity_at: text.at };
      threads.set(key, opened);
      reopened.set(opened.id, opened);
      changes.push({ type: 'conversation.updated', data: conversationSnapshot(opened) });
    }
    pending.push(changes);
    answers.push({
      accountId,
      duplicate: false,
      messageId,
      conversationId: conversation.id,
      contactId: contact.id,
      intent: outcome.intent,
      queued,
    });
  });

  for (const rows of chunksFor(messages, MESSAGE_COLUMNS)) {
    await trx.insertInto('messages').values(rows).execute();
  }
  for (const rows of chunksFor(shown, 3)) {
    await trx.insertInto('message_media').values(rows).execute();
  }
  await writeConsents(trx, accountId, consent);
  for (const rows of chunksFor([...reopened.values()], CONVERSATION_COLUMNS)) {
    await trx
      .insertInto('conversations')
      .values(rows)
      .onConflict((conflict) =>
        conflict.column('id').doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          last_activity_at: eb.ref('excluded.last_activity_at'),
        })),
      )
      .execute();
  }
  const logged = await logChanges(trx, accountId, pending, latest(texts));
  return answers.map((answer, index) => ({ ...answer, changes: logged[index] ?? [] }));
}

/** The latest arrival time of the batch: when its changes are logged. */
function latest(texts: readonly QueuedText[]): string {
  return texts.reduce((max, text) => (text.at > max ? text.at : max), '');
}

/**
 * Appends every text's changes to the log in the texts' order, so each text's
 * sequence numbers follow the previous text's, and hands each text its own.
 */
async function logChanges(
  trx: Transaction<Database>,
  accountId: string,
  pending: readonly (readonly PendingChange[])[],
  at: string,
): Promise<Change[][]> {
  const all = pending.flat();
  const logged: Change[] = [];
  for (const changes of chunksFor(all, CHANGE_LOG_COLUMNS)) {
    logged.push(...(await appendChanges(trx, accountId, changes, at)));
  }
  let next = 0;
  return pending.map((changes) => logged.slice(next, (next += changes.length)));
}

async function storedTexts(
  trx: Transaction<Database>,
  accountId: string,
  carrierIds: readonly string[],
): Promise<Map<string, StoredText>> {
  const stored = new Map<string, StoredText>();
  for (const ids of chunksFor(carrierIds, 1, 1)) {
    const rows = await trx
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select([
        'messages.id',
        'messages.carrier_id',
        'messages.conversation_id',
        'conversations.contact_id',
      ])
      .where('messages.account_id', '=', accountId)
      .where('messages.carrier_id', 'in', ids)
      .execute();
    for (const row of rows) if (row.carrier_id !== null) stored.set(row.carrier_id, row);
  }
  return stored;
}

/**
 * The account's contacts with these numbers, created (dated `at`) where
 * missing; `created` holds the ids of those this call made.
 */
async function contactsOf(
  trx: Transaction<Database>,
  accountId: string,
  phones: ReadonlyMap<string, string>,
): Promise<{ contacts: Map<string, Contact>; created: Set<string> }> {
  const found = new Map<string, Contact>();
  const created = new Set<string>();
  const load = async (wanted: readonly string[]) => {
    for (const chunk of chunksFor(wanted, 1, 1)) {
      // Locked on PostgreSQL, in one order, as every consent decision is: a
      // block or opt-out committed meanwhile is read, never overwritten.
      const rows = await forUpdate(
        trx,
        trx
          .selectFrom('contacts')
          .selectAll()
          .where('account_id', '=', accountId)
          .where('phone', 'in', chunk)
          .orderBy('id'),
      ).execute();
      for (const row of rows) found.set(row.phone, row);
    }
  };
  await load([...phones.keys()]);
  const missing = [...phones].filter(([phone]) => !found.has(phone));
  if (missing.length === 0) return { contacts: found, created };
  for (const chunk of chunksFor(missing, CONTACT_COLUMNS)) {
    const rows = await trx
      .insertInto('contacts')
      .values(
        chunk.map(([phone, at]) => newContactRow({ id: timeOrderedId(), accountId, at }, phone)),
      )
      .onConflict((conflict) => conflict.columns(['account_id', 'phone']).doNothing())
      .returningAll()
      .execute();
    for (const row of rows) {
      found.set(row.phone, row);
      created.add(row.id);
    }
  }
  // Another server may have added some of them since they were looked up.
  await load(missing.map(([phone]) => phone).filter((phone) => !found.has(phone)));
  return { contacts: found, created };
}

/** The conversations of these contact and business-number pairs, opened where missing. */
async function conversationsOf(
  trx: Transaction<Database>,
  accountId: string,
  wanted: ReadonlyMap<string, string>,
): Promise<Map<string, Conversation>> {
  const pairs = [...wanted.keys()].map((key) => {
    const [contactId = '', businessNumberId = ''] = key.split('\n');
    return { key, contactId, businessNumberId };
  });
  const found = new Map<string, Conversation>();
  const load = async (contactIds: readonly string[]) => {
    for (const chunk of chunksFor(contactIds, 1, 1)) {
      // Locked, like the contacts: the snapshots logged must not undo an assignment made meanwhile.
      const rows = await forUpdate(
        trx,
        trx
          .selectFrom('conversations')
          .selectAll()
          .where('account_id', '=', accountId)
          .where('contact_id', 'in', chunk)
          .orderBy('id'),
      ).execute();
      for (const row of rows) {
        const key = threadKey(row.contact_id, row.business_number_id);
        if (wanted.has(key)) found.set(key, row);
      }
    }
  };
  await load([...new Set(pairs.map((pair) => pair.contactId))]);
  const missing = pairs.filter((pair) => !found.has(pair.key));
  if (missing.length === 0) return found;
  for (const chunk of chunksFor(missing, CONVERSATION_COLUMNS)) {
    const rows = await trx
      .insertInto('conversations')
      .values(
        chunk.map((pair) => {
          const at = wanted.get(pair.key) ?? '';
          return {
            id: timeOrderedId(),
            account_id: accountId,
            contact_id: pair.contactId,
            business_number_id: pair.businessNumberId,
            status: 'open' as const,
            assignee_id: null,
            last_activity_at: at,
            created_at: at,
          };
        }),
      )
      .onConflict((conflict) =>
        conflict.columns(['account_id', 'contact_id', 'business_number_id']).doNothing(),
      )
      .returningAll()
      .execute();
    for (const row of rows) found.set(threadKey(row.contact_id, row.business_number_id), row);
  }
  // Another server may have opened some of them since they were looked up.
  await load([
    ...new Set(missing.filter((pair) => !found.has(pair.key)).map((pair) => pair.contactId)),
  ]);
  return found;
}
