import {
  applyConsentEvent,
  createContact,
  foldText,
  type ConsentOutcome,
} from '../../../shared/consent';
import { normalizePhone } from '../../../shared/phone';
import type { CommandOf, ImportReport } from '../../../shared/protocol/commands';
import type { PendingChange } from '../../../shared/protocol/entities';
import { ok } from '../../../shared/result';
import { chunksFor } from '../../db/chunks';
import { timeOrderedId } from '../../db/ids';
import { forUpdate } from '../../db/locks';
import type { Contact } from '../../db/schema';
import { planConsent, writeConsents, type ConsentWrite } from '../consent';
import {
  CONTACT_COLUMNS,
  consentOf,
  contactSnapshot,
  listIdsOfEach,
  newContactRow,
} from '../records';
import { refuse, type Handler, type Scope } from './scope';

type ImportCommand = CommandOf<'contacts.import'>;
type ImportError = ImportReport['errors'][number];

/** A row of the file once its number and list names are read. */
interface ReadRow {
  readonly line: number;
  readonly phone: string;
  /** Trimmed; '' when the file gives none. */
  readonly name: string;
  readonly lists: readonly string[];
  readonly optedIn?: boolean;
}

/** One contact of the command: as stored before it, and as its rows so far leave it. */
interface Imported {
  readonly stored: Contact;
  readonly created: boolean;
  contact: Contact;
  lists: readonly string[];
  /** Set once one of its rows has been applied. */
  seen: boolean;
  nameKept: boolean;
  consentChanged: boolean;
  /** The `consent.recorded` changes of its rows, in order. */
  readonly recorded: PendingChange[];
}

/**
 * Imports rows a person mapped from a file (R11): numbers are read with the
 * country the person chose (the account's by default), bad rows are
 * reported by line and skipped, and an import never opts a contact back in.
 *
 * Set-based: a 5,000-row command is a handful of statements, not several per
 * row. The rows are applied in file order to the contacts held in memory, so
 * a number twice in the file is one contact, the second row applied to what
 * the first left; then everything is written at once.
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
  const errors: ImportError[] = [];
  const rows = readRows(scope, command, byName, errors);

  const contacts = await lockedContacts(scope, rows);
  const memberships = await listIdsOfEach(
    scope.trx,
    [...contacts.values()].map((contact) => contact.stored.id),
  );
  for (const contact of contacts.values()) {
    contact.lists = memberships.get(contact.stored.id) ?? [];
  }

  let created = 0;
  let updated = 0;
  let optedOut = 0;
  const wasOut: { line: number; contact: Imported }[] = [];
  const writes: ConsentWrite[] = [];
  const record = (contact: Imported, outcome: ConsentOutcome) => {
    const write = planConsent(contact.contact, contact.lists, outcome, scope.at);
    if (write.entries.length === 0) return;
    writes.push(write);
    contact.contact = write.contact;
    contact.lists = write.lists;
    contact.consentChanged = true;
    contact.recorded.push(...write.changes.filter((change) => change.type === 'consent.recorded'));
  };
  // A contact the file brought in starts its history with the import and who ran it (R12).
  for (const contact of contacts.values()) {
    if (contact.created) {
      record(contact, createContact({ source: 'import', by: scope.actor }, { now: scope.at }));
    }
  }
  for (const row of rows) {
    const contact = contacts.get(row.phone);
    if (contact === undefined) throw new Error(`The import lost ${row.phone}.`);
    const outcome = applyConsentEvent(
      consentOf(contact.contact, contact.lists),
      {
        type: 'import-row',
        by: scope.actor,
        ...(row.optedIn !== undefined && { optedIn: row.optedIn }),
        lists: row.lists,
        intoOptOutList: command.optOutList === true,
      },
      { now: scope.at, triggers: [] },
    );
    if (!outcome.ok) {
      errors.push({ line: row.line, message: outcome.error.message });
      continue;
    }
    if (contact.created && !contact.seen) created += 1;
    else updated += 1;
    if (contact.stored.opted_in === 0 || contact.stored.blocked === 1) {
      wasOut.push({ line: row.line, contact });
    }
    applyName(scope, command, row, contact);
    contact.seen = true;
    if (outcome.value.history.some((entry) => entry.change === 'opted-out')) optedOut += 1;
    record(contact, outcome.value);
  }

  await writeConsents(scope.trx, scope.accountId, writes);
  await writeNames(scope, [...contacts.values()]);
  pushChanges(scope, contacts.values());

  const stillOut = (contact: Contact) => contact.opted_in === 0 || contact.blocked === 1;
  return ok({
    created,
    updated,
    keptOptedOut: wasOut.filter((row) => stillOut(row.contact.contact)).map((row) => row.line),
    optedOut,
    namesKept: [...contacts.values()].filter((contact) => contact.nameKept).length,
    errors: errors.sort((a, b) => a.line - b.line),
  });
};

/** Reads each row's number and lists; a row with a bad one goes to `errors` instead. */
function readRows(
  scope: Scope,
  command: ImportCommand,
  byName: ReadonlyMap<string, string>,
  errors: ImportError[],
): ReadRow[] {
  const country = command.defaultCountry ?? scope.defaultCountry;
  const rows: ReadRow[] = [];
  for (const row of command.rows) {
    const phone = normalizePhone(row.phone, country);
    if (!phone.ok) {
      errors.push({ line: row.line, message: `“${row.phone}”: ${phone.error.message}` });
      continue;
    }
    const listIds: string[] = command.listId === undefined ? [] : [command.listId];
    let unknown: string | undefined;
    for (const name of row.lists ?? []) {
      if (name.trim() === '') continue;
      const id = byName.get(foldText(name));
      if (id === undefined) {
        unknown = name.trim();
        break;
      }
      listIds.push(id);
    }
    if (unknown !== undefined) {
      errors.push({ line: row.line, message: `There is no list called “${unknown}”.` });
      continue;
    }
    rows.push({
      line: row.line,
      phone: phone.value,
      name: row.name?.trim() ?? '',
      lists: listIds,
      ...(row.optedIn !== undefined && { optedIn: row.optedIn }),
    });
  }
  return rows;
}

/**
 * Every contact of the rows, by number: the new ones inserted (with their
 * first row's name), then all of them read and locked. Insert-if-absent,
 * then lock: a text from one of these numbers may be creating it meanwhile.
 * Numbers in one order, so two imports of the same numbers take turns
 * rather than deadlock.
 */
async function lockedContacts(
  scope: Scope,
  rows: readonly ReadRow[],
): Promise<Map<string, Imported>> {
  const firstName = new Map<string, string>();
  for (const row of rows) if (!firstName.has(row.phone)) firstName.set(row.phone, row.name);
  const phones = [...firstName.keys()].sort();
  const created = new Set<string>();
  const fresh = phones.map((phone) =>
    newContactRow(
      { id: timeOrderedId(), accountId: scope.accountId, at: scope.at },
      phone,
      firstName.get(phone),
    ),
  );
  for (const chunk of chunksFor(fresh, CONTACT_COLUMNS)) {
    const inserted = await scope.trx
      .insertInto('contacts')
      .values(chunk)
      .onConflict((conflict) => conflict.columns(['account_id', 'phone']).doNothing())
      .returning('id')
      .execute();
    for (const row of inserted) created.add(row.id);
  }
  const found = new Map<string, Contact>();
  for (const chunk of chunksFor(phones, 1, 1)) {
    const locked = await forUpdate(
      scope.trx,
      scope.trx
        .selectFrom('contacts')
        .selectAll()
        .where('account_id', '=', scope.accountId)
        .where('phone', 'in', chunk)
        .orderBy('id'),
    ).execute();
    for (const contact of locked) found.set(contact.phone, contact);
  }
  // In the file's order, which is the order their changes are logged in.
  const contacts = new Map<string, Imported>();
  for (const phone of firstName.keys()) {
    const contact = found.get(phone);
    // Inserted or already there, and contacts are never deleted.
    if (contact === undefined) throw new Error(`The import lost ${phone}.`);
    contacts.set(phone, {
      stored: contact,
      created: created.has(contact.id),
      contact,
      lists: [],
      seen: false,
      nameKept: false,
      consentChanged: false,
      recorded: [],
    });
  }
  return contacts;
}

/**
 * The file's name for a contact: a new one was inserted with it; a known
 * one takes it only when they have none, or with `overwriteNames`. An empty
 * name in the file never blanks one.
 */
function applyName(scope: Scope, command: ImportCommand, row: ReadRow, contact: Imported): void {
  if (contact.created && !contact.seen) return;
  if (row.name === '' || row.name === contact.contact.name) return;
  if (contact.contact.name === '' || command.overwriteNames === true) {
    contact.contact = { ...contact.contact, name: row.name, updated_at: scope.at };
  } else {
    contact.nameKept = true;
  }
}

/** The names the rows changed, in one upsert on id per chunk (contacts are never deleted). */
async function writeNames(scope: Scope, contacts: readonly Imported[]): Promise<void> {
  const renamed = contacts
    .filter((contact) => contact.contact.name !== contact.stored.name)
    .map((contact) => contact.contact);
  for (const rows of chunksFor(renamed, CONTACT_COLUMNS)) {
    await scope.trx
      .insertInto('contacts')
      .values(rows)
      .onConflict((conflict) =>
        conflict.column('id').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

/**
 * One `contact.updated` per contact the file created or changed, with its
 * final snapshot, then its consent history entries; none for a contact the
 * file left as it was.
 */
function pushChanges(scope: Scope, contacts: Iterable<Imported>): void {
  for (const contact of contacts) {
    const renamed = contact.contact.name !== contact.stored.name;
    if (!contact.created && !renamed && !contact.consentChanged) continue;
    scope.changes.push(
      { type: 'contact.updated', data: contactSnapshot(contact.contact, contact.lists) },
      ...contact.recorded,
    );
  }
}
