import type { MigrationDb, MigrationFactory } from './helpers';

/**
 * Scheduled texts and quiet hours: when a text is due, and the time zones
 * quiet hours are read in — the account's, and a contact's own when a
 * person set it.
 */
const migration: MigrationFactory = () => ({
  async up(db: MigrationDb) {
    await db.schema.alterTable('accounts').addColumn('time_zone', 'text').execute();
    await db.schema.alterTable('contacts').addColumn('time_zone', 'text').execute();
    await db.schema.alterTable('messages').addColumn('send_at', 'text').execute();
    await db.schema
      .createIndex('messages_scheduled')
      .on('messages')
      .columns(['status', 'send_at'])
      .execute();
  },
});

export default migration;
