import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationFilter } from '../../../shared/ipc/views';
import type { Change } from '../../../shared/protocol/entities';
import { LocalCache } from './localCache';
import { ChangeLog, ME, minute, temporaryFolder, trigger } from './testChanges';
import type { ConversationQuery } from './types';

let folder: ReturnType<typeof temporaryFolder>;
let cache: LocalCache;

beforeEach(() => {
  folder = temporaryFolder();
  cache = new LocalCache(join(folder.path, 'cache.sqlite'));
  cache.claim(ME);
});

afterEach(() => {
  cache.close();
  folder.remove();
});

/** Every conversation id a filter holds, in inbox order. */
function ids(filter: ConversationQuery['filter']): string[] {
  return cache.conversations({ filter, limit: 100_000 }).rows.map((row) => row.id);
}

function asRole(role: 'agent' | 'supervisor' | 'admin'): void {
  const log = new ChangeLog(cache.cursor() + 1);
  log.user({ id: ME.userId, role });
  cache.applyChanges(log.changes);
}

describe('applyChanges', () => {
  it('stores changes and moves the cursor', () => {
    const log = new ChangeLog();
    const { conversationId } = log.thread(1, { contact: { name: 'Ada' } });
    log.message({ id: 'm1', conversationId, body: 'Hi there' });
    expect(cache.applyChanges(log.changes)).toEqual({ cursor: 3, applied: 3 });
    expect(cache.cursor()).toBe(3);
    expect(cache.conversationRow(conversationId)).toMatchObject({
      name: 'Ada',
      lastMessage: { body: 'Hi there', direction: 'inbound' },
      unread: 1,
    });
  });

  it('skips changes it already has: a replay changes nothing', () => {
    const log = new ChangeLog();
    const { conversationId } = log.thread(1);
    log.message({ id: 'm1', conversationId });
    log.consent({ contactId: 'contact-1' });
    cache.applyChanges(log.changes);
    const before = { counts: cache.counts(), contact: cache.contact('contact-1') };
    expect(cache.applyChanges(log.changes)).toEqual({ cursor: 4, applied: 0 });
    expect(cache.applyChanges(log.changes.slice(1, 3))).toEqual({ cursor: 4, applied: 0 });
    expect({ counts: cache.counts(), contact: cache.contact('contact-1') }).toEqual(before);
    expect(cache.contact('contact-1')?.history).toHaveLength(1);
  });

  it('stops at the first gap, so the cursor covers every change up to it', () => {
    const log = new ChangeLog();
    for (let id = 1; id <= 3; id += 1) log.thread(id);
    const [one, two, three, four, five, six] = log.changes as [
      Change,
      Change,
      Change,
      Change,
      Change,
      Change,
    ];
    expect(cache.applyChanges([one, two])).toEqual({ cursor: 2, applied: 2 });
    expect(cache.applyChanges([three, five, six])).toEqual({ cursor: 3, applied: 1 });
    expect(cache.applyChanges([five, six])).toEqual({ cursor: 3, applied: 0 });
    expect(cache.conversationRow('conversation-3')).toBeNull();
    // Out of order within a packet is still in order once sorted.
    expect(cache.applyChanges([six, five, four])).toEqual({ cursor: 6, applied: 3 });
    expect(ids('open')).toHaveLength(3);
  });

  it('moves the cursor with the rows: a change that fails midway leaves both as they were', () => {
    const log = new ChangeLog();
    log.thread(1);
    cache.applyChanges(log.changes);
    const good = log.thread(2);
    const broken = log.message({ id: 'm1', conversationId: good.conversationId });
    // A message without a body breaks a NOT NULL constraint after the conversation was written.
    Object.assign(broken.data, { body: null });
    expect(() => cache.applyChanges(log.changes)).toThrow(/NOT NULL/u);
    expect(cache.cursor()).toBe(2);
    expect(cache.conversationRow(good.conversationId)).toBeNull();
    expect(ids('open')).toEqual(['conversation-1']);
  });

  it('upserts snapshots whole: a newer snapshot replaces every field and list', () => {
    const log = new ChangeLog();
    log.list({ id: 'vip' });
    log.thread(1, { contact: { name: 'Ada', lists: ['vip'] } });
    cache.applyChanges(log.changes);
    expect(ids({ listId: 'vip' })).toEqual(['conversation-1']);
    const next = new ChangeLog(cache.cursor() + 1);
    next.contact({ id: 'contact-1', name: 'Ada Lovelace', lists: [], optedIn: false });
    cache.applyChanges(next.changes);
    expect(ids({ listId: 'vip' })).toEqual([]);
    expect(cache.conversationRow('conversation-1')).toMatchObject({
      name: 'Ada Lovelace',
      optedIn: false,
    });
    expect(cache.contact('contact-1')?.contact).toMatchObject({ name: 'Ada Lovelace', lists: [] });
  });

  it('takes a conversation whose messages and contact arrive after it, or before it', () => {
    const log = new ChangeLog();
    log.message({ id: 'm1', conversationId: 'conversation-1', body: 'early text' });
    log.conversation({ id: 'conversation-1', contactId: 'contact-1' });
    log.contact({ id: 'contact-1', name: 'Late Contact', blocked: true });
    cache.applyChanges(log.changes);
    expect(cache.conversationRow('conversation-1')).toMatchObject({
      name: 'Late Contact',
      blocked: true,
      unread: 1,
      lastMessage: { body: 'early text' },
    });
  });

  it('appends consent history once per seq, newest first, with the contact and its conversation', () => {
    const log = new ChangeLog();
    log.thread(1);
    log.consent({ contactId: 'contact-1', at: minute(1), change: 'opted-out' });
    log.consent({ contactId: 'contact-1', at: minute(2), change: 'opted-in', source: 'manual' });
    cache.applyChanges(log.changes);
    cache.applyChanges(log.changes);
    const view = cache.contact('contact-1');
    expect(view?.history.map((entry) => entry.change)).toEqual(['opted-in', 'opted-out']);
    expect(view?.conversationId).toBe('conversation-1');
    expect(cache.contact('nobody')).toBeNull();
  });

  it('replaces the trigger set and keeps lists and people for the account view', () => {
    const log = new ChangeLog();
    log.triggers([trigger({ id: 'stop' }), trigger({ id: 'help' })]);
    log.list({ id: 'list-b', name: 'Billing' });
    log.list({ id: 'list-a', name: 'all customers', kind: 'marketing' });
    log.user({ id: 'user-2', name: 'Zed' });
    log.user({ id: ME.userId, name: 'Ann', role: 'admin' });
    log.triggers([trigger({ id: 'start' })]);
    cache.applyChanges(log.changes);
    const account = cache.account();
    expect(account.triggers.map((item) => item.id)).toEqual(['start']);
    expect(account.lists.map((item) => item.name)).toEqual(['all customers', 'Billing']);
    expect(account.users.map((item) => [item.name, item.role])).toEqual([
      ['Ann', 'admin'],
      ['Zed', 'agent'],
    ]);
  });

  it('replaces the templates and the profile whole, and has neither before they sync', () => {
    expect(cache.account()).toMatchObject({ templates: [], profile: null });
    const log = new ChangeLog();
    log.profile('Acme Dental');
    log.templates([
      { id: 't1', name: 'Thanks', body: 'Thanks, {{first_name}}!' },
      { id: 't2', name: 'Hours', body: 'Open 9 to 5.' },
    ]);
    log.templates([{ id: 't2', name: 'Hours', body: 'Open 9 to 6.' }]);
    log.profile('Acme Dental & Ortho', 'CA');
    cache.applyChanges(log.changes);
    expect(cache.account()).toMatchObject({
      templates: [{ id: 't2', name: 'Hours', body: 'Open 9 to 6.' }],
      profile: { businessName: 'Acme Dental & Ortho', defaultCountry: 'CA' },
    });
    log.templates([]);
    cache.applyChanges(log.changes);
    expect(cache.account().templates).toEqual([]);
  });
});

describe('inbox filters and counts', () => {
  /** One conversation for each case a filter must tell apart, newest activity last. */
  function seed(): void {
    const log = new ChangeLog();
    log.list({ id: 'vip' });
    log.list({ id: 'empty' });
    log.user({ id: 'user-other' });
    const at = (n: number) => ({ lastActivityAt: minute(n) });
    log.thread(1, { conversation: { ...at(1), assigneeId: ME.userId } });
    log.thread(2, { conversation: at(2) });
    log.thread(3, { conversation: { ...at(3), assigneeId: 'user-other' } });
    log.thread(4, { conversation: { ...at(4), status: 'closed' } });
    log.thread(5, { contact: { optedIn: false, lists: ['vip'] }, conversation: at(5) });
    log.thread(6, {
      contact: { optedIn: false, blocked: true, lists: ['vip'] },
      conversation: { ...at(6), assigneeId: ME.userId },
    });
    log.thread(7, { contact: { lists: ['vip'] }, conversation: { ...at(7), status: 'closed' } });
    cache.applyChanges(log.changes);
  }

  const expected: Record<ConversationFilter, number[]> = {
    open: [5, 3, 2, 1],
    mine: [1],
    unassigned: [5, 2],
    closed: [7, 4],
    'opted-out': [5],
    blocked: [6],
  };

  it('holds the right conversations in each filter, newest activity first', () => {
    seed();
    asRole('supervisor');
    for (const [filter, numbers] of Object.entries(expected)) {
      expect(ids(filter as ConversationFilter), filter).toEqual(
        numbers.map((n) => `conversation-${n}`),
      );
    }
    expect(ids({ listId: 'vip' })).toEqual(['conversation-7', 'conversation-5']);
    expect(ids({ listId: 'empty' })).toEqual([]);
  });

  it('counts each filter and list, with blocked counted for supervisors', () => {
    seed();
    asRole('supervisor');
    expect(cache.counts()).toEqual({
      open: 4,
      mine: 1,
      unassigned: 2,
      closed: 2,
      optedOut: 1,
      blocked: 1,
      lists: { vip: 2, empty: 0 },
      unread: 0,
    });
  });

  it('keeps blocked contacts from agents: no count and no rows', () => {
    seed();
    asRole('agent');
    expect(cache.counts().blocked).toBeNull();
    expect(ids('blocked')).toEqual([]);
  });

  it('treats someone whose own user row has not arrived as an agent', () => {
    seed();
    expect(cache.counts().blocked).toBeNull();
  });

  it('pages with the after cursor, without duplicates or skips, ties broken by id', () => {
    const log = new ChangeLog();
    for (let n = 1; n <= 25; n += 1) {
      log.thread(n, { conversation: { lastActivityAt: minute(Math.floor(n / 3)) } });
    }
    cache.applyChanges(log.changes);
    const all = ids('open');
    expect(all).toHaveLength(25);
    const paged: string[] = [];
    let after: ConversationQuery['after'];
    for (;;) {
      const page = cache.conversations({ filter: 'open', limit: 4, after });
      paged.push(...page.rows.map((row) => row.id));
      if (page.next === null) break;
      after = page.next;
    }
    expect(paged).toEqual(all);
    const exact = cache.conversations({ filter: 'open', limit: 25 });
    expect(exact.next).toBeNull();
  });

  it('finds a large list by walking the inbox and a small one from its members, alike', () => {
    const log = new ChangeLog();
    for (let n = 1; n <= 4200; n += 1) {
      log.thread(n, {
        contact: { lists: n % 2 === 0 ? ['big', ...(n % 1000 === 0 ? ['small'] : [])] : [] },
        conversation: { lastActivityAt: minute(n % 97) },
      });
    }
    cache.applyChanges(log.changes);
    for (const listId of ['big', 'small']) {
      const all = ids({ listId });
      const paged: string[] = [];
      let after: ConversationQuery['after'];
      do {
        const page = cache.conversations({ filter: { listId }, limit: 100, after });
        paged.push(...page.rows.map((row) => row.id));
        after = page.next ?? undefined;
      } while (after !== undefined);
      expect(paged).toEqual(all);
      expect(all).toHaveLength(listId === 'big' ? 2100 : 4);
    }
    expect(cache.counts().lists).toEqual({ big: 2100, small: 4 });
  });
});

describe('unread and read markers', () => {
  function thread(): string {
    const log = new ChangeLog();
    const { conversationId } = log.thread(1);
    log.message({ id: 'm1', conversationId, createdAt: minute(1) });
    log.message({ id: 'm2', conversationId, createdAt: minute(2), direction: 'outbound' });
    log.message({ id: 'm3', conversationId, createdAt: minute(3) });
    cache.applyChanges(log.changes);
    return conversationId;
  }

  const unread = (conversationId: string) => cache.conversationRow(conversationId)?.unread;

  it('counts inbound texts after my read marker, and only mine', () => {
    const conversationId = thread();
    expect(unread(conversationId)).toBe(2);
    const log = new ChangeLog(cache.cursor() + 1);
    log.read(conversationId, 'user-other', minute(10));
    cache.applyChanges(log.changes);
    expect(unread(conversationId)).toBe(2);
    log.read(conversationId, ME.userId, minute(2));
    cache.applyChanges(log.changes);
    expect(unread(conversationId)).toBe(1);
    log.message({ id: 'm4', conversationId, createdAt: minute(4) });
    log.message({ id: 'm5', conversationId, createdAt: minute(5), direction: 'note' });
    cache.applyChanges(log.changes);
    expect(unread(conversationId)).toBe(2);
    log.read(conversationId, ME.userId, minute(5));
    cache.applyChanges(log.changes);
    expect(unread(conversationId)).toBe(0);
    expect(cache.counts().unread).toBe(0);
  });

  it('totals unread texts of conversations the inbox shows, leaving out blocked contacts', () => {
    thread();
    const log = new ChangeLog(cache.cursor() + 1);
    const other = log.thread(2);
    log.message({ id: 'm9', conversationId: other.conversationId, createdAt: minute(9) });
    cache.applyChanges(log.changes);
    expect(cache.counts().unread).toBe(3);
    log.contact({ id: other.contactId, blocked: true, optedIn: false });
    cache.applyChanges(log.changes);
    expect(cache.counts().unread).toBe(2);
  });
});

describe('quarantined texts', () => {
  it('are stored, but never unread nor the last message the inbox shows', () => {
    const log = new ChangeLog();
    const { conversationId } = log.thread(1, { contact: { blocked: true, optedIn: false } });
    log.message({ id: 'm1', conversationId, createdAt: minute(1), body: 'before the block' });
    log.message({ id: 'm2', conversationId, createdAt: minute(2), status: 'quarantined' });
    cache.applyChanges(log.changes);
    const row = cache.conversationRow(conversationId);
    expect(row?.lastMessage?.body).toBe('before the block');
    expect(row?.unread).toBe(1);
    expect(cache.messages({ conversationId, limit: 10 }).messages.map((m) => m.id)).toEqual([
      'm1',
      'm2',
    ]);

    const only = new ChangeLog(cache.cursor() + 1);
    const quiet = only.thread(2, { contact: { blocked: true } });
    only.message({ id: 'q1', conversationId: quiet.conversationId, status: 'quarantined' });
    cache.applyChanges(only.changes);
    expect(cache.conversationRow(quiet.conversationId)).toMatchObject({
      lastMessage: null,
      unread: 0,
    });
  });

  it('leave the last message when a text is quarantined by an update', () => {
    const log = new ChangeLog();
    const { conversationId } = log.thread(1);
    log.message({ id: 'm1', conversationId, createdAt: minute(1), body: 'first' });
    log.message({ id: 'm2', conversationId, createdAt: minute(2), body: 'second' });
    log.message(
      { id: 'm2', conversationId, createdAt: minute(2), status: 'quarantined' },
      'updated',
    );
    cache.applyChanges(log.changes);
    expect(cache.conversationRow(conversationId)).toMatchObject({
      lastMessage: { body: 'first' },
      unread: 1,
    });
  });
});

describe('messages', () => {
  function thread(count: number): string {
    const log = new ChangeLog();
    const { conversationId } = log.thread(1);
    for (let n = 1; n <= count; n += 1) {
      log.message({ id: `m${String(n).padStart(2, '0')}`, conversationId, createdAt: minute(n) });
    }
    cache.applyChanges(log.changes);
    return conversationId;
  }

  it('pages backwards from the newest, each page oldest first', () => {
    const conversationId = thread(7);
    const first = cache.messages({ conversationId, limit: 3 });
    expect(first.messages.map((m) => m.id)).toEqual(['m05', 'm06', 'm07']);
    expect(first.more).toBe(true);
    const oldest = first.messages[0];
    if (oldest === undefined) throw new Error('no messages');
    const second = cache.messages({ conversationId, limit: 3, before: oldest });
    expect(second.messages.map((m) => m.id)).toEqual(['m02', 'm03', 'm04']);
    const last = cache.messages({
      conversationId,
      limit: 3,
      before: { createdAt: minute(2), id: 'm02' },
    });
    expect(last).toMatchObject({ more: false });
    expect(last.messages.map((m) => m.id)).toEqual(['m01']);
    expect(first.messages[0]).toMatchObject({
      local: null,
      direction: 'inbound',
      possibleOptOut: false,
    });
  });

  it('shows this desktop’s waiting and cancelled texts after the server’s, on the newest page only', () => {
    const conversationId = thread(4);
    const send = (key: string, body: string, at: number) => {
      cache.outboxAdd({
        key,
        command: { type: 'message.send', conversationId, body },
        at: minute(at),
      });
    };
    send('key-pending-1', 'on its way', 10);
    send('key-cancelled', 'never left', 11);
    send('key-done-0001', 'answered', 12);
    send('key-refused-1', 'refused', 13);
    cache.outboxAdd({
      key: 'key-elsewhere',
      command: { type: 'message.send', conversationId: 'conversation-9', body: 'other' },
      at: minute(14),
    });
    cache.outboxAdd({
      key: 'key-note-0001',
      command: { type: 'note.add', conversationId, body: 'a note' },
      at: minute(15),
    });
    cache.outboxSettle('key-cancelled', {
      state: 'cancelled',
      error: { code: 'opted-out', message: 'Opted out: replied STOP' },
    });
    cache.outboxSettle('key-done-0001', { state: 'done', value: { message: {} } });
    cache.outboxSettle('key-refused-1', {
      state: 'refused',
      error: { code: 'blocked', message: 'Blocked' },
    });

    const page = cache.messages({ conversationId, limit: 2 });
    expect(page.messages.map((m) => [m.id, m.local, m.status])).toEqual([
      ['m03', null, 'received'],
      ['m04', null, 'received'],
      ['outbox:key-pending-1', 'outbox', 'queued'],
      ['outbox:key-cancelled', 'cancelled', 'failed'],
    ]);
    expect(page.messages[2]).toMatchObject({
      body: 'on its way',
      direction: 'outbound',
      authorId: ME.userId,
      conversationId,
      createdAt: minute(10),
      errorMessage: null,
    });
    expect(page.messages[3]).toMatchObject({
      errorCode: 'opted-out',
      errorMessage: 'Opted out: replied STOP',
    });
    const older = cache.messages({
      conversationId,
      limit: 2,
      before: { createdAt: minute(3), id: 'm03' },
    });
    expect(older.messages.map((m) => m.id)).toEqual(['m01', 'm02']);
  });
});

describe('outbox', () => {
  it('keeps commands until settled, pending ones oldest first, once per key', () => {
    const command = { type: 'conversation.close', conversationId: 'c1' } as const;
    cache.outboxAdd({ key: 'key-later-1', command, at: minute(2) });
    cache.outboxAdd({ key: 'key-early-1', command, at: minute(1) });
    cache.outboxAdd({ key: 'key-early-1', command, at: minute(5) });
    expect(cache.outboxPending().map((entry) => entry.key)).toEqual(['key-early-1', 'key-later-1']);
    cache.outboxAttempted('key-early-1');
    cache.outboxAttempted('key-early-1');
    expect(cache.outboxEntry('key-early-1')).toEqual({
      key: 'key-early-1',
      command,
      createdAt: minute(1),
      attempts: 2,
      state: 'pending',
      outcome: null,
    });
    cache.outboxSettle('key-early-1', { state: 'done', value: { conversation: { id: 'c1' } } });
    cache.outboxSettle('key-later-1', {
      state: 'refused',
      error: { code: 'not-found', message: 'No such conversation.' },
    });
    expect(cache.outboxPending()).toEqual([]);
    expect(cache.outboxEntry('key-early-1')).toMatchObject({
      state: 'done',
      outcome: { conversation: { id: 'c1' } },
    });
    expect(cache.outboxEntry('key-later-1')).toMatchObject({
      state: 'refused',
      outcome: { code: 'not-found' },
    });
    expect(cache.outboxEntry('nothing-here')).toBeNull();
  });
});

describe('contacts for the send gate', () => {
  it('finds the contact by conversation or by id, with its conversation', () => {
    const log = new ChangeLog();
    log.thread(1, { contact: { name: 'Ada', optedIn: false } });
    log.contact({ id: 'contact-2', name: 'No conversation yet' });
    cache.applyChanges(log.changes);
    expect(cache.gateContact({ conversationId: 'conversation-1' })).toMatchObject({
      id: 'contact-1',
      optedIn: false,
      conversationId: 'conversation-1',
    });
    expect(cache.gateContact({ contactId: 'contact-1' })?.conversationId).toBe('conversation-1');
    expect(cache.gateContact({ contactId: 'contact-2' })).toMatchObject({
      name: 'No conversation yet',
      conversationId: null,
    });
    expect(cache.gateContact({ conversationId: 'conversation-9' })).toBeNull();
    expect(cache.gateContact({ contactId: 'contact-9' })).toBeNull();
  });
});

describe('claim', () => {
  function fill(): void {
    const log = new ChangeLog();
    const { conversationId } = log.thread(1, { contact: { name: 'Ada' } });
    log.message({ id: 'm1', conversationId, body: 'appointment' });
    log.profile('Acme Dental');
    log.templates([{ id: 't1', name: 'Thanks', body: 'Thanks!' }]);
    cache.applyChanges(log.changes);
    cache.outboxAdd({
      key: 'key-pending-1',
      command: { type: 'message.send', conversationId, body: 'x' },
      at: minute(1),
    });
  }

  it('keeps everything for the same person', () => {
    fill();
    cache.claim({ ...ME });
    expect(cache.cursor()).toBe(5);
    expect(ids('open')).toHaveLength(1);
    expect(cache.outboxPending()).toHaveLength(1);
  });

  it('empties the file for anyone else, outbox and search included', () => {
    fill();
    for (const other of [
      { ...ME, userId: 'user-2' },
      { ...ME, accountId: 'account-2' },
      { ...ME, serverUrl: 'https://elsewhere.test' },
    ]) {
      cache.claim(other);
      expect(cache.identity()).toEqual(other);
      expect(cache.cursor()).toBe(0);
      expect(ids('open')).toEqual([]);
      expect(cache.outboxPending()).toEqual([]);
      expect(cache.search('appointment', 10)).toEqual([]);
      expect(cache.search('Ada', 10)).toEqual([]);
      expect(cache.contact('contact-1')).toBeNull();
      expect(cache.account()).toEqual({
        lists: [],
        triggers: [],
        users: [],
        templates: [],
        profile: null,
      });
      fill();
    }
  });

  it('starts a new file with no identity', () => {
    const other = new LocalCache(join(folder.path, 'other.sqlite'));
    try {
      expect(other.identity()).toBeNull();
      expect(other.cursor()).toBe(0);
    } finally {
      other.close();
    }
  });

  it('keeps its data across reopening', () => {
    fill();
    cache.close();
    cache = new LocalCache(join(folder.path, 'cache.sqlite'));
    expect(cache.identity()).toEqual(ME);
    expect(cache.cursor()).toBe(5);
    expect(cache.search('appoint', 10)).toHaveLength(1);
  });
});
