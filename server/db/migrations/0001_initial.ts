import { sql } from 'kysely';
import { bigint, strict, type MigrationDb, type MigrationFactory } from './helpers';

/** Accounts, people, contacts, conversations, consent and the change log. */
const migration: MigrationFactory = (dialect) => ({
  async up(db: MigrationDb) {
    const create = (name: string) => db.schema.createTable(name);
    const int64 = bigint(dialect);

    await strict(
      dialect,
      create('accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('default_country', 'text', (c) => c.notNull())
        .addColumn('support_contact', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('last_seq', int64, (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull()),
    ).execute();

    await strict(
      dialect,
      create('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) =>
          c.notNull().references('accounts.id').onDelete('cascade'),
        )
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull().check(sqlRole))
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('disabled_at', 'text'),
    ).execute();

    await strict(
      dialect,
      create('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text'),
    ).execute();
    await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

    await strict(
      dialect,
      create('business_numbers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) =>
          c.notNull().references('accounts.id').onDelete('cascade'),
        )
        .addColumn('phone', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('business_numbers_phone', ['account_id', 'phone']),
    ).execute();

    await strict(
      dialect,
      create('contacts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) =>
          c.notNull().references('accounts.id').onDelete('cascade'),
        )
        .addColumn('phone', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('opted_in', 'integer', (c) => c.notNull())
        .addColumn('blocked', 'integer', (c) => c.notNull())
        .addColumn('opt_out', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('contacts_phone', ['account_id', 'phone']),
    ).execute();

    await strict(
      dialect,
      create('lists')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) =>
          c.notNull().references('accounts.id').onDelete('cascade'),
        )
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('lists_name', ['account_id', 'name']),
    ).execute();

    await strict(
      dialect,
      create('list_members')
        .addColumn('list_id', 'text', (c) => c.notNull().references('lists.id').onDelete('cascade'))
        .addColumn('contact_id', 'text', (c) =>
          c.notNull().references('contacts.id').onDelete('cascade'),
        )
        .addColumn('added_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('list_members_pk', ['list_id', 'contact_id']),
    ).execute();
    await db.schema
      .createIndex('list_members_contact')
      .on('list_members')
      .column('contact_id')
      .execute();

    await strict(
      dialect,
      create('conversations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) =>
          c.notNull().references('accounts.id').onDelete('cascade'),
        )
        .addColumn('contact_id', 'text', (c) =>
          c.notNull().references('contacts.id').onDelete('cascade'),
        )
        .addColumn('business_number_id', 'text', (c) =>
          c.notNull().references('business_numbers.id').onDelete('cascade'),
        )
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('assignee_id', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('last_activity_at', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('conversations_thread', [
          'account_id',
          'contact_id',
          'business_number_id',
        ]),
    ).execute();
    await db.schema
      .createIndex('conversations_activity')
      .on('conversations')
      .columns(['account_id', 'last_activity_at'])
      .execute();

    await strict(
      dialect,
      create('conversation_reads')
        .addColumn('conversation_id', 'text', (c) =>
          c.notNull().references('conversations.id').onDelete('cascade'),
        )
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('read_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('conversation_reads_pk', ['conversation_id', 'user_id']),
    ).execute();

    await strict(
      dialect,
      create('messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) =>
          c.notNull().references('accounts.id').onDelete('cascade'),
        )
        .addColumn('conversation_id', 'text', (c) =>
          c.notNull().references('conversations.id').onDelete('cascade'),
        )
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('author_id', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('carrier_id', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('error_code', 'text')
        .addColumn('error_message', 'text')
        .addColumn('possible_opt_out', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('trigger_id', 'text')
        .addColumn('in_reply_to', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        // The carrier's id is how a retried webhook is recognised (dedupe).
        .addUniqueConstraint('messages_carrier_id', ['account_id', 'carrier_id']),
    ).execute();
    await db.schema
      .createIndex('messages_conversation')
      .on('messages')
      .columns(['conversation_id', 'created_at'])
      .execute();

    await strict(
      dialect,
      create('triggers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) =>
          c.notNull().references('accounts.id').onDelete('cascade'),
        )
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('keywords', 'text', (c) => c.notNull())
        .addColumn('reply', 'text')
        .addColumn('add_lists', 'text', (c) => c.notNull())
        .addColumn('remove_lists', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull()),
    ).execute();

    await strict(
      dialect,
      create('consent_history')
        .addColumn('id', int64, (c) =>
          dialect === 'sqlite'
            ? c.primaryKey().autoIncrement()
            : c.primaryKey().generatedAlwaysAsIdentity(),
        )
        .addColumn('account_id', 'text', (c) =>
          c.notNull().references('accounts.id').onDelete('cascade'),
        )
        .addColumn('contact_id', 'text', (c) =>
          c.notNull().references('contacts.id').onDelete('cascade'),
        )
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('change', 'text', (c) => c.notNull())
        .addColumn('source', 'text')
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('text', 'text')
        .addColumn('word', 'text')
        .addColumn('list_id', 'text')
        .addColumn('trigger_id', 'text')
        .addColumn('carrier_code', 'text'),
    ).execute();
    await db.schema
      .createIndex('consent_history_contact')
      .on('consent_history')
      .columns(['contact_id', 'id'])
      .execute();

    await strict(
      dialect,
      create('opt_out_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) =>
          c.notNull().references('accounts.id').onDelete('cascade'),
        )
        .addColumn('contact_id', 'text', (c) =>
          c.notNull().references('contacts.id').onDelete('cascade'),
        )
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text'),
    ).execute();

    await strict(
      dialect,
      create('change_log')
        .addColumn('account_id', 'text', (c) =>
          c.notNull().references('accounts.id').onDelete('cascade'),
        )
        .addColumn('seq', int64, (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('entity_id', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('change_log_pk', ['account_id', 'seq']),
    ).execute();

    await strict(
      dialect,
      create('idempotency')
        .addColumn('account_id', 'text', (c) =>
          c.notNull().references('accounts.id').onDelete('cascade'),
        )
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text')
        .addColumn('command', 'text', (c) => c.notNull())
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_pk', ['account_id', 'key']),
    ).execute();
  },
});

const sqlRole = sql`role in ('agent', 'supervisor', 'admin')`;

export default migration;
