import { applyConsentEvent, foldText } from '../../../shared/consent';
import { ok } from '../../../shared/result';
import { chunksFor } from '../../db/chunks';
import { forUpdate } from '../../db/locks';
import type { List } from '../../db/schema';
import { planConsent, writeConsents } from '../consent';
import { consentOf, contactSnapshot, listIdsOfEach } from '../records';
import { lockAccount, refuse, type Handler, type Scope } from './scope';

/** Lists: renamed by anyone, deleted by supervisors, and cleaned of opted-out members (R11). */

export const NO_LIST = 'There is no such list in this account.';

async function findList(scope: Scope, listId: string): Promise<List | undefined> {
  return scope.trx
    .selectFrom('lists')
    .selectAll()
    .where('id', '=', listId)
    .where('account_id', '=', scope.accountId)
    .executeTakeFirst();
}

/** The account's list that already has this name (whatever the case), other than `except`. */
export async function listNamed(
  scope: Scope,
  name: string,
  except?: string,
): Promise<string | undefined> {
  const names = await scope.trx
    .selectFrom('lists')
    .select(['id', 'name'])
    .where('account_id', '=', scope.accountId)
    .execute();
  return names.find((row) => row.id !== except && foldText(row.name) === foldText(name))?.name;
}

export const listRename: Handler<'list.rename'> = async (scope, command) => {
  await lockAccount(scope);
  const list = await findList(scope, command.listId);
  if (list === undefined) return refuse('not-found', NO_LIST);
  const taken = await listNamed(scope, command.name, list.id);
  if (taken !== undefined) return refuse('conflict', `There is already a list called “${taken}”.`);
  const renamed = { id: list.id, name: command.name, kind: list.kind };
  if (command.name === list.name) return ok({ list: renamed });
  await scope.trx
    .updateTable('lists')
    .set({ name: command.name })
    .where('id', '=', list.id)
    .execute();
  scope.changes.push({ type: 'list.updated', data: renamed });
  return ok({ list: renamed });
};

const quoteAll = (names: readonly string[]): string => {
  const quoted = names.map((name) => `“${name}”`);
  return quoted.length === 1
    ? (quoted[0] ?? '')
    : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1) ?? ''}`;
};

/**
 * Deletes a list and its memberships. Each member's snapshot is logged again
 * without the list, then `list.deleted`, so desktops drop it everywhere.
 * Refused for *Marketing Opt-Out* (the OPTOUT trigger and the send gate's
 * marketing check rest on it) and for a list a trigger moves people onto or
 * off, which would otherwise name a list that no longer exists.
 */
export const listDelete: Handler<'list.delete'> = async (scope, command) => {
  await lockAccount(scope);
  const list = await findList(scope, command.listId);
  if (list === undefined) return refuse('not-found', NO_LIST);
  if (list.kind === 'marketing-opt-out') {
    return refuse(
      'not-allowed',
      `“${list.name}” cannot be deleted: it keeps people who texted OPTOUT out of marketing.`,
    );
  }
  const triggers = await scope.trx
    .selectFrom('triggers')
    .select(['name', 'add_lists', 'remove_lists'])
    .where('account_id', '=', scope.accountId)
    .orderBy('position')
    .execute();
  const adds = triggers.filter((t) => (JSON.parse(t.add_lists) as string[]).includes(list.id));
  const removes = triggers.filter((t) =>
    (JSON.parse(t.remove_lists) as string[]).includes(list.id),
  );
  const using = [...new Set([...adds, ...removes].map((trigger) => trigger.name))];
  if (using.length > 0) {
    const [only] = using;
    const message =
      using.length > 1
        ? `The triggers ${quoteAll(using)} use this list; change them first.`
        : adds.length > 0
          ? `The trigger “${only ?? ''}” adds to this list; change it first.`
          : `The trigger “${only ?? ''}” takes people off this list; change it first.`;
    return refuse('conflict', message);
  }

  const members = await forUpdate(
    scope.trx,
    scope.trx
      .selectFrom('contacts')
      .selectAll()
      .where('account_id', '=', scope.accountId)
      .where('id', 'in', (eb) =>
        eb.selectFrom('list_members').select('contact_id').where('list_id', '=', list.id),
      )
      .orderBy('id'),
  ).execute();
  await scope.trx.deleteFrom('list_members').where('list_id', '=', list.id).execute();
  await scope.trx.deleteFrom('lists').where('id', '=', list.id).execute();
  // The lists each member is still on, for their snapshots.
  const remaining = await listIdsOfEach(
    scope.trx,
    members.map((member) => member.id),
  );
  for (const chunk of chunksFor(members, 1, 1)) {
    await scope.trx
      .updateTable('contacts')
      .set({ updated_at: scope.at })
      .where(
        'id',
        'in',
        chunk.map((member) => member.id),
      )
      .execute();
  }
  for (const member of members) {
    const lists = remaining.get(member.id) ?? [];
    scope.changes.push({
      type: 'contact.updated',
      data: contactSnapshot({ ...member, updated_at: scope.at }, lists),
    });
  }
  scope.changes.push({ type: 'list.deleted', data: { id: list.id } });
  return ok({ listId: list.id });
};

/**
 * Clean up → Remove opted-out (R11): every member who is opted out or
 * blocked comes off the list, each with a `list-removed` entry in their
 * consent history (source manual, by the person), as if toggled by hand.
 */
export const listCleanup: Handler<'list.cleanup'> = async (scope, command) => {
  const list = await findList(scope, command.listId);
  if (list === undefined) return refuse('not-found', NO_LIST);
  const members = await forUpdate(
    scope.trx,
    scope.trx
      .selectFrom('contacts')
      .selectAll()
      .where('account_id', '=', scope.accountId)
      .where((eb) => eb.or([eb('opted_in', '=', 0), eb('blocked', '=', 1)]))
      .where('id', 'in', (eb) =>
        eb.selectFrom('list_members').select('contact_id').where('list_id', '=', list.id),
      )
      .orderBy('id'),
  ).execute();
  if (members.length === 0) return ok({ removed: 0 });
  const memberships = await listIdsOfEach(
    scope.trx,
    members.map((member) => member.id),
  );
  const writes = [];
  for (const member of members) {
    const lists = memberships.get(member.id) ?? [];
    const outcome = applyConsentEvent(
      consentOf(member, lists),
      { type: 'list-toggle', by: scope.actor, listId: list.id, member: false },
      { now: scope.at, triggers: [] },
    );
    // Taking someone off a list is never refused; a refusal here is a bug.
    if (!outcome.ok) throw new Error(outcome.error.message);
    writes.push(planConsent(member, lists, outcome.value, scope.at));
  }
  await writeConsents(scope.trx, scope.accountId, writes);
  for (const write of writes) scope.changes.push(...write.changes);
  return ok({ removed: writes.filter((write) => write.entries.length > 0).length });
};
