import { sql } from 'kysely';
import { strict, type MigrationDb, type MigrationFactory } from './helpers';

/**
 * Sessions that end, and API keys.
 *
 * Sessions gain an absolute end for their token (`ends_at`; a refresh gives
 * a new token and a new end), the token it replaced (`previous_token_hash`,
 * accepted until `previous_until`, so a refresh whose answer was lost can be
 * tried again), the desktop's user agent and address for the admins' list,
 * and why a revoked session ended (`revoked_reason`). Existing sessions end
 * no later than their idle expiry.
 *
 * API keys belong to an account: a name, a scope (read, send or admin), the
 * SHA-256 of the secret (never the secret), its first characters to tell
 * keys apart, who created it, when it was last used and when revoked.
 */
const migration: MigrationFactory = (dialect) => ({
  async up(db: MigrationDb) {
    for (const column of [
      'ends_at',
      'previous_token_hash',
      'previous_until',
      'user_agent',
      'address',
      'revoked_reason',
    ]) {
      await db.schema.alterTable('sessions').addColumn(column, 'text').execute();
    }
    await sql`update sessions set ends_at = expires_at`.execute(db);
    await db.schema
      .createIndex('sessions_previous_token')
      .on('sessions')
      .column('previous_token_hash')
      .execute();

    await strict(
      dialect,
      db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) =>
          c.notNull().references('accounts.id').onDelete('cascade'),
        )
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) =>
          c.notNull().check(sql`scope in ('read', 'send', 'admin')`),
        )
        .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) =>
          c.notNull().references('users.id').onDelete('cascade'),
        )
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .addColumn('revoked_by', 'text'),
    ).execute();
    await db.schema
      .createIndex('api_keys_account')
      .on('api_keys')
      .columns(['account_id', 'created_at'])
      .execute();
  },
});

export default migration;
