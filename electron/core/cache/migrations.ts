import SqliteDatabase from 'better-sqlite3';
import { addMediaRetention, addMessageMedia } from './mediaMigration';
import { contactSearchText } from './searchText';
import { timeKeys } from './timeKey';

export type Database = SqliteDatabase.Database;

export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Database): void;
}

/**
 * The cache's schema, one step at a time. Append only: a migration that has
 * run on someone's desktop is never edited, renumbered or removed, since the
 * file records only the number it reached (PRAGMA user_version).
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    up: (db) => {
      db.exec(`
        -- One row: whose file this is and how far the change log has been stored.
        CREATE TABLE meta (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          server_url TEXT,
          account_id TEXT,
          user_id TEXT,
          cursor INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        INSERT INTO meta (id) VALUES (1);

        CREATE TABLE contacts (
          id TEXT PRIMARY KEY,
          phone TEXT NOT NULL,
          name TEXT NOT NULL,
          opted_in INTEGER NOT NULL,
          blocked INTEGER NOT NULL,
          opt_out TEXT,
          -- The snapshot's list ids in its own order; contact_lists is for filtering.
          lists TEXT NOT NULL,
          time_zone TEXT,
          updated_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE contact_lists (
          list_id TEXT NOT NULL,
          contact_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
          PRIMARY KEY (list_id, contact_id)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX contact_lists_by_contact ON contact_lists (contact_id);

        -- The contact's name, number and consent are copied onto its conversations,
        -- and the newest shown message and the signed-in person's unread count are
        -- kept on apply, so every inbox filter is one index range with no joins.
        CREATE TABLE conversations (
          id TEXT PRIMARY KEY,
          contact_id TEXT NOT NULL,
          business_number_id TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
          assignee_id TEXT,
          last_activity_at TEXT NOT NULL,
          name TEXT NOT NULL DEFAULT '',
          phone TEXT NOT NULL DEFAULT '',
          opted_in INTEGER NOT NULL DEFAULT 0,
          blocked INTEGER NOT NULL DEFAULT 0,
          last_message_id TEXT,
          last_body TEXT,
          last_direction TEXT,
          last_status TEXT,
          last_at TEXT,
          unread INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        -- Every text moves its conversation in the indexes holding last_activity_at:
        -- few of them, so the opted-out filter walks by_activity, checking opted_in in the index.
        CREATE INDEX conversations_by_status
          ON conversations (blocked, status, last_activity_at, id);
        CREATE INDEX conversations_by_assignee
          ON conversations (blocked, status, assignee_id, last_activity_at, id);
        CREATE INDEX conversations_by_activity
          ON conversations (blocked, last_activity_at, id, opted_in);
        -- A contact's conversations (usually one); with blocked, list counts never read the rows.
        CREATE INDEX conversations_by_contact ON conversations (contact_id, blocked);

        -- rk orders messages by creation time (see timeKey.ts) and is the search index's rowid.
        CREATE TABLE messages (
          rk INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          conversation_id TEXT NOT NULL,
          direction TEXT NOT NULL,
          body TEXT NOT NULL,
          author_id TEXT,
          status TEXT NOT NULL,
          error_code TEXT,
          error_message TEXT,
          possible_opt_out INTEGER NOT NULL,
          trigger_id TEXT,
          in_reply_to TEXT,
          send_at TEXT,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX messages_by_conversation ON messages (conversation_id, created_at, id);
        -- What can be unread: counting a conversation's unread texts reads only this index.
        CREATE INDEX messages_unread ON messages (conversation_id, created_at)
          WHERE direction = 'inbound' AND status != 'quarantined';

        -- Keyed by the change's seq, so a replayed change is stored once.
        CREATE TABLE consent_history (
          seq INTEGER PRIMARY KEY,
          contact_id TEXT NOT NULL,
          at TEXT NOT NULL,
          entry TEXT NOT NULL
        ) STRICT;
        CREATE INDEX consent_history_by_contact ON consent_history (contact_id, at, seq);

        CREATE TABLE lists (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          kind TEXT NOT NULL
        ) STRICT;

        -- The account's whole trigger set, in order: replaced, never merged.
        CREATE TABLE triggers (
          account_id TEXT PRIMARY KEY,
          triggers TEXT NOT NULL
        ) STRICT;

        CREATE TABLE users (
          id TEXT PRIMARY KEY,
          email TEXT NOT NULL,
          name TEXT NOT NULL,
          role TEXT NOT NULL,
          disabled INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE reads (
          conversation_id TEXT NOT NULL,
          user_id TEXT NOT NULL,
          read_at TEXT NOT NULL,
          PRIMARY KEY (conversation_id, user_id)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE outbox (
          key TEXT PRIMARY KEY,
          command TEXT NOT NULL,
          created_at TEXT NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'refused', 'cancelled')),
          outcome TEXT,
          -- A message.send's conversation, so a conversation's waiting texts are one lookup.
          conversation_id TEXT
        ) STRICT;
        CREATE INDEX outbox_by_state ON outbox (state, created_at);
        CREATE INDEX outbox_by_conversation ON outbox (conversation_id, created_at)
          WHERE conversation_id IS NOT NULL;
      `);
    },
  },
  {
    version: 2,
    name: 'search',
    up: (db) => {
      /*
       * Both indexes use unicode61 (case and accents folded) with prefix
       * indexes on 2 and 3 characters, rather than trigram:
       * - words: "appt" finds "appointment" and "parking" finds "Parking?";
       *   the last word typed is a prefix query, answered from the prefix
       *   index without merging every term that starts with it. Trigram
       *   finds nothing under 3 characters, matches mid-word noise, and
       *   makes an index about three times the text.
       * - names: words too, every one a prefix ("ada lov").
       * - numbers: each contact's digits are indexed as all their suffixes
       *   of 3 digits or more (14155550123, 4155550123, …, 123), so a prefix
       *   query on the digits typed finds 5550123, 555 or 0123 anywhere in
       *   the number: trigram's substring search, on a few tokens per contact.
       * Both are contentless (the text lives in messages and contacts; an
       * entry is removed with the 'delete' command and the text it was
       * indexed with, which costs far less than contentless_delete's
       * tombstones) and keep no column sizes (only ranking reads them; hits
       * come newest first, not ranked). Rowids are time-ordered keys: a
       * message's creation (so "newest first" is the index's own order and
       * a search stops after the first hits), a contact's first snapshot.
       */
      db.exec(`
        ALTER TABLE contacts ADD COLUMN search_key INTEGER;
        CREATE UNIQUE INDEX contacts_by_search_key ON contacts (search_key);

        CREATE VIRTUAL TABLE messages_search USING fts5(
          body,
          content = '', columnsize = 0,
          tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
        );
        CREATE VIRTUAL TABLE contacts_search USING fts5(
          name, number,
          content = '', columnsize = 0,
          tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
        );
        INSERT INTO messages_search (rowid, body) SELECT rk, body FROM messages;
      `);
      const contacts = db
        .prepare<[], { id: string; name: string; phone: string; updated_at: string }>(
          'SELECT id, name, phone, updated_at FROM contacts ORDER BY updated_at, id',
        )
        .all();
      const setKey = db.prepare<[number, string]>(
        'UPDATE contacts SET search_key = ? WHERE id = ?',
      );
      const index = db.prepare<[number, string, string]>(
        'INSERT INTO contacts_search (rowid, name, number) VALUES (?, ?, ?)',
      );
      const keyFor = timeKeys(db, 'contacts');
      for (const contact of contacts) {
        const key = keyFor(contact.updated_at);
        setKey.run(key, contact.id);
        const text = contactSearchText(contact);
        index.run(key, text.name, text.number);
      }
    },
  },
  {
    version: 3,
    name: 'counts',
    up: (db) => {
      /*
       * The inbox's counts, kept as conversations change instead of counted
       * on each call (a scan of every conversation and list membership took
       * ~50 ms at 100,000 conversations, and the badge asks after every packet).
       * Conversations are counted by group: the few combinations of what the
       * filters look at, so "mine" holds for whoever signs in. Triggers keep
       * both tables in step with any write, in the writer's transaction.
       */
      db.exec(`
        CREATE TABLE conversation_groups (
          blocked INTEGER NOT NULL,
          status TEXT NOT NULL,
          opted_in INTEGER NOT NULL,
          -- '' for unassigned, so the key has no NULL.
          assignee_id TEXT NOT NULL,
          conversations INTEGER NOT NULL,
          unread INTEGER NOT NULL,
          PRIMARY KEY (blocked, status, opted_in, assignee_id)
        ) STRICT, WITHOUT ROWID;

        -- Conversations not blocked whose contact is on the list.
        CREATE TABLE list_counts (
          list_id TEXT PRIMARY KEY,
          conversations INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID;

        CREATE TRIGGER conversations_group_insert AFTER INSERT ON conversations BEGIN
          INSERT INTO conversation_groups
            VALUES (new.blocked, new.status, new.opted_in, coalesce(new.assignee_id, ''), 1, new.unread)
            ON CONFLICT (blocked, status, opted_in, assignee_id) DO UPDATE
            SET conversations = conversations + 1, unread = unread + excluded.unread;
        END;
        CREATE TRIGGER conversations_group_delete AFTER DELETE ON conversations BEGIN
          UPDATE conversation_groups SET conversations = conversations - 1, unread = unread - old.unread
          WHERE blocked = old.blocked AND status = old.status AND opted_in = old.opted_in
            AND assignee_id = coalesce(old.assignee_id, '');
        END;
        CREATE TRIGGER conversations_group_update
          AFTER UPDATE OF blocked, status, opted_in, assignee_id, unread ON conversations
          WHEN old.blocked IS NOT new.blocked OR old.status IS NOT new.status
            OR old.opted_in IS NOT new.opted_in OR old.assignee_id IS NOT new.assignee_id
            OR old.unread IS NOT new.unread
        BEGIN
          UPDATE conversation_groups SET conversations = conversations - 1, unread = unread - old.unread
          WHERE blocked = old.blocked AND status = old.status AND opted_in = old.opted_in
            AND assignee_id = coalesce(old.assignee_id, '');
          INSERT INTO conversation_groups
            VALUES (new.blocked, new.status, new.opted_in, coalesce(new.assignee_id, ''), 1, new.unread)
            ON CONFLICT (blocked, status, opted_in, assignee_id) DO UPDATE
            SET conversations = conversations + 1, unread = unread + excluded.unread;
        END;

        CREATE TRIGGER contact_lists_count_insert AFTER INSERT ON contact_lists BEGIN
          INSERT INTO list_counts
            SELECT new.list_id, count(*) FROM conversations
            WHERE contact_id = new.contact_id AND blocked = 0
            ON CONFLICT (list_id) DO UPDATE SET conversations = conversations + excluded.conversations;
        END;
        CREATE TRIGGER contact_lists_count_delete AFTER DELETE ON contact_lists BEGIN
          UPDATE list_counts SET conversations = conversations - (
            SELECT count(*) FROM conversations WHERE contact_id = old.contact_id AND blocked = 0)
          WHERE list_id = old.list_id;
        END;
        CREATE TRIGGER conversations_list_insert AFTER INSERT ON conversations WHEN new.blocked = 0
        BEGIN
          UPDATE list_counts SET conversations = conversations + 1
          WHERE list_id IN (SELECT list_id FROM contact_lists WHERE contact_id = new.contact_id);
        END;
        CREATE TRIGGER conversations_list_delete AFTER DELETE ON conversations WHEN old.blocked = 0
        BEGIN
          UPDATE list_counts SET conversations = conversations - 1
          WHERE list_id IN (SELECT list_id FROM contact_lists WHERE contact_id = old.contact_id);
        END;
        CREATE TRIGGER conversations_list_update AFTER UPDATE OF blocked, contact_id ON conversations
          WHEN old.blocked IS NOT new.blocked OR old.contact_id IS NOT new.contact_id
        BEGIN
          UPDATE list_counts SET conversations = conversations - 1
          WHERE old.blocked = 0
            AND list_id IN (SELECT list_id FROM contact_lists WHERE contact_id = old.contact_id);
          UPDATE list_counts SET conversations = conversations + 1
          WHERE new.blocked = 0
            AND list_id IN (SELECT list_id FROM contact_lists WHERE contact_id = new.contact_id);
        END;

        INSERT INTO conversation_groups
          SELECT blocked, status, opted_in, coalesce(assignee_id, ''), count(*), sum(unread)
          FROM conversations GROUP BY 1, 2, 3, 4;
        INSERT INTO list_counts
          SELECT l.list_id, count(c.id) FROM contact_lists l
          LEFT JOIN conversations c ON c.contact_id = l.contact_id AND c.blocked = 0
          GROUP BY l.list_id;
      `);
    },
  },
  {
    version: 4,
    name: 'templates and profile',
    up: (db) => {
      // Both are whole snapshots of the account's, replaced by each change (like triggers).
      db.exec(`
        CREATE TABLE templates (
          account_id TEXT PRIMARY KEY,
          templates TEXT NOT NULL
        ) STRICT;

        CREATE TABLE account_profile (
          account_id TEXT PRIMARY KEY,
          business_name TEXT NOT NULL,
          default_country TEXT NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    version: 5,
    name: 'lists and opt-out report',
    up: (db) => {
      /*
       * The profile's zone and business numbers (a file of version 4 has a
       * profile without them: null and [] until the next account.updated).
       *
       * Member tables and the Opt-Out List are in name order: named
       * contacts first, case folded, then unnamed ones by number, then id.
       * The indexes hold that order, so a page is one index range however
       * deep it is. The order is two computed columns (never stored):
       * SQLite seeks an index with a row value like (unnamed, sort_name,
       * phone, id) > (…) only when each term is a column, and an
       * expression such as "name COLLATE NOCASE" is not one.
       *
       * The opt-out report reads the history's opt-outs by time.
       */
      db.exec(`
        ALTER TABLE account_profile ADD COLUMN time_zone TEXT;
        ALTER TABLE account_profile ADD COLUMN business_numbers TEXT NOT NULL DEFAULT '[]';

        ALTER TABLE contacts ADD COLUMN unnamed INTEGER GENERATED ALWAYS AS (name = '') VIRTUAL;
        ALTER TABLE contacts ADD COLUMN sort_name TEXT COLLATE NOCASE
          GENERATED ALWAYS AS (name) VIRTUAL;
        CREATE INDEX contacts_by_name ON contacts (unnamed, sort_name, phone, id);
        CREATE INDEX contacts_opted_out_by_name
          ON contacts (unnamed, sort_name, phone, id) WHERE opted_in = 0;
        CREATE INDEX consent_history_opt_outs
          ON consent_history (at, seq) WHERE json_extract(entry, '$.change') = 'opted-out';
      `);
    },
  },
  {
    version: 6,
    name: 'campaigns',
    up: (db) => {
      // A campaign is its latest snapshot; recipients are one row per member, by contact id.
      db.exec(`
        CREATE TABLE campaigns (
          id TEXT PRIMARY KEY,
          created_at TEXT NOT NULL,
          snapshot TEXT NOT NULL
        ) STRICT;
        CREATE INDEX campaigns_by_created ON campaigns (created_at, id);

        CREATE TABLE campaign_recipients (
          campaign_id TEXT NOT NULL,
          contact_id TEXT NOT NULL,
          status TEXT NOT NULL,
          reason TEXT,
          message_id TEXT,
          PRIMARY KEY (campaign_id, contact_id)
        ) STRICT, WITHOUT ROWID;
      `);
    },
  },
  {
    version: 7,
    name: 'quiet hours',
    up: (db) => {
      // The profile's window for campaigns and scheduled texts, as JSON; null
      // (a profile stored before it) reads as the default until the next account.updated.
      db.exec(`ALTER TABLE account_profile ADD COLUMN quiet_hours TEXT;`);
    },
  },
  { version: 8, name: 'media', up: addMessageMedia },
  { version: 9, name: 'media retention', up: addMediaRetention },
];

export const LATEST_VERSION = MIGRATIONS.length;

/** The schema version the file is at: 0 for a new file. */
export function schemaVersion(db: Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}

/**
 * Brings the file up to `target` (the latest by default), each migration in
 * its own transaction with its version number. Refuses a file a newer app
 * made: its tables may mean things this app does not know.
 */
export function migrate(db: Database, target: number = LATEST_VERSION): void {
  const current = schemaVersion(db);
  if (current > LATEST_VERSION) {
    throw new Error(
      `This cache file was made by a newer version of Textdesk (schema ${current}; this version knows up to ${LATEST_VERSION}). Update Textdesk, or remove the file to download the account again.`,
    );
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= current || migration.version > target) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}

export interface OpenOptions {
  /** better-sqlite3's native module built for the running runtime (Electron's ABI differs from Node's). */
  readonly nativeBinding?: string | undefined;
}

/** Opens (or creates) a cache file with the settings it always runs with, and migrates it. */
export function openDatabase(file: string, options: OpenOptions = {}): Database {
  const db = new SqliteDatabase(
    file,
    options.nativeBinding === undefined ? {} : { nativeBinding: options.nativeBinding },
  );
  try {
    db.pragma('journal_mode = WAL');
    // The server holds the truth: a power cut may lose the last changes, which are pulled again.
    db.pragma('synchronous = NORMAL');
    // In WAL mode only checkpoints wait for the disk: during a catch-up, fewer and larger
    // ones (about 40 MB of changes each) instead of one every 4 MB; the file is cut back after.
    db.pragma('wal_autocheckpoint = 10000');
    db.pragma('journal_size_limit = 67108864');
    db.pragma('foreign_keys = ON');
    // 32 MiB of pages (SQLite's default is 2 MiB): more of the indexes a catch-up writes all
    // over stay in memory, at a small part of the app's memory.
    db.pragma('cache_size = -32768');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
