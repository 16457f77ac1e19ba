import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import type { MediaSnapshot } from '../../shared/protocol/media';
import type { DialectName } from '../db/connect';
import { ingestInbound } from '../domain/ingest';
import { DIALECTS } from '../testing/storage';
import { keyOf } from './records';
import { mediaTestbeds, TESTBED_NUMBERS } from './testbed';
import type { BlobStore } from './types';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const NOW = new Date('2026-06-15T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

const testbeds = mediaTestbeds();

/**
 * A migrated database with two accounts (Acme keeping media 30 days, Bright
 * forever), a media folder, and a clock each file is taken in at.
 */
async function testbed(dialect: DialectName, wrap = (store: BlobStore) => store) {
  const bed = await testbeds(dialect, { wrap, now: NOW });
  const { db, media, store, clock } = bed;
  const [acme, bright] = [bed.accountId, bed.otherAccountId];
  const numbers = TESTBED_NUMBERS;
  await db
    .updateTable('accounts')
    .set({ media_retention_days: 30 })
    .where('id', '=', acme)
    .execute();

  /** A picture (its colour makes its bytes) taken in for the account at `at`. */
  async function picture(accountId: string, color: string, at: Date): Promise<MediaSnapshot> {
    clock.now = at;
    const bytes = await sharp({ create: { width: 32, height: 32, channels: 3, background: color } })
      .png()
      .toBuffer();
    const result = await media.ingest({
      accountId,
      source: 'carrier',
      body: Readable.from([bytes]),
    });
    if (!result.ok) throw new Error(result.error.message);
    return result.value;
  }
  /** A customer's MMS showing these files, received at `at`; its message id. */
  async function mms(to: 'acme' | 'bright', items: MediaSnapshot[], at: Date): Promise<string> {
    const text = { from: '+12015550123', to: numbers[to], body: '', media: items };
    const result = await ingestInbound(
      db,
      { ...text, carrierId: `MM${randomUUID()}` },
      { defaultCountry: 'US', now: at },
    );
    if (!result.ok) throw new Error(result.error.message);
    return result.value.messageId;
  }
  /** Every file in the store, by name. */
  const stored = async (): Promise<string[]> => (await bed.stored()).sort();
  const variants = (sha256: string) => [sha256, `${sha256}.preview`, `${sha256}.thumbnail`];
  const mediaOf = async (messageId: string): Promise<MediaSnapshot[]> => {
    const row = await db
      .selectFrom('messages')
      .select('media')
      .where('id', '=', messageId)
      .executeTakeFirstOrThrow();
    return JSON.parse(row.media ?? '[]') as MediaSnapshot[];
  };
  return { db, acme, bright, media, store, picture, mms, stored, variants, mediaOf };
}

describe.each(DIALECTS)('media sweep on %s', (dialect) => {
  test('past its retention period a message’s pictures are removed, and the thread is told', async () => {
    const { db, acme, media, picture, mms, stored, variants, mediaOf } = await testbed(dialect);
    const old = await picture(acme, '#a00', ago(40 * DAY));
    const oldMessage = await mms('acme', [old], ago(40 * DAY));
    const recent = await picture(acme, '#0a0', ago(2 * DAY));
    const recentMessage = await mms('acme', [recent], ago(2 * DAY));

    const swept = await media.sweep(NOW);
    expect(swept).toMatchObject({ expired: 1, removedBlobs: 1 });
    expect(swept.changes).toEqual([
      {
        accountId: acme,
        changes: [
          expect.objectContaining({
            type: 'message.updated',
            data: expect.objectContaining({
              id: oldMessage,
              media: [{ ...old, expired: true }],
            }) as unknown,
          }),
        ],
      },
    ]);
    expect(await mediaOf(oldMessage)).toEqual([{ ...old, expired: true }]);
    expect(await mediaOf(recentMessage)).toEqual([recent]);
    const logged = await db
      .selectFrom('change_log')
      .select(['type', 'entity_id', 'at'])
      .where('account_id', '=', acme)
      .where('type', '=', 'message.updated')
      .execute();
    expect(logged).toEqual([
      { type: 'message.updated', entity_id: oldMessage, at: NOW.toISOString() },
    ]);
    // The record stays, marked; the bytes are gone and can no longer be fetched or sent.
    expect(await stored()).toEqual(variants(recent.sha256).sort());
    const query = Object.fromEntries(new URL(media.signedUrl(old.id, 'original')).searchParams);
    expect(await media.openSigned(old.id, 'original', query, NOW)).toBeNull();
    expect(
      await media.forSending(acme, [old.id], { maxCount: 10, maxTotalBytes: 1e7 }),
    ).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    // Sweeping again finds nothing more to do.
    expect(await media.sweep(new Date(NOW.getTime() + HOUR))).toEqual({
      expired: 0,
      removedBlobs: 0,
      changes: [],
    });
  });

  test('bytes another message or account still shows are kept when one copy expires', async () => {
    const { db, acme, bright, media, picture, mms, stored, variants } = await testbed(dialect);
    const acmeCopy = await picture(acme, '#00a', ago(40 * DAY));
    await mms('acme', [acmeCopy], ago(40 * DAY));
    // The same picture texted to another business, which keeps media forever.
    const brightCopy = await picture(bright, '#00a', ago(40 * DAY));
    await mms('bright', [brightCopy], ago(40 * DAY));
    // And a file Acme received long ago but that a recent message shows too.
    const reused = await picture(acme, '#aa0', ago(40 * DAY));
    await mms('acme', [reused], ago(40 * DAY));
    await mms('acme', [reused], ago(DAY));

    expect(await media.sweep(NOW)).toMatchObject({ expired: 1, removedBlobs: 0 });
    const expired = await db
      .selectFrom('media')
      .select('id')
      .where('expired_at', 'is not', null)
      .execute();
    expect(expired).toEqual([{ id: acmeCopy.id }]);
    expect(await stored()).toEqual(
      [...variants(acmeCopy.sha256), ...variants(reused.sha256)].sort(),
    );
  });

  test('an upload no message used is removed a day on, with its bytes', async () => {
    const { db, acme, media, picture, stored, variants } = await testbed(dialect);
    const abandoned = await picture(acme, '#f0f', ago(25 * HOUR));
    const drafting = await picture(acme, '#0ff', ago(23 * HOUR));
    expect(await media.sweep(NOW)).toMatchObject({ expired: 0, removedBlobs: 1 });
    const left = await db.selectFrom('media').select('id').execute();
    expect(left).toEqual([{ id: drafting.id }]);
    expect(await stored()).toEqual(variants(drafting.sha256).sort());
    const blobs = await db.selectFrom('media_blobs').select('sha256').execute();
    expect(blobs).toEqual([{ sha256: drafting.sha256 }]);
    expect(abandoned.sha256).not.toBe(drafting.sha256);
  });

  test('bytes stored but never recorded as anyone’s file are removed once settled', async () => {
    const { db, acme, media, picture, stored, variants } = await testbed(dialect);
    // As if an ingest stopped after storing its bytes and before recording the file.
    const orphan = await picture(acme, '#123', ago(2 * HOUR));
    const settling = await picture(acme, '#456', ago(30 * 60 * 1000));
    await db.deleteFrom('media').where('id', 'in', [orphan.id, settling.id]).execute();
    await db
      .updateTable('media_blobs')
      .set({ created_at: ago(2 * HOUR).toISOString() })
      .where('sha256', '=', orphan.sha256)
      .execute();

    expect(await media.sweep(NOW)).toMatchObject({ removedBlobs: 1 });
    // One being recorded right now (stored within the hour) is left alone.
    expect(await stored()).toEqual(variants(settling.sha256).sort());
    const blobs = await db.selectFrom('media_blobs').select('sha256').execute();
    expect(blobs).toEqual([{ sha256: settling.sha256 }]);
  });
});

test('a sweep while expired bytes are being stored again leaves the new copy alone', async () => {
  // The ingest is held once the original's bytes are in, before the file is recorded.
  let arrived = (): void => undefined;
  let release = (): void => undefined;
  const holding = new Promise<void>((resolve) => (arrived = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  let hold = false;
  const gated = (store: BlobStore): BlobStore => ({
    kind: store.kind,
    get: (key) => store.get(key),
    has: (key) => store.has(key),
    delete: (key) => store.delete(key),
    putFile: async (key, path, type) => {
      await store.putFile(key, path, type);
      if (hold && !key.includes('.')) {
        arrived();
        await released;
      }
    },
  });
  const { acme, store, media, picture, mms, stored } = await testbed('sqlite', gated);
  const first = await picture(acme, '#789', ago(40 * DAY));
  await mms('acme', [first], ago(40 * DAY));
  expect(await media.sweep(ago(HOUR))).toMatchObject({ expired: 1, removedBlobs: 1 });
  expect(await stored()).toEqual([]);

  // The customer sends the same picture again; a sweep runs while it is stored.
  hold = true;
  const again = picture(acme, '#789', NOW);
  await holding;
  expect(await media.sweep(NOW)).toMatchObject({ removedBlobs: 0 });
  release();
  const file = await again;
  expect(await media.sweep(NOW)).toMatchObject({ removedBlobs: 0 });
  expect(await store.has(keyOf.original(file.sha256))).toBe(true);
  expect(await store.has(keyOf.thumbnail(file.sha256))).toBe(true);
});

test('bytes a new file took while the sweep was removing others are left alone', async () => {
  // The sweep is held at its first removal, while the same bytes as another expiring file come in.
  let arrived = (_key: string): void => undefined;
  let release = (): void => undefined;
  const holding = new Promise<string>((resolve) => (arrived = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  let hold = false;
  const gated = (store: BlobStore): BlobStore => ({
    kind: store.kind,
    get: (key) => store.get(key),
    has: (key) => store.has(key),
    putFile: (key, path, type) => store.putFile(key, path, type),
    delete: async (key) => {
      if (hold) {
        hold = false;
        arrived(key);
        await released;
      }
      return store.delete(key);
    },
  });
  const { acme, store, media, picture, mms } = await testbed('sqlite', gated);
  const red = await picture(acme, '#e00', ago(40 * DAY));
  const blue = await picture(acme, '#00e', ago(40 * DAY));
  await mms('acme', [red, blue], ago(40 * DAY));

  hold = true;
  const sweep = media.sweep(NOW);
  const first = await holding;
  const other = first.startsWith(red.sha256) ? '#00e' : '#e00';
  // The customer sends the other picture again: its bytes are still there, so it is only recorded.
  const resent = await picture(acme, other, NOW);
  release();
  expect(await sweep).toMatchObject({ expired: 2, removedBlobs: 1 });
  expect(await store.has(keyOf.original(resent.sha256))).toBe(true);
  const query = Object.fromEntries(new URL(media.signedUrl(resent.id, 'preview')).searchParams);
  expect(await media.openSigned(resent.id, 'preview', query, NOW)).not.toBeNull();
});
