import SqliteDatabase from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_QUIET_HOURS } from '../../../shared/consent';
import { LocalCache } from './localCache';
import {
  type Database,
  LATEST_VERSION,
  MIGRATIONS,
  migrate,
  openDatabase,
  schemaVersion,
} from './migrations';
import { ChangeLog, ME, minute, temporaryFolder } from './testChanges';

let folder: ReturnType<typeof temporaryFolder>;
let file: string;

beforeEach(() => {
  folder = temporaryFolder();
  file = join(folder.path, 'cache.sqlite');
});

afterEach(() => {
  folder.remove();
});

/** Rows written straight into the schema as it stood at a version, as an older app left them. */
const SEEDS: Record<number, (db: Database) => void> = {
  1: (db) => {
    db.prepare(
      `UPDATE meta SET server_url = ?, account_id = ?, user_id = ?, cursor = 7 WHERE id = 1`,
    ).run(ME.serverUrl, ME.accountId, ME.userId);
    db.prepare(
      `INSERT INTO contacts (id, phone, name, opted_in, blocked, opt_out, lists, time_zone, updated_at)
       VALUES ('contact-1', '+14155550123', 'Ada Lovelace', 1, 0, NULL, '["vip"]', NULL, ?)`,
    ).run(minute(0));
    db.prepare(`INSERT INTO contact_lists (list_id, contact_id) VALUES ('vip', 'contact-1')`).run();
    db.prepare(
      `INSERT INTO conversations (id, contact_id, business_number_id, status, assignee_id,
         last_activity_at, name, phone, opted_in, blocked, last_message_id, last_body,
         last_direction, last_status, last_at, unread)
       VALUES ('conversation-1', 'contact-1', 'number-1', 'open', NULL, ?, 'Ada Lovelace',
         '+14155550123', 1, 0, 'm1', 'See you at the appointment', 'inbound', 'received', ?, 1)`,
    ).run(minute(5), minute(5));
    db.prepare(
      `INSERT INTO messages (rk, id, conversation_id, direction, body, author_id, status,
         error_code, error_message, possible_opt_out, trigger_id, in_reply_to, send_at,
         created_at, updated_at)
       VALUES (?, 'm1', 'conversation-1', 'inbound', 'See you at the appointment', NULL,
         'received', NULL, NULL, 0, NULL, NULL, NULL, ?, ?)`,
    ).run(Date.parse(minute(5)) * 1024, minute(5), minute(5));
    db.prepare(
      `INSERT INTO consent_history (seq, contact_id, at, entry) VALUES (3, 'contact-1', ?, '{}')`,
    ).run(minute(1));
    db.prepare(`INSERT INTO lists (id, name, kind) VALUES ('vip', 'VIP', 'other')`).run();
    db.prepare(`INSERT INTO triggers (account_id, triggers) VALUES (?, '[]')`).run(ME.accountId);
    db.prepare(
      `INSERT INTO users (id, email, name, role, disabled) VALUES (?, 'me@example.com', 'Me', 'agent', 0)`,
    ).run(ME.userId);
    db.prepare(
      `INSERT INTO reads (conversation_id, user_id, read_at) VALUES ('conversation-1', ?, ?)`,
    ).run(ME.userId, minute(2));
    db.prepare(
      `INSERT INTO outbox (key, command, created_at, attempts, state, outcome, conversation_id)
       VALUES ('key-pending-1', '{"type":"conversation.close","conversationId":"conversation-1"}', ?, 0, 'pending', NULL, NULL)`,
    ).run(minute(6));
  },
  4: (db) => {
    SEEDS[1]?.(db);
    db.prepare(`INSERT INTO templates (account_id, templates) VALUES (?, ?)`).run(
      ME.accountId,
      '[{"id":"t1","name":"Thanks","body":"Thanks, {{first_name}}!"}]',
    );
    db.prepare(
      `INSERT INTO account_profile (account_id, business_name, default_country) VALUES (?, 'Acme Dental', 'US')`,
    ).run(ME.accountId);
  },
  6: (db) => {
    seedFor(5)(db);
    db.prepare(`INSERT INTO campaigns (id, created_at, snapshot) VALUES ('campaign-1', ?, ?)`).run(
      minute(8),
      JSON.stringify({
        id: 'campaign-1',
        name: 'Spring sale',
        listId: 'vip',
        purpose: 'marketing',
        body: 'Sale! Reply STOP to opt out.',
        status: 'done',
        createdAt: minute(8),
        createdBy: ME.userId,
        sendAt: null,
        counts: { recipients: 1, skipped: 0, waiting: 0, sent: 0, delivered: 1, failed: 0 },
      }),
    );
    db.prepare(
      `INSERT INTO campaign_recipients (campaign_id, contact_id, status, reason, message_id)
       VALUES ('campaign-1', 'contact-1', 'delivered', NULL, 'm2')`,
    ).run();
  },
};

/** The newest seed a file at `version` takes (a migration that adds no table may reuse it). */
function seedFor(version: number): (db: Database) => void {
  for (let candidate = version; candidate >= 1; candidate -= 1) {
    const seed = SEEDS[candidate];
    if (seed !== undefined) return seed;
  }
  throw new Error(`No seed for version ${version}`);
}

/** Every ordinary table's rows, to compare before and after a migration. */
function dump(db: Database): Record<string, unknown[]> {
  const tables = db
    .prepare<[], { name: string }>(
      `SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'
         AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_search_%' ORDER BY name`,
    )
    .all();
  return Object.fromEntries(
    tables.map(({ name }) => [name, db.prepare(`SELECT * FROM ${name} ORDER BY 1`).all()]),
  );
}

/** Drops columns a migration added, so rows compare by what was there before. */
function only(before: Record<string, unknown[]>, after: Record<string, unknown[]>) {
  return Object.fromEntries(
    Object.entries(before).map(([table, rows]) => [
      table,
      (after[table] ?? []).map((row, index) => {
        const old = rows[index];
        if (typeof old !== 'object' || old === null || typeof row !== 'object' || row === null) {
          return row;
        }
        return Object.fromEntries(Object.entries(row).filter(([column]) => column in old));
      }),
    ]),
  );
}

describe('migrations', () => {
  it('are numbered 1, 2, 3… in order', () => {
    expect(MIGRATIONS.map((migration) => migration.version)).toEqual(
      MIGRATIONS.map((_, index) => index + 1),
    );
    expect(LATEST_VERSION).toBe(MIGRATIONS.length);
  });

  it('bring an empty file to the latest version, with its settings and strict tables', () => {
    const db = openDatabase(file);
    try {
      expect(schemaVersion(db)).toBe(LATEST_VERSION);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(1);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      const tables = db
        .prepare<[], { name: string; strict: number }>(
          `SELECT name, strict FROM pragma_table_list
           WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%'
             AND name NOT LIKE '%_search%'`,
        )
        .all();
      expect(tables.map((table) => table.name).sort()).toEqual([
        'account_profile',
        'campaign_recipients',
        'campaigns',
        'consent_history',
        'contact_lists',
        'contacts',
        'conversation_groups',
        'conversations',
        'list_counts',
        'lists',
        'messages',
        'meta',
        'outbox',
        'reads',
        'templates',
        'triggers',
        'users',
      ]);
      expect(tables.filter((table) => table.strict !== 1)).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('run again change nothing', () => {
    openDatabase(file).close();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    db.close();
  });

  for (const migration of MIGRATIONS.filter((candidate) => candidate.version > 1)) {
    it(`keep the rows of version ${migration.version - 1} through ${migration.version} (${migration.name})`, () => {
      const db = new SqliteDatabase(file);
      try {
        migrate(db, migration.version - 1);
        seedFor(migration.version - 1)(db);
        const before = dump(db);
        expect(Object.values(before).some((rows) => rows.length > 0)).toBe(true);
        migrate(db, migration.version);
        expect(schemaVersion(db)).toBe(migration.version);
        expect(only(before, dump(db))).toEqual(before);
      } finally {
        db.close();
      }
    });
  }

  it('make old rows searchable and counted (later versions index what version 1 stored)', () => {
    const db = new SqliteDatabase(file);
    migrate(db, 1);
    SEEDS[1]?.(db);
    db.close();
    const cache = new LocalCache(file);
    try {
      expect(cache.identity()).toEqual(ME);
      expect(cache.cursor()).toBe(7);
      expect(cache.search('appoint', 10).map((hit) => hit.messageId)).toEqual(['m1']);
      expect(cache.search('0123', 10)).toMatchObject([
        { kind: 'contact', contactId: 'contact-1', at: minute(5) },
      ]);
      expect(cache.conversations({ filter: { listId: 'vip' }, limit: 10 }).rows).toMatchObject([
        { id: 'conversation-1', unread: 1 },
      ]);
      expect(cache.counts()).toMatchObject({
        open: 1,
        unassigned: 1,
        unread: 1,
        lists: { vip: 1 },
      });
    } finally {
      cache.close();
    }
  });

  it('have seeds that fit the schema of their version', () => {
    for (const version of Object.keys(SEEDS).map(Number)) {
      const db = new SqliteDatabase(join(folder.path, `seed-${String(version)}.sqlite`));
      try {
        migrate(db, version);
        seedFor(version)(db);
      } finally {
        db.close();
      }
    }
  });

  it('give a file of version 3 no templates and no profile until they sync (4)', () => {
    const db = new SqliteDatabase(file);
    migrate(db, 3);
    seedFor(3)(db);
    db.close();
    const cache = new LocalCache(file);
    try {
      expect(cache.account()).toMatchObject({
        templates: [],
        profile: null,
        lists: [{ id: 'vip' }],
      });
      const log = new ChangeLog(8);
      log.profile('Acme Dental', 'GB');
      log.templates([{ id: 't1', name: 'Thanks', body: 'Thanks, {{first_name}}!' }]);
      expect(cache.applyChanges(log.changes)).toEqual({ cursor: 9, applied: 2 });
      expect(cache.account()).toMatchObject({
        templates: [{ id: 't1', name: 'Thanks', body: 'Thanks, {{first_name}}!' }],
        profile: { businessName: 'Acme Dental', defaultCountry: 'GB' },
      });
    } finally {
      cache.close();
    }
  });

  it('give a file of version 5 no campaigns until they sync (6)', () => {
    const db = new SqliteDatabase(file);
    migrate(db, 5);
    seedFor(5)(db);
    db.close();
    const cache = new LocalCache(file);
    try {
      expect(cache.campaigns()).toEqual([]);
      const log = new ChangeLog(8);
      log.campaign({ id: 'campaign-1', listId: 'vip' });
      log.recipient({ campaignId: 'campaign-1', contactId: 'contact-1', status: 'sent' });
      expect(cache.applyChanges(log.changes)).toEqual({ cursor: 9, applied: 2 });
      expect(cache.campaigns()).toMatchObject([{ id: 'campaign-1', status: 'sending' }]);
      expect(cache.campaignRecipients({ campaignId: 'campaign-1', limit: 10 }).rows).toEqual([
        {
          contactId: 'contact-1',
          name: 'Ada Lovelace',
          phone: '+14155550123',
          status: 'sent',
          reason: null,
        },
      ]);
      expect(cache.campaignPreview({ listId: 'vip', purpose: 'transactional' })).toEqual({
        willReceive: 1,
        skipped: [],
        // Quiet hours may hold her: she has not texted in the last 24 hours.
        mayWait: [{ phone: '+14155550123', timeZone: null }],
      });
    } finally {
      cache.close();
    }
  });

  it('give a file of version 4 a profile with no zone and no numbers until they sync, and sort its contacts (5)', () => {
    const db = new SqliteDatabase(file);
    migrate(db, 4);
    seedFor(4)(db);
    db.prepare(
      `INSERT INTO contacts (id, phone, name, opted_in, blocked, opt_out, lists, time_zone, updated_at)
       VALUES ('contact-2', '+14155550100', '', 0, 0, NULL, '["vip"]', NULL, ?)`,
    ).run(minute(1));
    db.prepare(`INSERT INTO contact_lists (list_id, contact_id) VALUES ('vip', 'contact-2')`).run();
    db.close();
    const cache = new LocalCache(file);
    try {
      expect(cache.account().profile).toEqual({
        businessName: 'Acme Dental',
        defaultCountry: 'US',
        timeZone: null,
        businessNumbers: [],
        quietHours: DEFAULT_QUIET_HOURS,
        // Until the next account.updated: for good (9).
        mediaRetentionDays: null,
      });
      expect(cache.members({ listId: 'vip', limit: 10 })).toMatchObject({
        rows: [{ contactId: 'contact-1', name: 'Ada Lovelace' }, { contactId: 'contact-2' }],
        total: 2,
      });
      expect(cache.members({ limit: 10 })?.rows.map((row) => row.contactId)).toEqual(['contact-2']);
    } finally {
      cache.close();
    }
  });

  it('refuse a file made by a newer app', () => {
    const db = new SqliteDatabase(file);
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    db.close();
    expect(() => openDatabase(file)).toThrow(/newer version of Textdesk/u);
    expect(() => new LocalCache(file)).toThrow(/newer version of Textdesk/u);
  });

  it('leave a file as it was when a migration fails', () => {
    const db = new SqliteDatabase(file);
    try {
      migrate(db, 1);
      db.exec('CREATE TABLE messages_search (x)');
      expect(() => {
        migrate(db);
      }).toThrow(/already exists/u);
      expect(schemaVersion(db)).toBe(1);
      expect(
        db
          .prepare(
            "SELECT count(*) AS n FROM pragma_table_info('contacts') WHERE name = 'search_key'",
          )
          .get(),
      ).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});
