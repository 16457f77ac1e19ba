import type { Transaction } from 'kysely';
import { applyInbound, createContact, thenApply } from '../../shared/consent';
import type { PendingChange } from '../../shared/protocol/entities';
import { chunksFor } from '../db/chunks';
import { timeOrderedId } from '../db/ids';
import type { Conversation, Database, Message } from '../db/schema';
import { planConsent, writeConsents, type ConsentWrite } from './consent';
import type { InboundText, Ingested } from './ingest';
import {
  contactsOf,
  conversationsOf,
  CONVERSATION_COLUMNS,
  logChanges,
  storedTexts,
  threadKey,
  type StoredText,
} from './inboundRows';
import {
  consentOf,
  conversationSnapshot,
  messageSnapshot,
  listIdsOfEach,
  MESSAGE_COLUMNS,
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

export type { StoredText } from './inboundRows';

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
