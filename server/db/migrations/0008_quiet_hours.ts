import type { MigrationDb, MigrationFactory } from './helpers';

/**
 * Quiet hours as an account setting: the window campaigns and scheduled
 * texts go out in (start, end and days), as JSON. Null is the default,
 * 8:00–21:00 every day, which every existing account keeps; desktops read a
 * profile without it as that default too, so nothing needs logging here.
 */
const migration: MigrationFactory = () => ({
  async up(db: MigrationDb) {
    await db.schema.alterTable('accounts').addColumn('quiet_hours', 'text').execute();
  },
});

export default migration;
