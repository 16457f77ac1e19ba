import SqliteDatabase from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCache } from './client';
import { LATEST_VERSION } from './migrations';
import { ChangeLog, ME, temporaryFolder } from './testChanges';

let folder: ReturnType<typeof temporaryFolder>;

beforeEach(() => {
  folder = temporaryFolder();
});

afterEach(() => {
  folder.remove();
});

describe('openCache', () => {
  it('runs the cache in a worker thread, each method answered with a promise', async () => {
    const cache = await openCache(join(folder.path, 'cache.sqlite'));
    try {
      expect(await cache.identity()).toBeNull();
      await cache.claim(ME);
      const log = new ChangeLog();
      const { conversationId } = log.thread(1, { contact: { name: 'Ada' } });
      log.message({ id: 'm1', conversationId, body: 'See you Thursday' });
      expect(await cache.applyChanges(log.changes)).toEqual({ cursor: 3, applied: 3 });
      const page = await cache.conversations({ filter: 'open', limit: 10 });
      expect(page.rows).toMatchObject([{ id: conversationId, name: 'Ada', unread: 1 }]);
      expect((await cache.search('thurs', 5)).map((hit) => hit.messageId)).toEqual(['m1']);
      await cache.outboxAdd({
        key: 'key-pending-1',
        command: { type: 'message.send', conversationId, body: 'Yes' },
        at: '2026-03-02T09:30:00.000Z',
      });
      const messages = await cache.messages({ conversationId, limit: 10 });
      expect(messages.messages.map((message) => message.local)).toEqual([null, 'outbox']);
    } finally {
      await cache.close();
    }
  });

  it('passes errors back as errors with their message, and keeps working', async () => {
    const cache = await openCache(join(folder.path, 'cache.sqlite'));
    try {
      const log = new ChangeLog();
      const change = log.message({ id: 'm1', conversationId: 'c1' });
      Object.assign(change.data, { body: null });
      await expect(cache.applyChanges(log.changes)).rejects.toThrow(/NOT NULL/u);
      expect(await cache.cursor()).toBe(0);
    } finally {
      await cache.close();
    }
    await expect(cache.cursor()).rejects.toThrow(/closed/u);
  });

  it('refuses a file a newer app made', async () => {
    const file = join(folder.path, 'cache.sqlite');
    const db = new SqliteDatabase(file);
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    db.close();
    await expect(openCache(file)).rejects.toThrow(/newer version of Textdesk/u);
  });
});
