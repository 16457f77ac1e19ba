import { join } from 'node:path';
import type { Kysely, Selectable } from 'kysely';
import { mediaKindOf, type MediaSnapshot } from '../../shared/protocol/media';
import { timeOrderedId } from '../db/ids';
import type { Database, MediaBlobsTable, MediaTable } from '../db/schema';
import { derivePictures } from './images';
import { sniffFile } from './sniff';
import type { BlobStore, MediaSource } from './types';

/** A media row with its blob's columns: everything a snapshot needs. */
export type MediaRow = Selectable<MediaTable> &
  Pick<Selectable<MediaBlobsTable>, 'type' | 'size' | 'width' | 'height' | 'preview_type'>;

/** The store keys of a blob's files. */
export const keyOf = {
  original: (sha256: string): string => sha256,
  preview: (sha256: string): string => `${sha256}.preview`,
  thumbnail: (sha256: string): string => `${sha256}.thumbnail`,
} as const;

export function mediaSnapshot(row: MediaRow): MediaSnapshot {
  return {
    id: row.id,
    sha256: row.sha256,
    type: row.type,
    kind: mediaKindOf(row.type),
    size: row.size,
    filename: row.filename,
    claimedType: row.claimed_type === row.type ? null : row.claimed_type,
    width: row.width,
    height: row.height,
    hasPreview: row.preview_type !== null,
    expired: row.expired_at !== null,
    createdAt: row.created_at,
  };
}

/** Media rows with their blobs, by id (any order). */
export function selectMedia(db: Kysely<Database>) {
  return db
    .selectFrom('media')
    .innerJoin('media_blobs', 'media_blobs.sha256', 'media.sha256')
    .selectAll('media')
    .select([
      'media_blobs.type',
      'media_blobs.size',
      'media_blobs.width',
      'media_blobs.height',
      'media_blobs.preview_type',
    ]);
}

/** A type as sent in a header: "image/jpeg; charset=x" → "image/jpeg"; null when there is none. */
export function plainType(type: string | undefined): string | null {
  const plain = type?.split(';')[0]?.trim().toLowerCase() ?? '';
  return plain === '' ? null : plain.slice(0, 200);
}

/** The last part of a name, without control characters, at most 255 characters; null when empty. */
export function cleanFilename(name: string | undefined): string | null {
  const last = (name ?? '').split(/[/\\]/u).pop() ?? '';
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const clean = last.replace(/[\u0000-\u001f\u007f]/gu, '').trim();
  return clean === '' ? null : clean.slice(-255);
}

export interface StoredFile {
  /** The whole file, already on disk. */
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
  /** A folder of the caller's, for the preview and thumbnail made on the way. */
  readonly workDir: string;
}

/**
 * Makes sure the blob is in the store (its preview and thumbnail too, for a
 * picture) and recorded; the same bytes are stored once. A blob whose bytes
 * were removed (its media all expired) is stored again.
 */
export async function ensureBlob(
  db: Kysely<Database>,
  store: BlobStore,
  file: StoredFile,
  now: Date,
): Promise<Selectable<MediaBlobsTable>> {
  const existing = await db
    .selectFrom('media_blobs')
    .selectAll()
    .where('sha256', '=', file.sha256)
    .executeTakeFirst();
  if (
    existing !== undefined &&
    (await store.has(keyOf.original(file.sha256))) &&
    (existing.preview_type === null || (await store.has(keyOf.thumbnail(file.sha256))))
  ) {
    return existing;
  }
  if (existing !== undefined) {
    // Stored again (its bytes were swept): counted as new, so a sweep leaves the bytes
    // alone (SETTLING_MS) until the file that needs them is recorded.
    await db
      .updateTable('media_blobs')
      .set({ created_at: now.toISOString() })
      .where('sha256', '=', file.sha256)
      .execute();
  }
  const sniffed = await sniffFile(file.path);
  const preview = join(file.workDir, 'preview');
  const thumbnail = join(file.workDir, 'thumbnail');
  const derived =
    sniffed.kind === 'image'
      ? await derivePictures(file.path, sniffed.type, { preview, thumbnail })
      : null;
  // Derived files first: whoever sees the original may ask for them.
  if (derived !== null) {
    await store.putFile(keyOf.preview(file.sha256), preview, derived.previewType);
    await store.putFile(keyOf.thumbnail(file.sha256), thumbnail, derived.previewType);
  }
  await store.putFile(keyOf.original(file.sha256), file.path, sniffed.type);
  const row: Selectable<MediaBlobsTable> = {
    sha256: file.sha256,
    type: sniffed.type,
    size: file.size,
    width: derived?.width ?? null,
    height: derived?.height ?? null,
    preview_type: derived?.previewType ?? null,
    created_at: now.toISOString(),
  };
  await db
    .insertInto('media_blobs')
    .values(row)
    .onConflict((conflict) =>
      conflict.column('sha256').doUpdateSet({
        width: row.width,
        height: row.height,
        preview_type: row.preview_type,
      }),
    )
    .execute();
  return row;
}

export interface MediaOrigin {
  readonly accountId: string;
  readonly source: MediaSource;
  readonly filename: string | null;
  readonly claimedType: string | null;
  readonly createdBy: string | null;
}

/** Records a stored blob as a file of the account's. */
export async function insertMedia(
  db: Kysely<Database>,
  blob: Selectable<MediaBlobsTable>,
  origin: MediaOrigin,
  now: Date,
): Promise<MediaSnapshot> {
  const row: Selectable<MediaTable> = {
    id: timeOrderedId(now.getTime()),
    account_id: origin.accountId,
    sha256: blob.sha256,
    filename: origin.filename,
    claimed_type: origin.claimedType,
    source: origin.source,
    created_by: origin.createdBy,
    created_at: now.toISOString(),
    expired_at: null,
  };
  await db.insertInto('media').values(row).execute();
  return mediaSnapshot({ ...row, ...blob });
}
