import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { strict, type MigrationDb, type MigrationFactory } from './helpers';

/**
 * Reply templates, shared by the whole account, and what desktops know of
 * the account itself.
 *
 * Accounts that already exist get the templates new accounts start with,
 * and their profile (business name, default country) and templates are
 * appended to their change log here, once, in the migration's transaction:
 * a desktop learns both by pulling, as it would for a new account, and
 * servers of a cluster starting together cannot log them twice (the first
 * to start migrates). The defaults are copied, not imported: a migration
 * must do the same thing whenever it runs.
 */
const DEFAULTS = [
  {
    name: 'Thanks',
    body: 'Thanks, {{first_name}}! We got your message and will get back to you shortly.',
  },
  {
    name: 'Hours',
    body: '{{business_name}} is open Monday to Friday, 9am to 5pm. Text us here any time and we will reply when we are back.',
  },
  {
    name: 'Follow-up',
    body: 'Hi {{first_name}}, this is {{agent_name}} from {{business_name}}. Is there anything else we can help you with?',
  },
] as const;

const migration: MigrationFactory = (dialect) => ({
  async up(db: MigrationDb) {
    await strict(
      dialect,
      db.schema
        .createTable('templates')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) =>
          c.notNull().references('accounts.id').onDelete('cascade'),
        )
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull()),
    ).execute();
    await db.schema
      .createIndex('templates_account')
      .on('templates')
      .columns(['account_id', 'position'])
      .execute();

    const at = new Date().toISOString();
    const accounts: { id: string; name: string; default_country: string }[] = await db
      .selectFrom('accounts')
      .select(['id', 'name', 'default_country'])
      .orderBy('id')
      .execute();
    for (const account of accounts) {
      const templates = DEFAULTS.map((template) => ({ id: randomUUID(), ...template }));
      await db
        .insertInto('templates')
        .values(
          templates.map((template, position) => ({
            ...template,
            account_id: account.id,
            position,
            created_at: at,
            updated_at: at,
          })),
        )
        .execute();
      // The account row is the log's counter, as in appendChanges.
      const counter: { last_seq: number } = await db
        .updateTable('accounts')
        .set({ last_seq: sql`last_seq + 2` })
        .where('id', '=', account.id)
        .returning('last_seq')
        .executeTakeFirstOrThrow();
      const first = counter.last_seq - 1;
      await db
        .insertInto('change_log')
        .values([
          {
            account_id: account.id,
            seq: first,
            at,
            type: 'account.updated',
            entity_id: account.id,
            data: JSON.stringify({
              accountId: account.id,
              businessName: account.name,
              defaultCountry: account.default_country,
            }),
          },
          {
            account_id: account.id,
            seq: first + 1,
            at,
            type: 'templates.updated',
            entity_id: account.id,
            data: JSON.stringify({ accountId: account.id, templates }),
          },
        ])
        .execute();
    }
  },
});

export default migration;
