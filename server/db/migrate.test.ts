import { sql } from 'kysely';
import { afterEach, describe, expect, test } from 'vitest';
import { DIALECTS, freshStorage } from '../testing/storage';
import { DEFAULT_QUIET_HOURS } from '../../shared/consent';
import { authenticate, hashToken } from '../auth/sessions';
import { accountProfileOf } from '../domain/accountProfile';
import type { Storage } from './connect';
import { migrate, MIGRATIONS } from './migrate';

let storage: Storage | undefined;
afterEach(async () => {
  await storage?.close();
  storage = undefined;
});

const TABLES = [
  'accounts',
  'api_keys',
  'business_numbers',
  'campaign_recipients',
  'campaigns',
  'change_log',
  'consent_history',
  'contacts',
  'conversation_reads',
  'conversations',
  'idempotency',
  'list_members',
  'lists',
  'media',
  'media_blobs',
  'message_media',
  'messages',
  'opt_out_tokens',
  'sessions',
  'templates',
  'triggers',
  'users',
  'webhook_deliveries',
];

describe.each(DIALECTS)('migrations on %s', (dialect) => {
  test('an empty database is brought to the latest schema, and a second run does nothing', async () => {
    storage = await freshStorage(dialect);
    expect(await migrate(storage)).toEqual(MIGRATIONS.map(([name]) => name));
    expect(await migrate(storage)).toEqual([]);
    const tables = (await storage.db.introspection.getTables()).map((table) => table.name).sort();
    // PostgreSQL also holds what several servers pass each other (0003).
    expect(tables).toEqual(
      dialect === 'postgres' ? [...TABLES, 'socket_io_attachments'].sort() : TABLES,
    );
  });

  test('0001: contacts are unique per account, and messages per carrier id', async () => {
    storage = await freshStorage(dialect);
    await migrate(storage, '0001_initial');
    const { db } = storage;
    const now = new Date().toISOString();
    await db
      .insertInto('accounts')
      .values({
        id: 'a1',
        name: 'Acme',
        default_country: 'US',
        support_contact: '',
        created_at: now,
      })
      .execute();
    const contact = {
      account_id: 'a1',
      phone: '+12015550123',
      name: '',
      opted_in: 1 as const,
      blocked: 0 as const,
      opt_out: null,
      created_at: now,
      updated_at: now,
    };
    await db
      .insertInto('contacts')
      .values({ id: 'c1', ...contact })
      .execute();
    await expect(
      db
        .insertInto('contacts')
        .values({ id: 'c2', ...contact })
        .execute(),
    ).rejects.toThrow(/unique|duplicate/iu);
  });

  test('a database whose history is not ours is refused', async () => {
    storage = await freshStorage(dialect);
    await migrate(storage);
    await sql`insert into kysely_migration (name, timestamp) values ('0000_someone_else', '2020-01-01T00:00:00Z')`.execute(
      storage.db,
    );
    await expect(migrate(storage)).rejects.toThrow(/migration/iu);
  });

  test('0002: accounts gain an opt-out webhook, off until set, and deliveries have an outbox', async () => {
    storage = await freshStorage(dialect);
    await migrate(storage, '0001_initial');
    // Written as the app of 0001 wrote it: today's createAccount needs today's tables.
    const accountId = 'a1';
    await storage.db
      .insertInto('accounts')
      .values({
        id: accountId,
        name: 'Acme',
        default_country: 'US',
        support_contact: '',
        created_at: new Date().toISOString(),
      })
      .execute();
    await migrate(storage);
    const account = await storage.db
      .selectFrom('accounts')
      .select(['optout_webhook_url', 'optout_webhook_secret'])
      .where('id', '=', accountId)
      .executeTakeFirstOrThrow();
    expect(account).toEqual({ optout_webhook_url: null, optout_webhook_secret: null });
    const columns = (await storage.db.introspection.getTables())
      .find((table) => table.name === 'webhook_deliveries')
      ?.columns.map((column) => column.name);
    expect(columns).toEqual(expect.arrayContaining(['body', 'next_attempt_at', 'delivered_at']));
  });

  test('0005: existing accounts get the default templates, and their profile and templates in the log', async () => {
    storage = await freshStorage(dialect);
    await migrate(storage, '0004_scheduled_sends');
    const { db } = storage;
    const now = new Date().toISOString();
    for (const [id, name, country] of [
      ['a1', 'Acme Dental', 'US'],
      ['a2', 'Brighton Bakes', 'GB'],
    ] as const) {
      await db
        .insertInto('accounts')
        .values({ id, name, default_country: country, support_contact: '', created_at: now })
        .execute();
    }
    // a1 has a history already: the new changes follow it, without a gap.
    await db.updateTable('accounts').set({ last_seq: 2 }).where('id', '=', 'a1').execute();
    await db
      .insertInto('change_log')
      .values(
        [1, 2].map((seq) => ({
          account_id: 'a1',
          seq,
          at: now,
          type: 'list.updated',
          entity_id: `list-${String(seq)}`,
          data: JSON.stringify({ id: `list-${String(seq)}`, name: 'List', kind: 'other' }),
        })),
      )
      .execute();

    await migrate(storage, '0005_templates');
    const log = await db
      .selectFrom('change_log')
      .select(['account_id', 'seq', 'type', 'data'])
      .orderBy('account_id')
      .orderBy('seq')
      .execute();
    expect(log.map((row) => [row.account_id, row.seq, row.type])).toEqual([
      ['a1', 1, 'list.updated'],
      ['a1', 2, 'list.updated'],
      ['a1', 3, 'account.updated'],
      ['a1', 4, 'templates.updated'],
      ['a2', 1, 'account.updated'],
      ['a2', 2, 'templates.updated'],
    ]);
    const accounts = await db
      .selectFrom('accounts')
      .select(['id', 'last_seq'])
      .orderBy('id')
      .execute();
    expect(accounts).toEqual([
      { id: 'a1', last_seq: 4 },
      { id: 'a2', last_seq: 2 },
    ]);
    const data = (accountId: string, type: string) =>
      JSON.parse(
        log.find((row) => row.account_id === accountId && row.type === type)?.data ?? 'null',
      ) as unknown;
    expect(data('a2', 'account.updated')).toEqual({
      accountId: 'a2',
      businessName: 'Brighton Bakes',
      defaultCountry: 'GB',
    });
    const stored = await db
      .selectFrom('templates')
      .select(['id', 'name', 'body'])
      .where('account_id', '=', 'a1')
      .orderBy('position')
      .execute();
    expect(stored.map((template) => template.name)).toEqual(['Thanks', 'Hours', 'Follow-up']);
    expect(data('a1', 'templates.updated')).toEqual({ accountId: 'a1', templates: stored });
  });

  test('0006: the whole profile of each account, with its zone and business numbers, is appended to its log', async () => {
    storage = await freshStorage(dialect);
    await migrate(storage, '0005_templates');
    const { db } = storage;
    const now = new Date().toISOString();
    await db
      .insertInto('accounts')
      .values({
        id: 'a1',
        name: 'Acme Dental',
        default_country: 'US',
        support_contact: '',
        created_at: now,
        time_zone: 'America/Denver',
        last_seq: 7,
      })
      .execute();
    await db
      .insertInto('business_numbers')
      .values([
        { id: 'n2', account_id: 'a1', phone: '+12015550199', label: '', created_at: '2026-02-01' },
        {
          id: 'n1',
          account_id: 'a1',
          phone: '+12015550100',
          label: 'Main',
          created_at: '2026-01-01',
        },
      ])
      .execute();

    await migrate(storage);
    const log = await db
      .selectFrom('change_log')
      .select(['seq', 'type', 'data'])
      .where('account_id', '=', 'a1')
      .execute();
    expect(log.map((row) => [row.seq, row.type])).toEqual([[8, 'account.updated']]);
    expect(JSON.parse(log[0]?.data ?? 'null')).toEqual({
      accountId: 'a1',
      businessName: 'Acme Dental',
      defaultCountry: 'US',
      timeZone: 'America/Denver',
      businessNumbers: ['+12015550100', '+12015550199'],
    });
    const account = await db
      .selectFrom('accounts')
      .select('last_seq')
      .where('id', '=', 'a1')
      .executeTakeFirstOrThrow();
    expect(account.last_seq).toBe(8);
  });
});

describe.each(DIALECTS)('migration 0008 on %s', (dialect) => {
  test('0008: accounts gain quiet hours, unset (8:00–21:00 every day) until an admin sets them', async () => {
    storage = await freshStorage(dialect);
    await migrate(storage, '0007_campaigns');
    const { db } = storage;
    await db
      .insertInto('accounts')
      .values({
        id: 'a1',
        name: 'Acme Dental',
        default_country: 'US',
        support_contact: '',
        created_at: new Date().toISOString(),
      })
      .execute();
    expect(await migrate(storage, '0008_quiet_hours')).toEqual(['0008_quiet_hours']);
    const account = await db
      .selectFrom('accounts')
      .select('quiet_hours')
      .where('id', '=', 'a1')
      .executeTakeFirstOrThrow();
    expect(account.quiet_hours).toBeNull();
    // The profile as today's server reads it, with the later migrations too.
    await migrate(storage);
    expect((await accountProfileOf(db, 'a1')).quietHours).toEqual(DEFAULT_QUIET_HOURS);
    const window = { start: '09:00', end: '17:30', days: ['mon', 'tue', 'wed', 'thu', 'fri'] };
    await db
      .updateTable('accounts')
      .set({ quiet_hours: JSON.stringify(window) })
      .where('id', '=', 'a1')
      .execute();
    expect((await accountProfileOf(db, 'a1')).quietHours).toEqual(window);
  });
});

describe.each(DIALECTS)('migration 0009 on %s', (dialect) => {
  test('0009: a session signed in before it ends no later than its idle expiry, and keeps working until then', async () => {
    storage = await freshStorage(dialect);
    await migrate(storage, '0008_quiet_hours');
    const { db } = storage;
    const at = new Date().toISOString();
    const expires = new Date(Date.now() + 5 * 24 * 60 * 60 * 1000).toISOString();
    await db
      .insertInto('accounts')
      .values({
        id: 'a1',
        name: 'Acme',
        default_country: 'US',
        support_contact: '',
        created_at: at,
      })
      .execute();
    await db
      .insertInto('users')
      .values({
        id: 'u1',
        account_id: 'a1',
        email: 'dana@acme.test',
        name: 'Dana',
        role: 'agent',
        password_hash: 'x',
        created_at: at,
        disabled_at: null,
      })
      .execute();
    await sql`insert into sessions (id, user_id, token_hash, created_at, last_used_at, expires_at)
      values ('s1', 'u1', ${hashToken('an-old-token-from-before-0009')}, ${at}, ${at}, ${expires})`.execute(
      db,
    );
    expect(await migrate(storage, '0009_sessions_and_api_keys')).toEqual([
      '0009_sessions_and_api_keys',
    ]);
    const session = await db
      .selectFrom('sessions')
      .select(['ends_at', 'revoked_reason', 'user_agent'])
      .executeTakeFirstOrThrow();
    expect(session).toEqual({ ends_at: expires, revoked_reason: null, user_agent: null });
    expect(await authenticate(db, 'an-old-token-from-before-0009', new Date())).toMatchObject({
      id: 'u1',
      sessionId: 's1',
    });
  });
});

test('SQLite tables are STRICT: a wrong type is refused', async () => {
  storage = await freshStorage('sqlite');
  await migrate(storage);
  await expect(
    sql`insert into accounts (id, name, default_country, last_seq, created_at) values ('a', 'A', 'US', 'many', 'now')`.execute(
      storage.db,
    ),
  ).rejects.toThrow(/cannot store TEXT value in INTEGER column/iu);
});
