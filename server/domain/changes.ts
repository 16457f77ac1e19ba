import { sql, type Transaction } from 'kysely';
import type { Change, PendingChange } from '../../shared/protocol/entities';
import { chunksFor } from '../db/chunks';
import type { Database } from '../db/schema';

/** Values bound per change_log row. */
const LOG_COLUMNS = 6;

/**
 * Appends changes to the account's log, in the caller's transaction, and
 * gives each its sequence number. The account row is the counter, so on
 * PostgreSQL two transactions of one account take their numbers in commit
 * order, and a desktop that read up to n has seen everything up to n.
 */
export async function appendChanges(
  trx: Transaction<Database>,
  accountId: string,
  changes: readonly PendingChange[],
  at: string,
): Promise<Change[]> {
  if (changes.length === 0) return [];
  const { last_seq: last } = await trx
    .updateTable('accounts')
    .set({ last_seq: sql`last_seq + ${changes.length}` })
    .where('id', '=', accountId)
    .returning('last_seq')
    .executeTakeFirstOrThrow();
  const first = last - changes.length + 1;
  const logged: Change[] = changes.map((change, index) => ({ ...change, seq: first + index, at }));
  const rows = logged.map((change) => ({
    account_id: accountId,
    seq: change.seq,
    at,
    type: change.type,
    entity_id: entityIdOf(change),
    data: JSON.stringify(change.data),
  }));
  // A large import logs tens of thousands of changes: more values than one statement may bind.
  for (const chunk of chunksFor(rows, LOG_COLUMNS)) {
    await trx.insertInto('change_log').values(chunk).execute();
  }
  return logged;
}

/** What a change is about, for the log's index: the entity's id, or its owner's. */
function entityIdOf(change: PendingChange): string {
  switch (change.type) {
    case 'consent.recorded':
      return change.data.contactId;
    case 'conversation.read':
      return change.data.conversationId;
    case 'campaign.recipient':
      return change.data.campaignId;
    case 'triggers.updated':
    case 'templates.updated':
    case 'account.updated':
      return change.data.accountId;
    default:
      return change.data.id;
  }
}
