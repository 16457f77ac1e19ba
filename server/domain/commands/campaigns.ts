import { randomUUID } from 'node:crypto';
import { MISSING_OPT_OUT_WORDING, optOutWording } from '../../../shared/campaigns';
import { ok } from '../../../shared/result';
import { campaignSnapshot, type Campaign } from '../campaigns/records';
import { refuse, type Handler } from './scope';

/** How far ahead a campaign may be scheduled (as a text may). */
const MAX_SCHEDULE_MS = 366 * 24 * 60 * 60 * 1000;

/**
 * Starts a campaign (R7) and answers at once: who is texted and who is
 * skipped is worked out in the background by the campaign sender, which
 * logs each recipient and the progress as it goes. A marketing text must
 * say how to opt out; the Marketing Opt-Out list gets no marketing at all.
 */
export const campaignSend: Handler<'campaign.send'> = async (scope, command) => {
  const list = await scope.trx
    .selectFrom('lists')
    .select(['id', 'name', 'kind'])
    .where('id', '=', command.listId)
    .where('account_id', '=', scope.accountId)
    .executeTakeFirst();
  if (list === undefined) return refuse('not-found', 'There is no such list in this account.');
  if (command.purpose === 'marketing' && !optOutWording(command.body)) {
    return refuse('invalid-input', MISSING_OPT_OUT_WORDING, [
      { path: 'body', message: MISSING_OPT_OUT_WORDING },
    ]);
  }
  if (command.purpose === 'marketing' && list.kind === 'marketing-opt-out') {
    const message = `Everyone on the “${list.name}” list asked for no marketing: choose another list.`;
    return refuse('invalid-input', message, [{ path: 'listId', message }]);
  }
  const sendAt = command.sendAt === undefined ? null : new Date(command.sendAt);
  if (sendAt !== null && sendAt.getTime() > Date.parse(scope.at) + MAX_SCHEDULE_MS) {
    const message = 'A campaign can be scheduled at most a year ahead.';
    return refuse('invalid-input', message, [{ path: 'sendAt', message }]);
  }
  const scheduled = sendAt !== null && sendAt.getTime() > Date.parse(scope.at);
  const campaign: Campaign = {
    id: randomUUID(),
    account_id: scope.accountId,
    name: command.name,
    list_id: list.id,
    purpose: command.purpose,
    body: command.body,
    status: scheduled ? 'scheduled' : 'sending',
    send_at: scheduled ? sendAt.toISOString() : null,
    created_by: scope.user.id,
    created_at: scope.at,
    expanded_at: null,
    progress_at: scope.at,
    progress_dirty: 0,
  };
  await scope.trx.insertInto('campaigns').values(campaign).execute();
  const snapshot = campaignSnapshot(campaign, {
    recipients: 0,
    skipped: 0,
    waiting: 0,
    sent: 0,
    delivered: 0,
    failed: 0,
  });
  scope.changes.push({ type: 'campaign.updated', data: snapshot });
  return ok({ campaign: snapshot });
};
