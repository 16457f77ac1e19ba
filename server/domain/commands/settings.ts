import { randomUUID } from 'node:crypto';
import { foldText, lintTriggerKeyword } from '../../../shared/consent';
import type { TriggersSnapshot } from '../../../shared/protocol/entities';
import { ok } from '../../../shared/result';
import { triggerRulesOf } from '../records';
import { lockAccount, refuse, type Handler, type Scope } from './scope';

export async function triggersSnapshot(scope: Scope): Promise<TriggersSnapshot> {
  const rules = await triggerRulesOf(scope.trx, scope.accountId);
  return {
    accountId: scope.accountId,
    triggers: rules.map((rule) => ({
      id: rule.id,
      name: rule.name,
      keywords: [...rule.keywords],
      reply: rule.reply,
      addToLists: [...rule.addToLists],
      removeFromLists: [...rule.removeFromLists],
    })),
  };
}

/**
 * Replaces the account's triggers with the set a supervisor saved (R5).
 * Every keyword is linted against the whole set: an opt-out or opt-in word,
 * or a keyword two triggers share, refuses the save and says where; carrier
 * keywords are saved with a warning.
 */
export const triggersUpdate: Handler<'triggers.update'> = async (scope, command) => {
  const { trx, accountId, at } = scope;
  await lockAccount(scope);
  const existing = await trx
    .selectFrom('triggers')
    .select(['id', 'created_at'])
    .where('account_id', '=', accountId)
    .execute();
  const created = new Map(existing.map((row) => [row.id, row.created_at]));
  const lists = new Set(
    (await trx.selectFrom('lists').select('id').where('account_id', '=', accountId).execute()).map(
      (row) => row.id,
    ),
  );

  const problems: { path: string; message: string }[] = [];
  const warnings: { keyword: string; trigger: string; message: string }[] = [];
  const ids = new Set<string>();
  command.triggers.forEach((trigger, index) => {
    if (trigger.id !== undefined && ids.has(trigger.id)) {
      problems.push({
        path: `triggers.${String(index)}.id`,
        message: `“${trigger.name}”: the same trigger is in the list twice.`,
      });
    }
    if (trigger.id !== undefined) ids.add(trigger.id);
    if (trigger.id !== undefined && !created.has(trigger.id)) {
      problems.push({
        path: `triggers.${String(index)}.id`,
        message: `“${trigger.name}”: there is no such trigger to change.`,
      });
    }
    const others = command.triggers
      .filter((_other, position) => position !== index)
      .map((other, position) => ({
        id: String(position),
        name: other.name,
        keywords: other.keywords,
      }));
    const seen = new Set<string>();
    trigger.keywords.forEach((keyword, position) => {
      const path = `triggers.${String(index)}.keywords.${String(position)}`;
      const folded = foldText(keyword);
      if (folded !== '' && seen.has(folded)) {
        problems.push({ path, message: `“${trigger.name}” has the keyword “${keyword}” twice.` });
        return;
      }
      seen.add(folded);
      for (const problem of lintTriggerKeyword(keyword, others)) {
        if (problem.severity === 'error') problems.push({ path, message: problem.message });
        else warnings.push({ keyword, trigger: trigger.name, message: problem.message });
      }
    });
    for (const key of ['addToLists', 'removeFromLists'] as const) {
      trigger[key].forEach((listId, position) => {
        if (!lists.has(listId)) {
          problems.push({
            path: `triggers.${String(index)}.${key}.${String(position)}`,
            message: `“${trigger.name}” names a list that does not exist.`,
          });
        }
      });
    }
  });
  if (problems.length > 0) {
    const [first] = problems as [(typeof problems)[number]];
    const more = problems.length > 1 ? ` (and ${String(problems.length - 1)} more)` : '';
    return refuse('invalid-input', `${first.message}${more}`, problems);
  }

  await trx.deleteFrom('triggers').where('account_id', '=', accountId).execute();
  if (command.triggers.length > 0) {
    await trx
      .insertInto('triggers')
      .values(
        command.triggers.map((trigger, position) => ({
          id: trigger.id ?? `${accountId}:${randomUUID()}`,
          account_id: accountId,
          name: trigger.name,
          keywords: JSON.stringify(trigger.keywords.map((keyword) => keyword.trim())),
          reply: trigger.reply === null || trigger.reply.trim() === '' ? null : trigger.reply,
          add_lists: JSON.stringify(trigger.addToLists),
          remove_lists: JSON.stringify(trigger.removeFromLists),
          position,
          created_at: (trigger.id === undefined ? undefined : created.get(trigger.id)) ?? at,
          updated_at: at,
        })),
      )
      .execute();
  }
  const triggers = await triggersSnapshot(scope);
  scope.changes.push({ type: 'triggers.updated', data: triggers });
  return ok({ triggers, warnings });
};

export const listCreate: Handler<'list.create'> = async (scope, command) => {
  await lockAccount(scope);
  const names = await scope.trx
    .selectFrom('lists')
    .select('name')
    .where('account_id', '=', scope.accountId)
    .execute();
  const taken = names.find((row) => foldText(row.name) === foldText(command.name));
  if (taken !== undefined) {
    return refuse('conflict', `There is already a list called “${taken.name}”.`);
  }
  const list = { id: randomUUID(), name: command.name, kind: 'other' as const };
  await scope.trx
    .insertInto('lists')
    .values({ ...list, account_id: scope.accountId, created_at: scope.at })
    .execute();
  scope.changes.push({ type: 'list.updated', data: list });
  return ok({ list });
};
