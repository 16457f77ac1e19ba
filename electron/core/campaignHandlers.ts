import { DEFAULT_QUIET_HOURS } from '../../shared/consent';
import type { IpcHandlers } from '../../shared/ipc';
import { zonesOfNumber } from '../../server';
import type { CacheClient } from './cache/client';
import { countOutsideQuietHours } from './quietPreview';

type CampaignMethods = 'campaigns.list' | 'campaigns.recipients' | 'campaigns.preview';

/**
 * The campaign screens' reads, all from the local cache: the campaigns and
 * their recipients as synced, and the preview of who a campaign would
 * reach and how many of them the account's quiet hours would hold now.
 * Sending is `commands.run` with `campaign.send`, like any command.
 */
export function createCampaignHandlers(
  /** The signed-in person's cache; throws a Refusal when nobody is signed in. */
  cache: () => CacheClient,
): Pick<IpcHandlers, CampaignMethods> {
  return {
    'campaigns.list': async () => [...(await cache().campaigns())],
    'campaigns.recipients': ({ campaignId, after, limit }) =>
      cache().campaignRecipients({ campaignId, after, limit: limit ?? 200 }),
    'campaigns.preview': async ({ listId, purpose }) => {
      const at = new Date();
      const [{ mayWait, ...preview }, account] = await Promise.all([
        cache().campaignPreview({ listId, purpose, at: at.toISOString() }),
        cache().account(),
      ]);
      const hours = account.profile?.quietHours ?? DEFAULT_QUIET_HOURS;
      const outsideNow = countOutsideQuietHours({
        recipients: mayWait,
        hours,
        accountZone: account.profile?.timeZone ?? null,
        country: account.profile?.defaultCountry ?? 'US',
        at,
        zonesOfNumber,
      });
      return { ...preview, quiet: { hours, outsideNow } };
    },
  };
}
