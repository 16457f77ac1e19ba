/**
 * The rows an inbound batch reads and creates in its transaction: texts
 * stored before (retried webhooks), the senders' contacts and their
 * conversations (made where missing), and the change log entries of the
 * batch, in the texts' order.
 */
import type { Transaction } from 'kysely';
import type { Change, PendingChange } from '../../shared/protocol/entities';
import { chunksFor } from '../db/chunks';
import { timeOrderedId } from '../db/ids';
import { forUpdate } from '../db/locks';
import type { Contact, Conversation, Database } from '../db/schema';
import { appendChanges } from './changes';
import { CONTACT_COLUMNS, newContactRow } from './records';

/** Columns of the rows written in many-row statements, to keep under the bound-value limit. */
export const CONVERSATION_COLUMNS = 8;
const CHANGE_LOG_COLUMNS = 6;

export const threadKey = (contactId: string, businessNumberId: string) =>
  `${contactId}\n${businessNumberId}`;

/** The ids of a text stored before, as a duplicate answers them. */
export interface StoredText {
  readonly id: string;
  readonly conversation_id: string;
  readonly contact_id: string;
}

/**
 * Appends every text's changes to the log in the texts' order, so each text's
 * sequence numbers follow the previous text's, and hands each text its own.
 */
export async function logChanges(
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

export async function storedTexts(
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
export async function contactsOf(
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
export async function conversationsOf(
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
