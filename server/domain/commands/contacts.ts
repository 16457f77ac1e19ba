import { applyConsentEvent, type ConsentEvent } from '../../../shared/consent';
import { ok } from '../../../shared/result';
import type { Contact } from '../../db/schema';
import { persistConsent } from '../consent';
import { consentOf, contactSnapshot, listIdsOf, messageSnapshot } from '../records';
import {
  findContact,
  fromConsentRefusal,
  NO_CONTACT,
  refuse,
  type CommandResult,
  type Handler,
  type Scope,
} from './scope';

export { contactsImport } from './contactsImport';

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
  return ok({ contact: contactSnapshot(persisted.contact, result.value.state.lists) });
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
