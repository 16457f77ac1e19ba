import { sql } from 'kysely';
import { bigint, strict, type MigrationDb, type MigrationFactory } from './helpers';

/**
 * Pictures and files (MMS).
 *
 * `media_blobs`: one row per distinct file, by the SHA-256 of its bytes
 * (the bytes live in the media store under that hash; a re-encoded preview
 * and a thumbnail beside them when `preview_type` is set). Its sniffed
 * type, size and, for images, pixels.
 *
 * `media`: one row per file as it came to an account — from a carrier, the
 * simulator or an upload — with its own name and the type it claimed, and
 * the blob it is. Uploads live here before a text uses them.
 *
 * `message_media`: which message shows which media, in order. A blob whose
 * last media row is gone is removed from the store.
 *
 * `messages.media` keeps the JSON of the message's MediaSnapshot list, so
 * every snapshot of a message (a receipt, a retry) carries its files without
 * another read. Accounts gain `media_retention_days` (null: kept forever).
 */
const migration: MigrationFactory = (dialect) => ({
  async up(db: MigrationDb) {
    await strict(
      dialect,
      db.schema
        .createTable('media_blobs')
        .addColumn('sha256', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('size', bigint(dialect), (c) => c.notNull())
        .addColumn('width', 'integer')
        .addColumn('height', 'integer')
        .addColumn('preview_type', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull()),
    ).execute();

    await strict(
      dialect,
      db.schema
        .createTable('media')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) =>
          c.notNull().references('accounts.id').onDelete('cascade'),
        )
        .addColumn('sha256', 'text', (c) => c.notNull().references('media_blobs.sha256'))
        .addColumn('filename', 'text')
        .addColumn('claimed_type', 'text')
        .addColumn('source', 'text', (c) =>
          c.notNull().check(sql`source in ('carrier', 'upload', 'simulator')`),
        )
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expired_at', 'text'),
    ).execute();
    await db.schema
      .createIndex('media_account')
      .on('media')
      .columns(['account_id', 'created_at'])
      .execute();
    await db.schema.createIndex('media_blob').on('media').column('sha256').execute();

    await strict(
      dialect,
      db.schema
        .createTable('message_media')
        .addColumn('message_id', 'text', (c) =>
          c.notNull().references('messages.id').onDelete('cascade'),
        )
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('media_id', 'text', (c) => c.notNull().references('media.id'))
        .addPrimaryKeyConstraint('message_media_pk', ['message_id', 'position']),
    ).execute();
    await db.schema
      .createIndex('message_media_media')
      .on('message_media')
      .column('media_id')
      .execute();

    await db.schema.alterTable('messages').addColumn('media', 'text').execute();
    await db.schema.alterTable('accounts').addColumn('media_retention_days', 'integer').execute();
  },
});

export default migration;
