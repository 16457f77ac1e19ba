import { strict, type MigrationDb, type MigrationFactory } from './helpers';

/**
 * The opt-out webhook (R10): where each account wants to hear of opt-outs,
 * and an outbox of deliveries, written in the same transaction as the
 * opt-out itself so none is lost, and retried from there.
 */
const migration: MigrationFactory = (dialect) => ({
  async up(db: MigrationDb) {
    await db.schema.alterTable('accounts').addColumn('optout_webhook_url', 'text').execute();
    await db.schema.alterTable('accounts').addColumn('optout_webhook_secret', 'text').execute();

    await strict(
      dialect,
      db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) =>
          c.notNull().references('accounts.id').onDelete('cascade'),
        )
        .addColumn('url', 'text', (c) => c.notNull())
        /** The exact body sent, so every attempt signs the same bytes. */
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        /** When the next attempt is due; null once delivered or given up. */
        .addColumn('next_attempt_at', 'text')
        .addColumn('delivered_at', 'text')
        .addColumn('gave_up_at', 'text')
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text'),
    ).execute();
    await db.schema
      .createIndex('webhook_deliveries_due')
      .on('webhook_deliveries')
      .column('next_attempt_at')
      .execute();
    await db.schema
      .createIndex('webhook_deliveries_account')
      .on('webhook_deliveries')
      .columns(['account_id', 'created_at'])
      .execute();
  },
});

export default migration;
