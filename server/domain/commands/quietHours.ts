import { normalizeQuietHours, quietHoursProblem } from '../../../shared/consent';
import { ok } from '../../../shared/result';
import { accountUpdate, logProfile } from './admin';
import { lockAccount, refuse, type Handler } from './scope';

/**
 * `account.update` with the account's quiet hours: the window campaigns and
 * scheduled texts go out in (admins, like the rest of the command). The
 * window is checked — start before end, at least one day — and stored
 * here; the name, country and zone are admin.ts's, which then logs the
 * whole profile, quiet hours included, once.
 */
export const accountUpdateWithQuietHours: Handler<'account.update'> = async (scope, command) => {
  const { quietHours, mediaRetentionDays, ...rest } = command;
  if (mediaRetentionDays !== undefined) {
    // Checked here too: a command may come from somewhere other than the schema.
    const days = mediaRetentionDays;
    if (days !== null && (!Number.isInteger(days) || days < 1 || days > 3650)) {
      return refuse(
        'invalid-input',
        'Keep pictures and files for 1 to 3650 days, or for good (null).',
      );
    }
    await scope.trx
      .updateTable('accounts')
      .set({ media_retention_days: mediaRetentionDays })
      .where('id', '=', scope.accountId)
      .execute();
  }
  if (quietHours !== undefined) {
    // Checked here too: a command may come from somewhere other than the schema.
    const problem = quietHoursProblem(quietHours);
    if (problem !== null) return refuse('invalid-input', problem);
    await lockAccount(scope);
    await scope.trx
      .updateTable('accounts')
      .set({ quiet_hours: JSON.stringify(normalizeQuietHours(quietHours)) })
      .where('id', '=', scope.accountId)
      .execute();
  }
  const more =
    rest.businessName !== undefined ||
    rest.defaultCountry !== undefined ||
    rest.timeZone !== undefined;
  return more ? accountUpdate(scope, rest) : ok({ profile: await logProfile(scope) });
};
