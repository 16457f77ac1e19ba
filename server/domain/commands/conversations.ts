import { randomUUID } from 'node:crypto';
import { createContact, sendGate } from '../../../shared/consent';
import { normalizePhone } from '../../../shared/phone';
import { ok } from '../../../shared/result';
import type { Conversation, Message } from '../../db/schema';
import { persistConsent } from '../consent';
import {
  consentOf,
  conversationSnapshot,
  listIdsOf,
  messageSnapshot,
  newContactRow,
} from '../records';
import {
  findContact,
  findConversation,
  newMessage,
  NO_CONVERSATION,
  refuse,
  type Handler,
  type Scope,
} from './scope';

/**
 * Writes only the columns a command changes and logs the row as it then is:
 * an assignment and a reply at the same moment both stand. The update holds
 * the row until commit (on PostgreSQL), so the logged snapshots follow the
 * order the writes happened in.
 */
/** How far ahead a text may be scheduled. */
const MAX_SCHEDULE_MS = 366 * 24 * 60 * 60 * 1000;

async function updateConversation(
  scope: Scope,
  conversationId: string,
  fields: Partial<Pick<Conversation, 'status' | 'assignee_id' | 'last_activity_at'>>,
): Promise<Conversation> {
  const row = await scope.trx
    .updateTable('conversations')
    .set(fields)
    .where('id', '=', conversationId)
    .where('account_id', '=', scope.accountId)
    .returningAll()
    .executeTakeFirstOrThrow();
  scope.changes.push({ type: 'conversation.updated', data: conversationSnapshot(row) });
  return row;
}

/** The person who wrote a text or note; null for an integration's API key ("Sent by the API"). */
const authorOf = (scope: Scope): string | null =>
  scope.user.apiKey === undefined ? scope.user.id : null;

async function insertMessage(scope: Scope, message: Message): Promise<void> {
  await scope.trx.insertInto('messages').values(message).execute();
  scope.changes.push({ type: 'message.created', data: messageSnapshot(message) });
}

/** The conversation with a number on the account's first business number, made if needed. */
async function conversationWith(
  scope: Scope,
  to: string,
): Promise<{ ok: true; conversation: Conversation } | { ok: false; message: string }> {
  const phone = normalizePhone(to, scope.defaultCountry);
  if (!phone.ok) return { ok: false, message: phone.error.message };
  const { trx, accountId, at } = scope;
  const own = await trx
    .selectFrom('business_numbers')
    .select('id')
    .where('account_id', '=', accountId)
    .where('phone', '=', phone.value)
    .executeTakeFirst();
  if (own !== undefined)
    return { ok: false, message: `${phone.value} is this account’s own number.` };
  const created = await trx
    .insertInto('contacts')
    .values(newContactRow({ id: randomUUID(), accountId, at }, phone.value))
    .onConflict((conflict) => conflict.columns(['account_id', 'phone']).doNothing())
    .returningAll()
    .executeTakeFirst();
  // Its history starts with who texted it first, from the app or the REST API (R12);
  // desktops learn of the new contact (contact.updated) before its conversation.
  if (created !== undefined) {
    const creation = createContact(
      { source: scope.origin === 'api' ? 'api' : 'send', by: scope.actor },
      { now: at },
    );
    const { changes } = await persistConsent(trx, accountId, created, [], creation, at);
    scope.changes.push(...changes);
  }
  const contact = await trx
    .selectFrom('contacts')
    .select('id')
    .where('account_id', '=', accountId)
    .where('phone', '=', phone.value)
    .executeTakeFirstOrThrow();
  const existing = await trx
    .selectFrom('conversations')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('contact_id', '=', contact.id)
    .orderBy('last_activity_at', 'desc')
    .executeTakeFirst();
  if (existing !== undefined) return { ok: true, conversation: existing };
  const number = await trx
    .selectFrom('business_numbers')
    .select('id')
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('id')
    .executeTakeFirst();
  if (number === undefined) return { ok: false, message: 'This account has no business number.' };
  const conversation: Conversation = {
    id: randomUUID(),
    account_id: accountId,
    contact_id: contact.id,
    business_number_id: number.id,
    status: 'open',
    assignee_id: null,
    last_activity_at: at,
    created_at: at,
  };
  await trx.insertInto('conversations').values(conversation).execute();
  return { ok: true, conversation };
}

/**
 * Queues a text to a customer. The send gate runs here (a refusal is
 * answered at once, with its reason, and nothing is stored) and again when
 * the text leaves, since the customer may text STOP in between (R6).
 */
export const messageSend: Handler<'message.send'> = async (scope, command) => {
  let conversation: Conversation | undefined;
  if (command.to !== undefined) {
    const found = await conversationWith(scope, command.to);
    if (!found.ok) return refuse('invalid-input', found.message);
    conversation = found.conversation;
  } else {
    conversation = await findConversation(scope, command.conversationId ?? '');
    if (conversation === undefined) return refuse('not-found', NO_CONVERSATION);
  }
  const contact = await findContact(scope, conversation.contact_id);
  if (contact === undefined) return refuse('not-found', NO_CONVERSATION);
  const gate = sendGate(consentOf(contact, await listIdsOf(scope.trx, contact.id)), {
    kind: scope.origin === 'api' ? 'api' : 'reply',
  });
  if (!gate.allowed) return refuse(gate.code === 'blocked' ? 'blocked' : 'opted-out', gate.reason);
  // Files after consent, so an opted-out contact hears "opted out", not "too large".
  const prepared = scope.media.prepared.get(command);
  if (prepared !== undefined && !prepared.ok)
    return refuse('invalid-input', prepared.error.message);
  const files = prepared?.value.media ?? [];
  if (files.length > 0) {
    // Never sent as a plain SMS without them.
    const refusal = scope.media.refusal(contact.phone);
    if (refusal !== null) return refuse('invalid-input', refusal);
  }

  const sendAt = command.sendAt === undefined ? null : new Date(command.sendAt);
  if (sendAt !== null && sendAt.getTime() > Date.parse(scope.at) + MAX_SCHEDULE_MS) {
    return refuse('invalid-input', 'A text can be scheduled at most a year ahead.');
  }
  const scheduled = sendAt !== null && sendAt.getTime() > Date.parse(scope.at);
  const message = newMessage(scope, conversation.id, {
    direction: 'outbound',
    body: command.body,
    status: scheduled ? 'scheduled' : 'queued',
    author_id: authorOf(scope),
    send_at: scheduled ? sendAt.toISOString() : null,
  });
  if (files.length > 0) message.media = JSON.stringify(files);
  await insertMessage(scope, message);
  if (files.length > 0) await scope.media.attach(message.id, files);
  await updateConversation(scope, conversation.id, { last_activity_at: scope.at });
  // A scheduled text is the scheduler's to send, when due and outside quiet hours.
  if (!scheduled) scope.queued.push(message.id);
  return ok({ message: messageSnapshot(message), shrunk: [...(prepared?.value.shrunk ?? [])] });
};

/** An internal note: seen by the team, never sent. */
export const noteAdd: Handler<'note.add'> = async (scope, command) => {
  const conversation = await findConversation(scope, command.conversationId);
  if (conversation === undefined) return refuse('not-found', NO_CONVERSATION);
  const message = newMessage(scope, conversation.id, {
    direction: 'note',
    body: command.body,
    status: 'none',
    author_id: authorOf(scope),
  });
  await insertMessage(scope, message);
  return ok({ message: messageSnapshot(message) });
};

export const conversationAssign: Handler<'conversation.assign'> = async (scope, command) => {
  const conversation = await findConversation(scope, command.conversationId);
  if (conversation === undefined) return refuse('not-found', NO_CONVERSATION);
  if (command.assigneeId !== null) {
    const assignee = await scope.trx
      .selectFrom('users')
      .select(['id', 'disabled_at'])
      .where('id', '=', command.assigneeId)
      .where('account_id', '=', scope.accountId)
      .executeTakeFirst();
    if (assignee === undefined) return refuse('not-found', 'There is no such person in this team.');
    if (assignee.disabled_at !== null) {
      return refuse('conflict', 'That person’s access was removed; assign someone else.');
    }
  }
  const updated = await updateConversation(scope, conversation.id, {
    assignee_id: command.assigneeId,
  });
  return ok({ conversation: conversationSnapshot(updated) });
};

const setStatus =
  (status: Conversation['status']): Handler<'conversation.close' | 'conversation.reopen'> =>
  async (scope, command) => {
    const conversation = await findConversation(scope, command.conversationId);
    if (conversation === undefined) return refuse('not-found', NO_CONVERSATION);
    const updated = await updateConversation(scope, conversation.id, { status });
    return ok({ conversation: conversationSnapshot(updated) });
  };

export const conversationClose = setStatus('closed') as Handler<'conversation.close'>;
export const conversationReopen = setStatus('open') as Handler<'conversation.reopen'>;

/** Marks a conversation read for the person: their unread count for it drops to zero. */
export const conversationRead: Handler<'conversation.read'> = async (scope, command) => {
  const conversation = await findConversation(scope, command.conversationId);
  if (conversation === undefined) return refuse('not-found', NO_CONVERSATION);
  await scope.trx
    .insertInto('conversation_reads')
    .values({ conversation_id: conversation.id, user_id: scope.user.id, read_at: scope.at })
    .onConflict((conflict) =>
      conflict.columns(['conversation_id', 'user_id']).doUpdateSet({ read_at: scope.at }),
    )
    .execute();
  const read = { conversationId: conversation.id, userId: scope.user.id, readAt: scope.at };
  scope.changes.push({ type: 'conversation.read', data: read });
  return ok({ read });
};
