import { describe, expect, it } from 'vitest';
import { dayIn, daysEnding } from './reports';
import { ChangeLog, ME } from './testChanges';
import { cachePerTest } from './testCache';

const cache = cachePerTest();

const ZERO = { keyword: 0, link: 0, carrier: 0, manual: 0, blocked: 0, import: 0 };
const NOW = '2026-03-10T15:00:00.000Z';

describe('days', () => {
  it('are the calendar days of the zone', () => {
    expect(dayIn('America/Chicago', '2026-03-10T04:59:00Z')).toBe('2026-03-09');
    expect(dayIn('America/Chicago', '2026-03-10T06:00:00Z')).toBe('2026-03-10');
    expect(dayIn('Pacific/Auckland', '2026-03-10T12:00:00Z')).toBe('2026-03-11');
    expect(daysEnding('2026-03-02', 4)).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ]);
  });
});

describe('the opt-out report', () => {
  it('counts each day’s opt-outs by source in the desktop’s zone, and lists them newest first', () => {
    const log = new ChangeLog(cache().cursor() + 1);
    log.contact({ id: 'c1', name: 'Ann', phone: '+12015550101' });
    log.contact({ id: 'c2', name: '', phone: '+12015550102' });
    log.consent({ contactId: 'c1', at: '2026-03-10T14:00:00.000Z', source: 'keyword' });
    // 11pm in Chicago (summer time from the 8th) on the 8th, the 9th in UTC.
    log.consent({ contactId: 'c2', at: '2026-03-09T04:00:00.000Z', source: 'link', word: null });
    log.consent({
      contactId: 'c2',
      at: '2026-03-09T16:00:00.000Z',
      source: 'manual',
      word: null,
      text: 'asked on the phone',
      actor: { kind: 'user', id: 'u1', name: 'Dana', role: 'agent' },
    });
    log.consent({
      contactId: 'c1',
      at: '2026-03-09T17:00:00.000Z',
      change: 'opted-in',
      source: 'inbound',
    });
    // Before the period.
    log.consent({ contactId: 'c1', at: '2026-03-01T12:00:00.000Z', source: 'carrier' });
    cache().applyChanges(log.changes);

    const report = cache().optOutReport({
      days: 3,
      zone: 'America/Chicago',
      now: NOW,
      limit: 1000,
    });
    expect(report.days).toEqual([
      { day: '2026-03-08', bySource: { ...ZERO, link: 1 } },
      { day: '2026-03-09', bySource: { ...ZERO, manual: 1 } },
      { day: '2026-03-10', bySource: { ...ZERO, keyword: 1 } },
    ]);
    expect(report.rows).toEqual([
      {
        contactId: 'c1',
        name: 'Ann',
        phone: '+12015550101',
        at: '2026-03-10T14:00:00.000Z',
        source: 'keyword',
        word: 'STOP',
        text: 'STOP',
        by: null,
      },
      expect.objectContaining({ contactId: 'c2', source: 'manual', by: 'Dana' }),
      expect.objectContaining({ contactId: 'c2', source: 'link', word: null }),
    ]);
    // In UTC the link opt-out falls on the 9th.
    const utc = cache().optOutReport({ days: 3, zone: 'UTC', now: NOW, limit: 1 });
    expect(utc.days.map((day) => day.bySource)).toEqual([
      ZERO,
      { ...ZERO, link: 1, manual: 1 },
      { ...ZERO, keyword: 1 },
    ]);
    // The rows stop at the limit; the counts do not.
    expect(utc.rows).toHaveLength(1);
    const month = cache().optOutReport({ days: 30, zone: 'UTC', now: NOW, limit: null });
    expect(month.days).toHaveLength(30);
    expect(month.days.at(-1)?.day).toBe('2026-03-10');
    expect(month.rows.map((row) => row.source)).toEqual(['keyword', 'manual', 'link', 'carrier']);
  });

  it('leaves blocked contacts out for agents', () => {
    const log = new ChangeLog(cache().cursor() + 1);
    log.contact({ id: 'c1', optedIn: false, blocked: true });
    log.contact({ id: 'c2', optedIn: false });
    log.consent({ contactId: 'c1', at: '2026-03-10T10:00:00.000Z', source: 'blocked' });
    log.consent({ contactId: 'c2', at: '2026-03-10T11:00:00.000Z', source: 'keyword' });
    log.user({ id: ME.userId, role: 'agent' });
    cache().applyChanges(log.changes);
    const query = { days: 1, zone: 'UTC', now: NOW, limit: 10 };
    expect(cache().optOutReport(query)).toMatchObject({
      days: [{ bySource: { ...ZERO, keyword: 1 } }],
      rows: [{ contactId: 'c2' }],
    });
    const promoted = new ChangeLog(cache().cursor() + 1);
    promoted.user({ id: ME.userId, role: 'supervisor' });
    cache().applyChanges(promoted.changes);
    expect(
      cache()
        .optOutReport(query)
        .rows.map((row) => row.contactId),
    ).toEqual(['c2', 'c1']);
  });
});
