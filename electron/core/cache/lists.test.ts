import { describe, expect, it } from 'vitest';
import type { MemberCursor, MemberRow } from '../../../shared/ipc/manage';
import { ChangeLog, ME, minute } from './testChanges';
import { DEFAULT_QUIET_HOURS } from '../../../shared/consent';
import { cachePerTest } from './testCache';

const cache = cachePerTest();

function asRole(role: 'agent' | 'supervisor' | 'admin'): void {
  const log = new ChangeLog(cache().cursor() + 1);
  log.user({ id: ME.userId, role });
  cache().applyChanges(log.changes);
}

/** Every row, a page of `limit` at a time, following `next`. */
function everyPage(listId: string | undefined, limit: number): MemberRow[] {
  const rows: MemberRow[] = [];
  let after: MemberCursor | undefined;
  for (;;) {
    const page = cache().members({ listId, after, limit });
    if (page === null) throw new Error('unknown list');
    rows.push(...page.rows);
    expect(page.rows.length).toBeLessThanOrEqual(limit);
    if (page.next === null) return rows;
    after = page.next;
  }
}

const OPTED_OUT = { at: minute(3), source: 'keyword' as const, word: 'STOP' };

describe('list members', () => {
  it('are in name order, case folded, ties by number, the unnamed last by number', () => {
    const log = new ChangeLog(cache().cursor() + 1);
    log.list({ id: 'vip', name: 'VIP' });
    const people: [string, string, string][] = [
      ['c1', 'bob', '+14155550105'],
      ['c2', '', '+14155550102'],
      ['c3', 'Ada', '+14155550109'],
      ['c4', 'ada', '+14155550101'],
      ['c5', 'Carl', '+14155550100'],
      ['c6', '', '+14155550101'],
      ['c7', 'Zoë', '+14155550103'],
    ];
    for (const [id, name, phone] of people) log.contact({ id, name, phone, lists: ['vip'] });
    log.contact({ id: 'c8', name: 'Not a member' });
    cache().applyChanges(log.changes);
    const order = ['c4', 'c3', 'c1', 'c5', 'c7', 'c6', 'c2'];
    expect(everyPage('vip', 100).map((row) => row.contactId)).toEqual(order);
    for (const limit of [1, 2, 3, 6, 7]) {
      expect(everyPage('vip', limit).map((row) => row.contactId)).toEqual(order);
    }
    const first = cache().members({ listId: 'vip', limit: 3 });
    expect(first).toMatchObject({ total: 7, next: { name: 'bob', id: 'c1' } });
    expect(first?.rows[0]).toEqual({
      contactId: 'c4',
      name: 'ada',
      phone: '+14155550101',
      optedIn: true,
      blocked: false,
      optOut: null,
    });
    expect(cache().members({ listId: 'nope', limit: 3 })).toBeNull();
  });

  it('hide blocked contacts from agents, with their count; supervisors see them', () => {
    const log = new ChangeLog(cache().cursor() + 1);
    log.list({ id: 'vip' });
    log.contact({ id: 'c1', name: 'Ann', lists: ['vip'] });
    log.contact({
      id: 'c2',
      name: 'Bea',
      lists: ['vip'],
      optedIn: false,
      blocked: true,
      optOut: { at: minute(2), source: 'blocked', by: 'Sam' },
    });
    log.contact({ id: 'c3', name: 'Cy', lists: ['vip'], optedIn: false, optOut: OPTED_OUT });
    cache().applyChanges(log.changes);
    asRole('agent');
    expect(cache().members({ listId: 'vip', limit: 10 })).toMatchObject({
      rows: [{ contactId: 'c1' }, { contactId: 'c3', optedIn: false, optOut: OPTED_OUT }],
      total: 2,
      next: null,
    });
    expect(cache().members({ limit: 10 })).toMatchObject({ rows: [{ contactId: 'c3' }], total: 1 });
    asRole('supervisor');
    expect(cache().members({ listId: 'vip', limit: 10 })?.total).toBe(3);
    expect(everyPage(undefined, 1).map((row) => row.contactId)).toEqual(['c2', 'c3']);
  });

  it('of a large list walk the contacts in order, as a small list sorts its members', () => {
    const log = new ChangeLog(cache().cursor() + 1);
    log.list({ id: 'big' });
    log.list({ id: 'small' });
    const names = ['Ann', 'bob', 'Cleo', '', 'dan', 'Eve'];
    for (let i = 0; i < 6000; i += 1) {
      log.contact({
        id: `c${String(i).padStart(5, '0')}`,
        name: `${names[i % names.length] ?? ''}${names[i % names.length] === '' ? '' : String(i % 97)}`,
        phone: `+1415${String(5_000_000 + ((i * 7919) % 10_000_000)).padStart(7, '0')}`,
        lists: i % 100 === 0 ? ['big', 'small'] : ['big'],
        optedIn: i % 3 !== 0,
        ...(i % 3 === 0 && { optOut: OPTED_OUT }),
      });
    }
    cache().applyChanges(log.changes);
    asRole('admin');
    const fold = (text: string) => text.replace(/[A-Z]/gu, (letter) => letter.toLowerCase());
    const key = (row: MemberRow) =>
      [row.name === '' ? 1 : 0, fold(row.name), row.phone, row.contactId] as const;
    const sorted = (rows: MemberRow[]) =>
      [...rows].sort((a, b) => {
        const [x, y] = [key(a), key(b)];
        for (let i = 0; i < x.length; i += 1) {
          const [p, q] = [x[i] ?? '', y[i] ?? ''];
          if (p !== q) return p < q ? -1 : 1;
        }
        return 0;
      });
    const big = everyPage('big', 500);
    expect(big).toHaveLength(6000);
    expect(big.map((row) => row.contactId)).toEqual(sorted(big).map((row) => row.contactId));
    const small = everyPage('small', 7);
    expect(small).toHaveLength(60);
    expect(small.map((row) => row.contactId)).toEqual(sorted(small).map((row) => row.contactId));
    const optedOut = everyPage(undefined, 333);
    expect(optedOut).toHaveLength(2000);
    expect(optedOut.every((row) => !row.optedIn)).toBe(true);
    expect(optedOut.map((row) => row.contactId)).toEqual(
      sorted(optedOut).map((row) => row.contactId),
    );
  });

  it('export whole, with the names of every list each contact is on', () => {
    const log = new ChangeLog(cache().cursor() + 1);
    log.list({ id: 'vip', name: 'VIP' });
    log.list({ id: 'news', name: 'Newsletter' });
    log.contact({ id: 'c1', name: 'Ann', lists: ['vip', 'news'] });
    log.contact({ id: 'c2', name: 'Bo', lists: ['news'], optedIn: false, optOut: OPTED_OUT });
    cache().applyChanges(log.changes);
    expect(cache().exportMembers({ listId: 'vip' })).toEqual({
      listName: 'VIP',
      rows: [
        {
          phone: '+14155550001',
          name: 'Ann',
          optedIn: true,
          blocked: false,
          optOut: null,
          lists: ['Newsletter', 'VIP'],
        },
      ],
    });
    expect(cache().exportMembers({ optOut: true })).toMatchObject({
      listName: null,
      rows: [{ name: 'Bo', optOut: OPTED_OUT, lists: ['Newsletter'] }],
    });
    expect(cache().exportMembers({ listId: 'nope' })).toBeNull();
  });

  it('a deleted list is gone with its memberships and its count', () => {
    const log = new ChangeLog(cache().cursor() + 1);
    log.list({ id: 'vip' });
    log.list({ id: 'news' });
    const { contactId } = log.thread(1, { contact: { lists: ['vip', 'news'] } });
    cache().applyChanges(log.changes);
    expect(cache().counts().lists).toEqual({ news: 1, vip: 1 });
    // As the server logs it: the member without the list, then the list.
    const deleted = new ChangeLog(cache().cursor() + 1);
    deleted.contact({ id: contactId, lists: ['news'] });
    deleted.listDeleted('vip');
    cache().applyChanges(deleted.changes);
    expect(
      cache()
        .account()
        .lists.map((list) => list.id),
    ).toEqual(['news']);
    expect(cache().counts().lists).toEqual({ news: 1 });
    expect(cache().members({ listId: 'vip', limit: 10 })).toBeNull();
    expect(cache().contact(contactId)?.contact.lists).toEqual(['news']);
    // A member the log did not mention (an older server) does not keep the list either.
    const stale = new ChangeLog(cache().cursor() + 1);
    stale.listDeleted('news');
    cache().applyChanges(stale.changes);
    expect(cache().counts().lists).toEqual({});
    expect(cache().conversations({ filter: { listId: 'news' }, limit: 10 }).rows).toEqual([]);
  });

  it('the profile keeps the zone, business numbers and media retention', () => {
    const log = new ChangeLog(cache().cursor() + 1);
    log.profile('Acme Dental', 'US', {
      timeZone: 'America/Chicago',
      businessNumbers: ['+12015550100', '+12015550199'],
      mediaRetentionDays: 90,
    });
    cache().applyChanges(log.changes);
    expect(cache().account().profile).toEqual({
      businessName: 'Acme Dental',
      defaultCountry: 'US',
      timeZone: 'America/Chicago',
      businessNumbers: ['+12015550100', '+12015550199'],
      quietHours: DEFAULT_QUIET_HOURS,
      mediaRetentionDays: 90,
    });
  });
});
