import type { Kysely, Transaction } from 'kysely';
import { chunksFor } from '../db/chunks';
import {
  INITIAL_CONSENT,
  type ConsentState,
  type OptOutRecord,
  type TriggerRule,
} from '../../shared/consent';
import type {
  ContactSnapshot,
  ConversationSnapshot,
  MessageSnapshot,
} from '../../shared/protocol/entities';
import type { Contact, Conversation, Database, Message } from '../db/schema';

export type Db = Kysely<Database> | Transaction<Database>;

/** Where a new row belongs and when it was made; `at` is both its created and updated time. */
export interface NewRow {
  readonly id: string;
  readonly accountId: string;
  readonly at: string;
}

/** A contact as first stored: consent as for anyone we have heard nothing against. */
export const newContactRow = (row: NewRow, phone: string, name = ''): Contact => ({
  id: row.id,
  account_id: row.accountId,
  phone,
  name,
  opted_in: INITIAL_CONSENT.optedIn ? 1 : 0,
  blocked: 0,
  opt_out: null,
  time_zone: null,
  created_at: row.at,
  updated_at: row.at,
});

/** Values bound per contact row, to cut many-row statements to fit (see chunksFor). */
export const CONTACT_COLUMNS = Object.keys(
  newContactRow({ id: '', accountId: '', at: '' }, ''),
).length;

/** A message row with the defaults every new message has. */
export const newMessageRow = (
  row: NewRow,
  conversationId: string,
  fields: Pick<Message, 'direction' | 'body' | 'status'> & Partial<Message>,
): Message => ({
  id: row.id,
  account_id: row.accountId,
  conversation_id: conversationId,
  author_id: null,
  carrier_id: null,
  error_code: null,
  error_message: null,
  possible_opt_out: 0,
  trigger_id: null,
  in_reply_to: null,
  send_at: null,
  media: null,
  created_at: row.at,
  updated_at: row.at,
  ...fields,
});

/** Values bound per message row (see CONTACT_COLUMNS). */
export const MESSAGE_COLUMNS = Object.keys(
  newMessageRow({ id: '', accountId: '', at: '' }, '', {
    direction: 'inbound',
    body: '',
    status: 'received',
  }),
).length;

export async function listIdsOf(db: Db, contactId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('list_members')
    .select('list_id')
    .where('contact_id', '=', contactId)
    .orderBy('list_id')
    .execute();
  return rows.map((row) => row.list_id);
}

/** Each contact's list ids (in id order), for many contacts at once: one query per chunk. */
export async function listIdsOfEach(
  db: Db,
  contactIds: readonly string[],
): Promise<Map<string, readonly string[]>> {
  const lists = new Map<string, string[]>();
  for (const chunk of chunksFor(contactIds, 1, 1)) {
    const rows = await db
      .selectFrom('list_members')
      .select(['contact_id', 'list_id'])
      .where('contact_id', 'in', chunk)
      .orderBy('list_id')
      .execute();
    for (const row of rows) {
      const ids = lists.get(row.contact_id);
      if (ids === undefined) lists.set(row.contact_id, [row.list_id]);
      else ids.push(row.list_id);
    }
  }
  return lists;
}

export function consentOf(contact: Contact, lists: readonly string[]): ConsentState {
  return {
    optedIn: contact.opted_in === 1,
    blocked: contact.blocked === 1,
    lists: [...lists].sort(),
    optOut: contact.opt_out === null ? null : (JSON.parse(contact.opt_out) as OptOutRecord),
  };
}

export function contactSnapshot(contact: Contact, lists: readonly string[]): ContactSnapshot {
  const consent = consentOf(contact, lists);
  return {
    id: contact.id,
    phone: contact.phone,
    name: contact.name,
    optedIn: consent.optedIn,
    blocked: consent.blocked,
    optOut: consent.optOut,
    lists: [...consent.lists],
    timeZone: contact.time_zone,
    updatedAt: contact.updated_at,
  };
}

export const conversationSnapshot = (row: Conversation): ConversationSnapshot => ({
  id: row.id,
  contactId: row.contact_id,
  businessNumberId: row.business_number_id,
  status: row.status,
  assigneeId: row.assignee_id,
  lastActivityAt: row.last_activity_at,
});

export const messageSnapshot = (row: Message): MessageSnapshot => ({
  id: row.id,
  conversationId: row.conversation_id,
  direction: row.direction,
  body: row.body,
  authorId: row.author_id,
  status: row.status,
  errorCode: row.error_code,
  errorMessage: row.error_message,
  possibleOptOut: row.possible_opt_out === 1,
  triggerId: row.trigger_id,
  inReplyTo: row.in_reply_to,
  sendAt: row.send_at,
  // Written by the server itself from MediaSnapshot values (see media/records.ts).
  media: row.media === null ? [] : (JSON.parse(row.media) as MessageSnapshot['media']),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** The account's triggers, in the order supervisors arranged them. */
export async function triggerRulesOf(db: Db, accountId: string): Promise<TriggerRule[]> {
  const rows = await db
    .selectFrom('triggers')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('position')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    keywords: JSON.parse(row.keywords) as string[],
    reply: row.reply,
    addToLists: JSON.parse(row.add_lists) as string[],
    removeFromLists: JSON.parse(row.remove_lists) as string[],
  }));
}
