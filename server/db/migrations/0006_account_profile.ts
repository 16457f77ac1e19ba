import { sql } from 'kysely';
import type { MigrationDb, MigrationFactory } from './helpers';

/**
 * The account's profile on desktops gained the zone quiet hours fall back to
 * and the business numbers (the Settings screen shows both). Each existing
 * account's whole profile is appended to its change log once, here, as 0005
 * did: desktops learn it by pulling, and servers of a cluster starting
 * together cannot log it twice. No table changes: both were stored already.
 */
const migration: MigrationFactory = () => ({
  async up(db: MigrationDb) {
    const at = new Date().toISOString();
    const accounts: {
      id: string;
      name: string;
      default_country: string;
      time_zone: string | null;
    }[] = await db
      .selectFrom('accounts')
      .select(['id', 'name', 'default_country', 'time_zone'])
      .orderBy('id')
      .execute();
    for (const account of accounts) {
      const numbers: { phone: string }[] = await db
        .selectFrom('business_numbers')
        .select('phone')
        .where('account_id', '=', account.id)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      // The account row is the log's counter, as in appendChanges.
      const counter: { last_seq: number } = await db
        .updateTable('accounts')
        .set({ last_seq: sql`last_seq + 1` })
        .where('id', '=', account.id)
        .returning('last_seq')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('change_log')
        .values({
          account_id: account.id,
          seq: counter.last_seq,
          at,
          type: 'account.updated',
          entity_id: account.id,
          data: JSON.stringify({
            accountId: account.id,
            businessName: account.name,
            defaultCountry: account.default_country,
            timeZone: account.time_zone,
            businessNumbers: numbers.map((number) => number.phone),
          }),
        })
        .execute();
    }
  },
});

export default migration;
