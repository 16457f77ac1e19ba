import type { Transaction } from 'kysely';
import type { ConsentOutcome } from '../../shared/consent';
import type { PendingChange } from '../../shared/protocol/entities';
import type { Contact, Database } from '../db/schema';
import { contactSnapshot } from './records';

/**
 * Writes what the consent engine decided for one contact: the contact's
 * flags, its list memberships and the history entries, in the caller's
 * transaction. Returns the changes for the log. Effects are the caller's.
 */
export async function persistConsent(
  trx: Transaction<Database>,
  accountId: string,
  contact: Contact,
  before: readonly string[],
  outcome: ConsentOutcome,
  at: string,
): Promise<{ contact: Contact; changes: PendingChange[] }> {
  const { state, history } = outcome;
  const changes: PendingChange[] = [];
  if (history.length === 0) return { contact, changes };

  const updated: Contact = {
    ...contact,
    opted_in: state.optedIn ? 1 : 0,
    blocked: state.blocked ? 1 : 0,
    opt_out: state.optOut === null ? null : JSON.stringify(state.optOut),
    updated_at: at,
  };
  await trx
    .updateTable('contacts')
    .set({
      opted_in: updated.opted_in,
      blocked: updated.blocked,
      opt_out: updated.opt_out,
      updated_at: at,
    })
    .where('id', '=', contact.id)
    .execute();

  const removed = before.filter((id) => !state.lists.includes(id));
  const added = state.lists.filter((id) => !before.includes(id));
  if (removed.length > 0) {
    await trx
      .deleteFrom('list_members')
      .where('contact_id', '=', contact.id)
      .where('list_id', 'in', removed)
      .execute();
  }
  if (added.length > 0) {
    await trx
      .insertInto('list_members')
      .values(added.map((listId) => ({ list_id: listId, contact_id: contact.id, added_at: at })))
      .execute();
  }

  const entries = history.map((entry) => ({
    contactId: contact.id,
    at: entry.at,
    change: entry.change,
    source: 'source' in entry ? entry.source : null,
    actor: entry.actor,
    text: entry.text ?? null,
    word: 'word' in entry ? (entry.word ?? null) : null,
    listId: 'listId' in entry ? entry.listId : null,
    triggerId: 'triggerId' in entry ? (entry.triggerId ?? null) : null,
    carrierCode: 'carrierCode' in entry ? (entry.carrierCode ?? null) : null,
  }));
  await trx
    .insertInto('consent_history')
    .values(
      entries.map((entry) => ({
        account_id: accountId,
        contact_id: entry.contactId,
        at: entry.at,
        change: entry.change,
        source: entry.source,
        actor: JSON.stringify(entry.actor),
        text: entry.text,
        word: entry.word,
        list_id: entry.listId,
        trigger_id: entry.triggerId,
        carrier_code: entry.carrierCode,
      })),
    )
    .execute();

  changes.push({ type: 'contact.updated', data: contactSnapshot(updated, state.lists) });
  changes.push(...entries.map((data) => ({ type: 'consent.recorded' as const, data })));
  return { contact: updated, changes };
}
