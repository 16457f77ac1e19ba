import type { Kysely } from 'kysely';
import type { Change } from '../../shared/protocol/entities';
import type { MediaSnapshot } from '../../shared/protocol/media';
import type { Database } from '../db/schema';
import { appendChanges } from '../domain/changes';
import { messageSnapshot } from '../domain/records';
import { keyOf } from './records';
import type { BlobStore, SweepResult } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A file no message took within this long (an upload never sent) is removed. */
const UNUSED_FOR_MS = DAY_MS;
/** Bytes stored this recently are left alone: an ingest may be recording them right now. */
const SETTLING_MS = 60 * 60 * 1000;

/** Expires the media of one account's messages older than its retention period. */
async function expireAccount(
  db: Kysely<Database>,
  accountId: string,
  days: number,
  now: Date,
): Promise<{ expired: number; changes: Change[] }> {
  const cutoff = new Date(now.getTime() - days * DAY_MS).toISOString();
  return db.transaction().execute(async (trx) => {
    const links = await trx
      .selectFrom('message_media')
      .innerJoin('media', 'media.id', 'message_media.media_id')
      .innerJoin('messages', 'messages.id', 'message_media.message_id')
      .select(['message_media.message_id', 'media.id as media_id'])
      .where('media.account_id', '=', accountId)
      .where('media.expired_at', 'is', null)
      .where('messages.created_at', '<', cutoff)
      .execute();
    if (links.length === 0) return { expired: 0, changes: [] };
    const at = now.toISOString();
    const mediaIds = [...new Set(links.map((link) => link.media_id))];
    // A file shown by a newer message too is kept until that one is old enough.
    const stillShown = await trx
      .selectFrom('message_media')
      .innerJoin('messages', 'messages.id', 'message_media.message_id')
      .select('message_media.media_id')
      .where('message_media.media_id', 'in', mediaIds)
      .where('messages.created_at', '>=', cutoff)
      .execute();
    const kept = new Set(stillShown.map((row) => row.media_id));
    const expiring = mediaIds.filter((id) => !kept.has(id));
    if (expiring.length === 0) return { expired: 0, changes: [] };
    await trx.updateTable('media').set({ expired_at: at }).where('id', 'in', expiring).execute();
    const gone = new Set(expiring);
    const messageIds = [
      ...new Set(links.filter((link) => gone.has(link.media_id)).map((link) => link.message_id)),
    ];
    const messages = await trx
      .selectFrom('messages')
      .selectAll()
      .where('id', 'in', messageIds)
      .execute();
    const updated = [];
    for (const message of messages) {
      const media = (JSON.parse(message.media ?? '[]') as MediaSnapshot[]).map((item) =>
        gone.has(item.id) ? { ...item, expired: true } : item,
      );
      const row = { ...message, media: JSON.stringify(media), updated_at: at };
      await trx
        .updateTable('messages')
        .set({ media: row.media, updated_at: at })
        .where('id', '=', message.id)
        .execute();
      updated.push({ type: 'message.updated' as const, data: messageSnapshot(row) });
    }
    const changes = await appendChanges(trx, accountId, updated, at);
    return { expired: expiring.length, changes };
  });
}

/**
 * Retention and clean-up (see MediaService.sweep): expired media keep their
 * records, so the thread can say a picture was removed; unused ones go; and
 * bytes that no live file needs are deleted from the store.
 */
export async function sweepMedia(
  db: Kysely<Database>,
  store: BlobStore,
  now: Date,
): Promise<SweepResult> {
  const accounts = await db
    .selectFrom('accounts')
    .select(['id', 'media_retention_days'])
    .where('media_retention_days', 'is not', null)
    .execute();
  let expired = 0;
  const changes: { accountId: string; changes: Change[] }[] = [];
  for (const account of accounts) {
    const done = await expireAccount(db, account.id, account.media_retention_days ?? 0, now);
    expired += done.expired;
    if (done.changes.length > 0) changes.push({ accountId: account.id, changes: done.changes });
  }

  // Files no message shows, a day on: uploads never sent, files of deleted messages.
  await db
    .deleteFrom('media')
    .where('created_at', '<', new Date(now.getTime() - UNUSED_FOR_MS).toISOString())
    .where((eb) =>
      eb.not(
        eb.exists(
          eb.selectFrom('message_media').select('media_id').whereRef('media_id', '=', 'media.id'),
        ),
      ),
    )
    .execute();

  // Bytes no live file needs: every file of the blob expired, or none is left.
  const settled = new Date(now.getTime() - SETTLING_MS).toISOString();
  const unneededBlobs = () =>
    db
      .selectFrom('media_blobs')
      .select(['sha256', 'preview_type'])
      .where('created_at', '<', settled)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('media')
              .select('id')
              .whereRef('media.sha256', '=', 'media_blobs.sha256')
              .where('media.expired_at', 'is', null),
          ),
        ),
      );
  const unneeded = await unneededBlobs().execute();
  let removedBlobs = 0;
  for (const blob of unneeded) {
    // Asked again just before: removing many from a bucket takes a while, and a file of
    // the same bytes may have come in (and been recorded) meanwhile.
    const still = await unneededBlobs().where('sha256', '=', blob.sha256).executeTakeFirst();
    if (still === undefined) continue;
    if (!(await store.has(keyOf.original(blob.sha256)))) continue;
    await store.delete(keyOf.preview(blob.sha256));
    await store.delete(keyOf.thumbnail(blob.sha256));
    await store.delete(keyOf.original(blob.sha256));
    removedBlobs += 1;
  }
  // Records of blobs no file refers to at all.
  await db
    .deleteFrom('media_blobs')
    .where('created_at', '<', settled)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb.selectFrom('media').select('id').whereRef('media.sha256', '=', 'media_blobs.sha256'),
        ),
      ),
    )
    .execute();
  return { expired, removedBlobs, changes };
}
