import type { Transaction } from 'kysely';
import type { ConsentOutcome } from '../../shared/consent';
import type { ConsentEntrySnapshot, PendingChange } from '../../shared/protocol/entities';
import { chunksFor } from '../db/chunks';
import { timeOrderedId } from '../db/ids';
import type { Contact, Database } from '../db/schema';
import { CONTACT_COLUMNS, contactSnapshot } from './records';

/**
 * What the consent engine decided for one contact, worked out before anything
 * is written: the contact after it, the list memberships it adds and removes,
 * the history entries, and the changes for the log.
 */
export interface ConsentWrite {
  /** The contact as it is after the outcome (unchanged when nothing happened). */
  readonly contact: Contact;
  /** The contact's lists after the outcome, sorted. */
  readonly lists: readonly string[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly entries: readonly ConsentEntrySnapshot[];
  readonly at: string;
  readonly changes: readonly PendingChange[];
}

/** Works out what an outcome writes for a contact whose lists were `before`. Pure. */
export function planConsent(
  contact: Contact,
  before: readonly string[],
  outcome: ConsentOutcome,
  at: string,
): ConsentWrite {
  const { state, history } = outcome;
  if (history.length === 0) {
    return { contact, lists: before, added: [], removed: [], entries: [], at, changes: [] };
  }
  const updated: Contact = {
    ...contact,
    opted_in: state.optedIn ? 1 : 0,
    blocked: state.blocked ? 1 : 0,
    opt_out: state.optOut === null ? null : JSON.stringify(state.optOut),
    updated_at: at,
  };
  const entries = history.map((entry): ConsentEntrySnapshot => ({
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
  return {
    contact: updated,
    lists: state.lists,
    removed: before.filter((id) => !state.lists.includes(id)),
    added: state.lists.filter((id) => !before.includes(id)),
    entries,
    at,
    changes: [
      { type: 'contact.updated', data: contactSnapshot(updated, state.lists) },
      ...entries.map((data) => ({ type: 'consent.recorded' as const, data })),
    ],
  };
}

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
  const write = planConsent(contact, before, outcome, at);
  await writeConsents(trx, accountId, [write]);
  return { contact: write.contact, changes: [...write.changes] };
}

/**
 * Writes many consent outcomes of one account at once, with a few statements
 * in all. They are applied in order, as if written one after the other: a
 * contact ends with its last outcome's flags, a list membership removed and
 * added again in the same batch gets the later date, and the history keeps
 * the order of the outcomes.
 */
export async function writeConsents(
  trx: Transaction<Database>,
  accountId: string,
  writes: readonly ConsentWrite[],
): Promise<void> {
  const changed = writes.filter((write) => write.entries.length > 0);
  if (changed.length === 0) return;

  // Each contact's last state. Contacts are never deleted, so the upsert only
  // ever updates; it lets one statement give each contact its own values, and
  // sets the consent columns alone, leaving a name edited meanwhile as it is.
  const contacts = new Map(changed.map((write) => [write.contact.id, write.contact]));
  for (const rows of chunksFor([...contacts.values()], CONTACT_COLUMNS)) {
    await trx
      .insertInto('contacts')
      .values(rows)
      .onConflict((conflict) =>
        conflict.column('id').doUpdateSet((eb) => ({
          opted_in: eb.ref('excluded.opted_in'),
          blocked: eb.ref('excluded.blocked'),
          opt_out: eb.ref('excluded.opt_out'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }

  await writeMemberships(trx, changed);

  const history = changed.flatMap((write) =>
    write.entries.map((entry) => ({
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
  );
  for (const rows of chunksFor(history, 11)) {
    await trx.insertInto('consent_history').values(rows).execute();
  }
  await queueOptOutWebhooks(trx, accountId, changed);
}

/**
 * Every opt-out is queued for the account's opt-out webhook (R10) in the
 * same transaction that records it: none is lost to a crash, and sending
 * happens later, never holding up ingest. The body is exactly the product's
 * `{timestamp, unsubscribed_number, source}`.
 */
async function queueOptOutWebhooks(
  trx: Transaction<Database>,
  accountId: string,
  writes: readonly ConsentWrite[],
): Promise<void> {
  const optOuts = writes.flatMap((write) =>
    write.entries
      .filter((entry) => entry.change === 'opted-out')
      .map((entry) => ({ at: entry.at, phone: write.contact.phone, source: entry.source })),
  );
  if (optOuts.length === 0) return;
  const account = await trx
    .selectFrom('accounts')
    .select('optout_webhook_url')
    .where('id', '=', accountId)
    .executeTakeFirst();
  const url = account?.optout_webhook_url ?? null;
  if (url === null) return;
  const rows = optOuts.map((optOut) => ({
    id: timeOrderedId(),
    account_id: accountId,
    url,
    body: JSON.stringify({
      timestamp: optOut.at,
      unsubscribed_number: optOut.phone,
      source: optOut.source,
    }),
    created_at: optOut.at,
    next_attempt_at: optOut.at,
  }));
  for (const chunk of chunksFor(rows, 6)) {
    await trx.insertInto('webhook_deliveries').values(chunk).execute();
  }
}

/**
 * The list memberships the outcomes leave. The engine removes only members
 * and adds only non-members, so a membership whose first move in the batch is
 * a removal is stored now and must go; one whose last move is an addition
 * must be there afterwards, dated by that addition.
 */
async function writeMemberships(
  trx: Transaction<Database>,
  writes: readonly ConsentWrite[],
): Promise<void> {
  const moves = new Map<
    string,
    { contactId: string; listId: string; stored: boolean; member: boolean; at: string }
  >();
  const move = (contactId: string, listId: string, member: boolean, at: string) => {
    const key = `${contactId}\n${listId}`;
    const known = moves.get(key);
    moves.set(key, { contactId, listId, stored: known?.stored ?? !member, member, at });
  };
  for (const write of writes) {
    for (const listId of write.removed) move(write.contact.id, listId, false, write.at);
    for (const listId of write.added) move(write.contact.id, listId, true, write.at);
  }
  const gone = [...moves.values()].filter((membership) => membership.stored);
  for (const pairs of chunksFor(gone, 2)) {
    await trx
      .deleteFrom('list_members')
      .where((eb) =>
        eb.or(
          pairs.map((pair) =>
            eb.and([eb('contact_id', '=', pair.contactId), eb('list_id', '=', pair.listId)]),
          ),
        ),
      )
      .execute();
  }
  const added = [...moves.values()].filter((membership) => membership.member);
  for (const rows of chunksFor(added, 3)) {
    await trx
      .insertInto('list_members')
      .values(
        rows.map((row) => ({ list_id: row.listId, contact_id: row.contactId, added_at: row.at })),
      )
      .execute();
  }
}
