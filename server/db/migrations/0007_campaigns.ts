import { sql } from 'kysely';
import { strict, type MigrationDb, type MigrationFactory } from './helpers';

/**
 * Campaigns (R7) and what became of each member of their list. Sending is
 * kept here, not in memory, so a campaign carries on after a restart and
 * several servers share the work.
 *
 * `list_id` has no foreign key: a list may be deleted while a campaign
 * that went to it is kept, with its recipients, as a record.
 */
const migration: MigrationFactory = (dialect) => ({
  async up(db: MigrationDb) {
    await strict(
      dialect,
      db.schema
        .createTable('campaigns')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) =>
          c.notNull().references('accounts.id').onDelete('cascade'),
        )
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('list_id', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) =>
          c.notNull().check(sql`purpose in ('marketing', 'transactional')`),
        )
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c.notNull().check(sql`status in ('scheduled', 'sending', 'done')`),
        )
        .addColumn('send_at', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        // Every member of the list has a recipient row (they are taken in by batches).
        .addColumn('expanded_at', 'text')
        // When progress was last logged, and whether it has moved since (logged at most once a second).
        .addColumn('progress_at', 'text')
        .addColumn('progress_dirty', 'integer', (c) => c.notNull().defaultTo(0)),
    ).execute();
    await db.schema
      .createIndex('campaigns_account')
      .on('campaigns')
      .columns(['account_id', 'created_at'])
      .execute();
    await db.schema.createIndex('campaigns_status').on('campaigns').column('status').execute();

    await strict(
      dialect,
      db.schema
        .createTable('campaign_recipients')
        .addColumn('campaign_id', 'text', (c) =>
          c.notNull().references('campaigns.id').onDelete('cascade'),
        )
        .addColumn('contact_id', 'text', (c) =>
          c.notNull().references('contacts.id').onDelete('cascade'),
        )
        .addColumn('status', 'text', (c) =>
          c.notNull().check(sql`status in ('skipped', 'waiting', 'sent', 'delivered', 'failed')`),
        )
        .addColumn('reason', 'text')
        .addColumn('message_id', 'text')
        // When a waiting recipient's text may go: now, or the end of their quiet hours.
        .addColumn('send_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('campaign_recipients_pk', ['campaign_id', 'contact_id']),
    ).execute();
    await db.schema
      .createIndex('campaign_recipients_due')
      .on('campaign_recipients')
      .columns(['status', 'send_at'])
      .execute();
    // Counts by status, and "is anyone still waiting", without reading every row.
    await db.schema
      .createIndex('campaign_recipients_status')
      .on('campaign_recipients')
      .columns(['campaign_id', 'status'])
      .execute();
    await db.schema
      .createIndex('campaign_recipients_message')
      .on('campaign_recipients')
      .column('message_id')
      .execute();
  },
});

export default migration;
