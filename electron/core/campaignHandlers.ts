import type { IpcHandlers } from '../../shared/ipc';
import type { CacheClient } from './cache/client';

type CampaignMethods = 'campaigns.list' | 'campaigns.recipients' | 'campaigns.preview';

/**
 * The campaign screens' reads, all from the local cache: the campaigns and
 * their recipients as synced, and the preview of who a campaign would
 * reach. Sending is `commands.run` with `campaign.send`, like any command.
 */
export function createCampaignHandlers(
  /** The signed-in person's cache; throws a Refusal when nobody is signed in. */
  cache: () => CacheClient,
): Pick<IpcHandlers, CampaignMethods> {
  return {
    'campaigns.list': async () => [...(await cache().campaigns())],
    'campaigns.recipients': ({ campaignId, after, limit }) =>
      cache().campaignRecipients({ campaignId, after, limit: limit ?? 200 }),
    'campaigns.preview': ({ listId, purpose }) => cache().campaignPreview({ listId, purpose }),
  };
}
