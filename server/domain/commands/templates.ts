import { randomUUID } from 'node:crypto';
import { foldText } from '../../../shared/consent';
import type { TemplatesSnapshot } from '../../../shared/protocol/entities';
import { ok } from '../../../shared/result';
import type { Db } from '../records';
import { lockAccount, refuse, type Handler } from './scope';

/** The account's reply templates, in order, as desktops get them. */
export async function templatesOf(db: Db, accountId: string): Promise<TemplatesSnapshot> {
  const rows = await db
    .selectFrom('templates')
    .select(['id', 'name', 'body'])
    .where('account_id', '=', accountId)
    .orderBy('position')
    .execute();
  return { accountId, templates: rows.map(({ id, name, body }) => ({ id, name, body })) };
}

/**
 * Replaces the account's reply templates with the set a supervisor saved,
 * like `triggers.update`: ids of templates that exist are kept, a template
 * without an id is new, and two templates may not share a name (the
 * composer offers them by name).
 */
export const templatesUpdate: Handler<'templates.update'> = async (scope, command) => {
  const { trx, accountId, at } = scope;
  await lockAccount(scope);
  const existing = await trx
    .selectFrom('templates')
    .select(['id', 'created_at'])
    .where('account_id', '=', accountId)
    .execute();
  const created = new Map(existing.map((row) => [row.id, row.created_at]));

  const problems: { path: string; message: string }[] = [];
  const ids = new Set<string>();
  const names = new Map<string, string>();
  command.templates.forEach((template, index) => {
    const path = (field: string) => `templates.${String(index)}.${field}`;
    if (template.id !== undefined) {
      if (ids.has(template.id)) {
        problems.push({
          path: path('id'),
          message: `“${template.name}”: the same template is in the list twice.`,
        });
      } else if (!created.has(template.id)) {
        problems.push({
          path: path('id'),
          message: `“${template.name}”: there is no such template to change.`,
        });
      }
      ids.add(template.id);
    }
    const folded = foldText(template.name);
    const taken = names.get(folded);
    if (taken !== undefined) {
      problems.push({ path: path('name'), message: `There are two templates called “${taken}”.` });
    } else {
      names.set(folded, template.name);
    }
  });
  if (problems.length > 0) {
    const [first] = problems as [(typeof problems)[number]];
    const more = problems.length > 1 ? ` (and ${String(problems.length - 1)} more)` : '';
    return refuse('invalid-input', `${first.message}${more}`, problems);
  }

  await trx.deleteFrom('templates').where('account_id', '=', accountId).execute();
  if (command.templates.length > 0) {
    await trx
      .insertInto('templates')
      .values(
        command.templates.map((template, position) => ({
          id: template.id ?? randomUUID(),
          account_id: accountId,
          name: template.name,
          body: template.body,
          position,
          created_at: (template.id === undefined ? undefined : created.get(template.id)) ?? at,
          updated_at: at,
        })),
      )
      .execute();
  }
  const templates = await templatesOf(trx, accountId);
  scope.changes.push({ type: 'templates.updated', data: templates });
  return ok({ templates });
};
