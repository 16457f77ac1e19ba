import { randomUUID } from 'node:crypto';
import { applyConsentEvent, foldText, type ConsentEvent } from '../../../shared/consent';
import { normalizePhone } from '../../../shared/phone';
import type { CommandError, CommandOf, ImportReport } from '../../../shared/protocol/commands';
import { ok, type Result } from '../../../shared/result';
import { forUpdate } from '../../db/locks';
import type { Contact } from '../../db/schema';
import { persistConsent } from '../consent';
import { consentOf, contactSnapshot, listIdsOf, messageSnapshot, newContactRow } from '../records';
import {
  findContact,
  fromConsentRefusal,
  NO_CONTACT,
  refuse,
  type CommandResult,
  type Handler,
  type Scope,
} from './scope';

type ContactCommand =
  'contact.lists' | 'contact.block' | 'contact.unblock' | 'contact.optIn' | 'contact.optOut';

/** Runs one consent event on one contact and records what changed (R3, R4, R11, R12). */
async function changeConsent(
  scope: Scope,
  contactId: string,
  event: ConsentEvent,
): Promise<CommandResult<ContactCommand>> {
  const contact = await findContact(scope, contactId);
  if (contact === undefined) return refuse('not-found', NO_CONTACT);
  const persisted = await applyToContact(scope, contact, event);
  if (!persisted.ok) return persisted;
  return ok({ contact: contactSnapshot(persisted.value.contact, persisted.value.lists) });
}

async function applyToContact(
  scope: Scope,
  contact: Contact,
  event: ConsentEvent,
): Promise<
  Result<{ contact: Contact; lists: readonly string[]; notices: readonly string[] }, CommandError>
> {
  const lists = await listIdsOf(scope.trx, contact.id);
  const result = applyConsentEvent(consentOf(contact, lists), event, {
    now: scope.at,
    triggers: [],
  });
  if (!result.ok) return fromConsentRefusal(result.error);
  const persisted = await persistConsent(
    scope.trx,
    scope.accountId,
    contact,
    lists,
    result.value,
    scope.at,
  );
  scope.changes.push(...persisted.changes);
  const notices = result.value.effects.flatMap((effect) =>
    effect.type === 'notice' ? [effect.text] : [],
  );
  return ok({ contact: persisted.contact, lists: result.value.state.lists, notices });
}

async function accountList(scope: Scope, listId: string) {
  return scope.trx
    .selectFrom('lists')
    .selectAll()
    .where('id', '=', listId)
    .where('account_id', '=', scope.accountId)
    .executeTakeFirst();
}

export const contactUpdate: Handler<'contact.update'> = async (scope, command) => {
  const contact = await findContact(scope, command.contactId);
  if (contact === undefined) return refuse('not-found', NO_CONTACT);
  const fields: Partial<Pick<Contact, 'name' | 'time_zone'>> = {};
  if (command.name !== undefined && command.name !== contact.name) fields.name = command.name;
  if (command.timeZone !== undefined && command.timeZone !== contact.time_zone) {
    fields.time_zone = command.timeZone;
  }
  const lists = await listIdsOf(scope.trx, contact.id);
  if (Object.keys(fields).length === 0) return ok({ contact: contactSnapshot(contact, lists) });
  const updated: Contact = { ...contact, ...fields, updated_at: scope.at };
  await scope.trx
    .updateTable('contacts')
    .set({ ...fields, updated_at: scope.at })
    .where('id', '=', contact.id)
    .execute();
  scope.changes.push({ type: 'contact.updated', data: contactSnapshot(updated, lists) });
  return ok({ contact: contactSnapshot(updated, lists) });
};

export const contactLists: Handler<'contact.lists'> = async (scope, command) => {
  if ((await accountList(scope, command.listId)) === undefined) {
    return refuse('not-found', 'There is no such list in this account.');
  }
  return changeConsent(scope, command.contactId, {
    type: 'list-toggle',
    by: scope.actor,
    listId: command.listId,
    member: command.member,
  });
};

export const contactBlock: Handler<'contact.block'> = (scope, command) =>
  changeConsent(scope, command.contactId, {
    type: 'block',
    by: scope.actor,
    ...(command.note !== undefined && { note: command.note }),
  });

export const contactUnblock: Handler<'contact.unblock'> = (scope, command) =>
  changeConsent(scope, command.contactId, {
    type: 'unblock',
    by: scope.actor,
    ...(command.note !== undefined && { note: command.note }),
  });

export const contactOptIn: Handler<'contact.optIn'> = (scope, command) =>
  changeConsent(scope, command.contactId, {
    type: 'manual-opt-in',
    by: scope.actor,
    note: command.note,
  });

export const contactOptOut: Handler<'contact.optOut'> = (scope, command) =>
  changeConsent(scope, command.contactId, {
    type: 'manual-opt-out',
    by: scope.actor,
    ...(command.note !== undefined && { note: command.note }),
  });

/**
 * A person settles a text flagged as a possible opt-out ("stop sending me
 * these promos…"): they confirm it, which opts the contact out with the
 * text quoted, or dismiss it. The flag is cleared in the same transaction,
 * so no other desktop offers the same question again.
 */
export const messageReviewOptOut: Handler<'message.reviewOptOut'> = async (scope, command) => {
  const found = await scope.trx
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .selectAll('messages')
    .select('conversations.contact_id')
    .where('messages.id', '=', command.messageId)
    .where('conversations.account_id', '=', scope.accountId)
    .executeTakeFirst();
  if (found === undefined) return refuse('not-found', 'There is no such message in this account.');
  const { contact_id: contactId, ...message } = found;
  // Already settled (by someone else, or a replay): nothing more to do.
  if (message.possible_opt_out === 0) return ok({ message: messageSnapshot(message) });
  if (command.optOut) {
    const optedOut = await changeConsent(scope, contactId, {
      type: 'manual-opt-out',
      by: scope.actor,
      note: `Confirmed a possible opt-out: “${message.body.slice(0, 400)}”`,
    });
    if (!optedOut.ok) return optedOut;
  }
  const updated = await scope.trx
    .updateTable('messages')
    .set({ possible_opt_out: 0, updated_at: scope.at })
    .where('id', '=', message.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  scope.changes.push({ type: 'message.updated', data: messageSnapshot(updated) });
  return ok({ message: messageSnapshot(updated) });
};

/**
 * Imports rows a person mapped from a file (R11): numbers are read with the
 * country the person chose (the account's by default), bad rows are
 * reported by line and skipped, and an import never opts a contact back in.
 */
export const contactsImport: Handler<'contacts.import'> = async (scope, command) => {
  if (command.listId !== undefined && command.optOutList === true) {
    return refuse('invalid-input', 'Import into a list or into the Opt-Out List, not both.');
  }
  const lists = await scope.trx
    .selectFrom('lists')
    .select(['id', 'name'])
    .where('account_id', '=', scope.accountId)
    .execute();
  if (command.listId !== undefined && !lists.some((list) => list.id === command.listId)) {
    return refuse('not-found', 'There is no such list in this account.');
  }
  const byName = new Map(lists.map((list) => [foldText(list.name), list.id]));
  const report: { -readonly [K in keyof ImportReport]: ImportReport[K] } = {
    created: 0,
    updated: 0,
    keptOptedOut: [],
    errors: [],
  };
  for (const row of command.rows) {
    const problem = await importRow(scope, command, row, byName, report);
    if (problem !== null) report.errors.push({ line: row.line, message: problem });
  }
  return ok(report);
};

/** One row; returns what is wrong with it, or null once it is imported. */
async function importRow(
  scope: Scope,
  command: CommandOf<'contacts.import'>,
  row: CommandOf<'contacts.import'>['rows'][number],
  byName: ReadonlyMap<string, string>,
  report: { created: number; updated: number; keptOptedOut: number[] },
): Promise<string | null> {
  const phone = normalizePhone(row.phone, command.defaultCountry ?? scope.defaultCountry);
  if (!phone.ok) return `“${row.phone}”: ${phone.error.message}`;
  const listIds: string[] = command.listId === undefined ? [] : [command.listId];
  for (const name of row.lists ?? []) {
    if (name.trim() === '') continue;
    const id = byName.get(foldText(name));
    if (id === undefined) return `There is no list called “${name.trim()}”.`;
    listIds.push(id);
  }

  const name = row.name?.trim() ?? '';
  // Insert-if-absent, then lock: a text from this number may be creating it at the same moment.
  const inserted = await scope.trx
    .insertInto('contacts')
    .values(
      newContactRow(
        { id: randomUUID(), accountId: scope.accountId, at: scope.at },
        phone.value,
        name,
      ),
    )
    .onConflict((conflict) => conflict.columns(['account_id', 'phone']).doNothing())
    .returning('id')
    .executeTakeFirst();
  let contact = await forUpdate(
    scope.trx,
    scope.trx
      .selectFrom('contacts')
      .selectAll()
      .where('account_id', '=', scope.accountId)
      .where('phone', '=', phone.value),
  ).executeTakeFirstOrThrow();
  let touched = inserted !== undefined;
  if (touched) {
    report.created += 1;
  } else {
    report.updated += 1;
    if (name !== '' && name !== contact.name) {
      touched = true;
      contact = { ...contact, name, updated_at: scope.at };
      await scope.trx
        .updateTable('contacts')
        .set({ name, updated_at: scope.at })
        .where('id', '=', contact.id)
        .execute();
    }
  }
  const logged = scope.changes.length;
  const applied = await applyToContact(scope, contact, {
    type: 'import-row',
    by: scope.actor,
    ...(row.optedIn !== undefined && { optedIn: row.optedIn }),
    lists: listIds,
    intoOptOutList: command.optOutList === true,
  });
  if (!applied.ok) return applied.error.message;
  if (applied.value.notices.length > 0) report.keptOptedOut.push(row.line);
  // A new contact or name with no consent change still reaches the desktops.
  if (touched && scope.changes.length === logged) {
    scope.changes.push({
      type: 'contact.updated',
      data: contactSnapshot(applied.value.contact, applied.value.lists),
    });
  }
  return null;
}
