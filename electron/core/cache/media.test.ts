/**
 * Messages with pictures and files in the local cache: their media records
 * come back with the thread, the inbox names a text of files only, and
 * search finds a message by an attachment's name.
 */
import SqliteDatabase from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MediaSnapshot } from '../../../shared/protocol/media';
import { LocalCache } from './localCache';
import { migrate } from './migrations';
import { ChangeLog, minute, temporaryFolder } from './testChanges';
import { cachePerTest } from './testCache';

const picture = (fields: Partial<MediaSnapshot> & { readonly id: string }): MediaSnapshot => ({
  sha256: 'a'.repeat(64),
  type: 'image/jpeg',
  kind: 'image',
  size: 84_000,
  filename: 'IMG_0042.jpg',
  claimedType: null,
  width: 1200,
  height: 900,
  hasPreview: true,
  expired: false,
  createdAt: minute(0),
  ...fields,
});

const pdf = (id: string, filename: string): MediaSnapshot =>
  picture({
    id,
    type: 'application/pdf',
    kind: 'pdf',
    filename,
    width: null,
    height: null,
    hasPreview: false,
  });

describe('messages with media', () => {
  const cache = cachePerTest();

  it('keep their media records, in order, through an update', () => {
    const log = new ChangeLog();
    const { conversationId } = log.thread(1);
    const media = [picture({ id: 'media-1' }), pdf('media-2', 'invoice_march.pdf')];
    log.message({ id: 'm1', conversationId, body: '', media, createdAt: minute(2) });
    cache().applyChanges(log.changes);
    expect(cache().messages({ conversationId, limit: 10 }).messages).toMatchObject([
      { id: 'm1', body: '', media },
    ]);

    const later = new ChangeLog(log.changes.length + 1);
    const expired = media.map((item) => ({ ...item, expired: true }));
    later.message(
      { id: 'm1', conversationId, body: '', media: expired, createdAt: minute(2) },
      'updated',
    );
    cache().applyChanges(later.changes);
    expect(cache().messages({ conversationId, limit: 10 }).messages[0]?.media).toEqual(expired);
  });

  it('name a text of files only in the conversation list, and leave plain texts alone', () => {
    const log = new ChangeLog();
    const one = log.thread(1, { conversation: { lastActivityAt: minute(5) } });
    const two = log.thread(2, { conversation: { lastActivityAt: minute(4) } });
    const three = log.thread(3, { conversation: { lastActivityAt: minute(3) } });
    log.message({
      id: 'm1',
      conversationId: one.conversationId,
      body: '',
      media: [picture({ id: 'media-1' })],
      createdAt: minute(5),
    });
    log.message({
      id: 'm2',
      conversationId: two.conversationId,
      body: 'Here are both',
      media: [picture({ id: 'media-2' }), picture({ id: 'media-3' })],
      createdAt: minute(4),
    });
    log.message({
      id: 'm3',
      conversationId: three.conversationId,
      body: 'Thanks!',
      createdAt: minute(3),
    });
    cache().applyChanges(log.changes);
    const rows = cache().conversations({ filter: 'open', limit: 10 }).rows;
    expect(rows.map((row) => row.lastMessage)).toEqual([
      {
        body: '📷 Photo',
        mediaLabel: '📷 Photo',
        direction: 'inbound',
        status: 'received',
        at: minute(5),
      },
      {
        body: 'Here are both',
        mediaLabel: '📷 2 photos',
        direction: 'inbound',
        status: 'received',
        at: minute(4),
      },
      { body: 'Thanks!', direction: 'inbound', status: 'received', at: minute(3) },
    ]);
    expect(cache().conversationRow(one.conversationId)?.lastMessage?.mediaLabel).toBe('📷 Photo');
  });

  it('are found by an attachment’s name, the name shown with what matched', () => {
    const log = new ChangeLog();
    const { conversationId } = log.thread(1, { contact: { name: 'Ada Lovelace' } });
    log.message({
      id: 'm1',
      conversationId,
      body: 'Here you go',
      media: [pdf('media-1', 'invoice_march.pdf')],
      createdAt: minute(2),
    });
    log.message({
      id: 'm2',
      conversationId,
      body: 'The invoice is attached',
      createdAt: minute(3),
    });
    cache().applyChanges(log.changes);
    expect(cache().search('invoice', 10)).toMatchObject([
      { messageId: 'm2', snippet: 'The invoice is attached', highlights: [[4, 11]] },
      { messageId: 'm1', snippet: '📎 invoice_march.pdf', highlights: [[3, 10]] },
    ]);
    expect(
      cache()
        .search('march', 10)
        .map((hit) => hit.messageId),
    ).toEqual(['m1']);

    // The file goes (an edit of the message without it): so does its name from the index.
    const later = new ChangeLog(log.changes.length + 1);
    later.message(
      { id: 'm1', conversationId, body: 'Here you go', createdAt: minute(2) },
      'updated',
    );
    cache().applyChanges(later.changes);
    expect(cache().search('march', 10)).toEqual([]);
    expect(
      cache()
        .search('here', 10)
        .map((hit) => hit.messageId),
    ).toEqual(['m1']);
  });
});

describe('a file of version 7', () => {
  let folder: ReturnType<typeof temporaryFolder>;
  beforeEach(() => {
    folder = temporaryFolder();
  });
  afterEach(() => {
    folder.remove();
  });

  it('reads its messages as having no media, and takes media from then on (8)', () => {
    const file = join(folder.path, 'cache.sqlite');
    const db = new SqliteDatabase(file);
    migrate(db, 7);
    db.prepare(
      `INSERT INTO conversations (id, contact_id, business_number_id, status, last_activity_at)
       VALUES ('conversation-1', 'contact-1', 'number-1', 'open', ?)`,
    ).run(minute(1));
    db.prepare(
      `INSERT INTO messages (rk, id, conversation_id, direction, body, status, possible_opt_out,
         created_at, updated_at)
       VALUES (?, 'm1', 'conversation-1', 'inbound', 'Old text', 'received', 0, ?, ?)`,
    ).run(Date.parse(minute(1)) * 1024, minute(1), minute(1));
    db.close();
    const cache = new LocalCache(file);
    try {
      const conversationId = 'conversation-1';
      expect(cache.messages({ conversationId, limit: 10 }).messages).toMatchObject([
        { id: 'm1', body: 'Old text', media: [] },
      ]);
      const log = new ChangeLog();
      log.message({
        id: 'm2',
        conversationId,
        body: '',
        media: [picture({ id: 'media-1' })],
        createdAt: minute(2),
      });
      cache.applyChanges(log.changes);
      expect(cache.conversationRow(conversationId)?.lastMessage?.body).toBe('📷 Photo');
    } finally {
      cache.close();
    }
  });
});
