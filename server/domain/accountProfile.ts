import type { AccountProfileSnapshot } from '../../shared/protocol/entities';
import type { Db } from './records';

/**
 * What desktops know of an account (`account.updated`): its name, how numbers
 * are read, the zone quiet hours fall back to, and its business numbers.
 * Whatever changes one of these logs the whole profile again.
 */
export async function accountProfileOf(db: Db, accountId: string): Promise<AccountProfileSnapshot> {
  // One after the other: inside a transaction both go down the same connection anyway.
  const account = await db
    .selectFrom('accounts')
    .select(['name', 'default_country', 'time_zone'])
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow();
  const numbers = await db
    .selectFrom('business_numbers')
    .select('phone')
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return {
    accountId,
    businessName: account.name,
    defaultCountry: account.default_country,
    timeZone: account.time_zone,
    businessNumbers: numbers.map((row) => row.phone),
  };
}
