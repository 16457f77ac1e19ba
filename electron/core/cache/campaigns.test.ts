import { describe, expect, it } from 'vitest';
import { ChangeLog, ME, minute } from './testChanges';
import { cachePerTest } from './testCache';

const cache = cachePerTest();

/** A Marketing list of five: Ann may be texted, Ben opted out, Cy is blocked, Di gets no marketing, Ed too. */
function members(log: ChangeLog): void {
  log.list({ id: 'marketing', name: 'Marketing', kind: 'marketing' });
  log.list({ id: 'no-marketing', name: 'Marketing Opt-Out', kind: 'marketing-opt-out' });
  log.contact({ id: 'c-ann', name: 'Ann Lee', lists: ['marketing'] });
  log.contact({
    id: 'c-ben',
    name: 'Ben',
    optedIn: false,
    optOut: { at: minute(1), source: 'keyword', word: 'STOP' },
    lists: ['marketing'],
  });
  log.contact({
    id: 'c-cy',
    optedIn: false,
    blocked: true,
    optOut: { at: minute(2), source: 'blocked', by: 'Sam' },
    lists: ['marketing'],
  });
  log.contact({ id: 'c-di', lists: ['marketing', 'no-marketing'] });
  log.contact({ id: 'c-ed', lists: ['marketing', 'no-marketing'] });
  log.contact({ id: 'c-fay', lists: [] });
}

describe('campaigns in the cache', () => {
  it('keep each campaign’s latest snapshot, newest first, and its recipients by contact id', () => {
    const log = new ChangeLog();
    members(log);
    log.campaign({ id: 'older', createdAt: minute(10) });
    log.campaign({ id: 'newer', createdAt: minute(20) });
    log.recipient({
      campaignId: 'newer',
      contactId: 'c-ben',
      status: 'skipped',
      reason: 'Opted out',
    });
    log.recipient({ campaignId: 'newer', contactId: 'c-ann' });
    log.recipient({
      campaignId: 'newer',
      contactId: 'c-gone',
      status: 'skipped',
      reason: 'Blocked',
    });
    log.recipient({
      campaignId: 'newer',
      contactId: 'c-ann',
      status: 'delivered',
      messageId: 'm1',
    });
    log.campaign({
      id: 'newer',
      createdAt: minute(20),
      status: 'done',
      counts: { recipients: 3, skipped: 2, waiting: 0, sent: 0, delivered: 1, failed: 0 },
    });
    cache().applyChanges(log.changes);

    expect(
      cache()
        .campaigns()
        .map((campaign) => [campaign.id, campaign.status]),
    ).toEqual([
      ['newer', 'done'],
      ['older', 'sending'],
    ]);
    const all = cache().campaignRecipients({ campaignId: 'newer', limit: 10 });
    expect(all).toEqual({
      rows: [
        {
          contactId: 'c-ann',
          name: 'Ann Lee',
          phone: expect.stringMatching(/^\+1/u) as unknown,
          status: 'delivered',
          reason: null,
        },
        {
          contactId: 'c-ben',
          name: 'Ben',
          phone: expect.any(String) as unknown,
          status: 'skipped',
          reason: 'Opted out',
        },
        // A contact the cache does not have yet: shown with what is known.
        { contactId: 'c-gone', name: '', phone: '', status: 'skipped', reason: 'Blocked' },
      ],
      next: null,
    });
    const first = cache().campaignRecipients({ campaignId: 'newer', limit: 2 });
    expect(first.next).toBe('c-ben');
    expect(cache().campaignRecipients({ campaignId: 'newer', after: 'c-ben', limit: 2 })).toEqual({
      rows: [all.rows[2]],
      next: null,
    });
    expect(cache().campaignRecipients({ campaignId: 'older', limit: 10 })).toEqual({
      rows: [],
      next: null,
    });
  });

  it('preview a campaign by the send gate: counts of who would be skipped, and why', () => {
    const log = new ChangeLog();
    members(log);
    cache().applyChanges(log.changes);
    expect(cache().campaignPreview({ listId: 'marketing', purpose: 'marketing' })).toEqual({
      willReceive: 1,
      skipped: [
        { reason: 'opted-out', label: 'Opted out', count: 1 },
        { reason: 'blocked', label: 'Blocked', count: 1 },
        {
          reason: 'suppressed',
          label: 'On the “Marketing Opt-Out” list: no marketing',
          count: 2,
        },
      ],
      mayWait: [{ phone: '+14155550000', timeZone: null }],
    });
    expect(cache().campaignPreview({ listId: 'marketing', purpose: 'transactional' })).toEqual({
      willReceive: 3,
      skipped: [
        { reason: 'opted-out', label: 'Opted out', count: 1 },
        { reason: 'blocked', label: 'Blocked', count: 1 },
      ],
      mayWait: expect.any(Array) as unknown,
    });
    expect(cache().campaignPreview({ listId: 'nobody', purpose: 'marketing' })).toEqual({
      willReceive: 0,
      skipped: [],
      mayWait: [],
    });
  });

  it('preview who quiet hours may hold: everyone who would receive it but has not texted in the last 24 hours', () => {
    const log = new ChangeLog();
    log.list({ id: 'marketing', name: 'Marketing', kind: 'marketing' });
    log.contact({ id: 'c-0001', lists: ['marketing'] });
    log.contact({ id: 'c-0002', lists: ['marketing'], timeZone: 'America/Chicago' });
    log.contact({ id: 'c-0003', lists: ['marketing'] });
    log.conversation({ id: 'v-1', contactId: 'c-0001' });
    log.message({ id: 'm-1', conversationId: 'v-1', createdAt: minute(100) });
    // Texted by the business, never texted back: not a conversation.
    log.conversation({ id: 'v-3', contactId: 'c-0003' });
    log.message({
      id: 'm-3',
      conversationId: 'v-3',
      direction: 'outbound',
      status: 'delivered',
      createdAt: minute(100),
    });
    cache().applyChanges(log.changes);
    const waiting = (at: string) =>
      cache()
        .campaignPreview({ listId: 'marketing', purpose: 'marketing', at })
        .mayWait.map((candidate) => candidate.phone)
        .sort();
    // An hour after c-0001 texted, a campaign reaching them is a reply: it is never held.
    expect(waiting(minute(160))).toEqual(['+14155550002', '+14155550003']);
    expect(waiting(minute(100 + 24 * 60 + 1))).toEqual([
      '+14155550001',
      '+14155550002',
      '+14155550003',
    ]);
    expect(
      cache().campaignPreview({ listId: 'marketing', purpose: 'marketing', at: minute(160) })
        .mayWait,
    ).toContainEqual({ phone: '+14155550002', timeZone: 'America/Chicago' });
  });

  it('are emptied with the rest when the file changes hands', () => {
    const log = new ChangeLog();
    log.campaign({ id: 'c1' });
    log.recipient({ campaignId: 'c1', contactId: 'c-ann' });
    cache().applyChanges(log.changes);
    cache().claim({ ...ME, userId: 'someone-else' });
    expect(cache().campaigns()).toEqual([]);
    expect(cache().campaignRecipients({ campaignId: 'c1', limit: 10 }).rows).toEqual([]);
  });
});
