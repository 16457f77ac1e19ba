import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Storage } from './connect';
import type { MigrationFactory } from './migrations/helpers';
import initial from './migrations/0001_initial';
import optOutWebhook from './migrations/0002_optout_webhook';
import socketIoAttachments from './migrations/0003_socket_io_attachments';
import scheduledSends from './migrations/0004_scheduled_sends';
import templates from './migrations/0005_templates';
import accountProfile from './migrations/0006_account_profile';
import campaigns from './migrations/0007_campaigns';
import quietHours from './migrations/0008_quiet_hours';
import sessionsAndApiKeys from './migrations/0009_sessions_and_api_keys';
import media from './migrations/0010_media';

/**
 * Every migration, in order. Append only: a migration that has run on some
 * database is never edited, renamed or removed. Kysely refuses to migrate a
 * database whose history differs from this list.
 */
export const MIGRATIONS: readonly (readonly [name: string, factory: MigrationFactory])[] = [
  ['0001_initial', initial],
  ['0002_optout_webhook', optOutWebhook],
  ['0003_socket_io_attachments', socketIoAttachments],
  ['0004_scheduled_sends', scheduledSends],
  ['0005_templates', templates],
  ['0006_account_profile', accountProfile],
  ['0007_campaigns', campaigns],
  ['0008_quiet_hours', quietHours],
  ['0009_sessions_and_api_keys', sessionsAndApiKeys],
  ['0010_media', media],
];

function provider(storage: Storage, upTo?: string): MigrationProvider {
  return {
    getMigrations: () => {
      const migrations: Record<string, Migration> = {};
      for (const [name, factory] of MIGRATIONS) {
        migrations[name] = factory(storage.dialect);
        if (name === upTo) break;
      }
      return Promise.resolve(migrations);
    },
  };
}

/**
 * Brings the database up to date (or up to `upTo`, for migration tests),
 * each migration in its own transaction where the database allows it.
 * Throws with the failing migration's name.
 */
export async function migrate(storage: Storage, upTo?: string): Promise<string[]> {
  const migrator = new Migrator({ db: storage.db, provider: provider(storage, upTo) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error !== undefined) {
    const where = failed === undefined ? '' : ` (migration ${failed.migrationName})`;
    throw new Error(
      `Database migration failed${where}: ${error instanceof Error ? error.message : JSON.stringify(error)}`,
      {
        cause: error,
      },
    );
  }
  return (results ?? [])
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
}

/** The migrations this server knows that the database has not run: none when it is ready. */
export async function pendingMigrations(storage: Storage): Promise<string[]> {
  const migrator = new Migrator({ db: storage.db, provider: provider(storage) });
  const known = await migrator.getMigrations();
  return known.filter((migration) => migration.executedAt === undefined).map((m) => m.name);
}
