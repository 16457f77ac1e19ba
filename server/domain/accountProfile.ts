import { DEFAULT_QUIET_HOURS, type QuietHours } from '../../shared/consent';
import { QuietHoursSchema, type AccountProfileSnapshot } from '../../shared/protocol/entities';
import type { Db } from './records';

/**
 * The account's window for campaigns and scheduled texts, from its
 * `quiet_hours` column: null (or anything unreadable) is the default,
 * 8:00–21:00 every day.
 */
export function quietHoursOf(stored: string | null): QuietHours {
  if (stored === null) return DEFAULT_QUIET_HOURS;
  try {
    const parsed = QuietHoursSchema.safeParse(JSON.parse(stored));
    return parsed.success ? parsed.data : DEFAULT_QUIET_HOURS;
  } catch {
    return DEFAULT_QUIET_HOURS;
  }
}

/**
 * What desktops know of an account (`account.updated`): its name, how numbers
 * are read, the zone quiet hours fall back to and their window, and its
 * business numbers. Whatever changes one of these logs the whole profile again.
 */
export async function accountProfileOf(db: Db, accountId: string): Promise<AccountProfileSnapshot> {
  // One after the other: inside a transaction both go down the same connection anyway.
  const account = await db
    .selectFrom('accounts')
    .select(['name', 'default_country', 'time_zone', 'quiet_hours', 'media_retention_days'])
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
    quietHours: quietHoursOf(account.quiet_hours),
    mediaRetentionDays: account.media_retention_days,
  };
}
