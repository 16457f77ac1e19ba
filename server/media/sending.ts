import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import {
  formatBytes,
  mediaKindOf,
  type MediaLimits,
  type MediaSnapshot,
} from '../../shared/protocol/media';
import { fail, ok, type Result } from '../../shared/result';
import type { Database } from '../db/schema';
import { shrinkToJpeg } from './images';
import {
  ensureBlob,
  insertMedia,
  keyOf,
  mediaSnapshot,
  selectMedia,
  type MediaRow,
} from './records';
import type { BlobStore, MediaError, Shrunk } from './types';

export interface SendingContext {
  readonly db: Kysely<Database>;
  readonly store: BlobStore;
  /** A folder of the caller's, emptied afterwards. */
  readonly workDir: string;
  readonly now: Date;
}

/** Pictures phones everywhere show as they are; others (HEIC, WebP) go as JPEG. */
const SENT_AS_IS = new Set(['image/jpeg', 'image/png', 'image/gif']);

const nameOf = (row: MediaRow): string => (row.filename === null ? 'a file' : `“${row.filename}”`);

/** "IMG_0042.HEIC" → "IMG_0042.jpg": the name of the JPEG made from it. */
function jpegName(filename: string | null): string | null {
  if (filename === null) return null;
  const dot = filename.lastIndexOf('.');
  return `${dot > 0 ? filename.slice(0, dot) : filename}.jpg`;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** Re-encodes one picture as a JPEG of at most `maxBytes`, recorded as a new file of the account. */
async function shrunkCopy(
  context: SendingContext,
  row: MediaRow,
  maxBytes: number,
): Promise<MediaSnapshot | null> {
  const dir = join(context.workDir, row.id);
  await mkdir(dir, { recursive: true });
  const found = await context.store.get(keyOf.original(row.sha256));
  if (found === null) return null;
  const source = join(dir, 'source');
  await pipeline(found.body, createWriteStream(source));
  const path = join(dir, 'shrunk.jpg');
  const size = await shrinkToJpeg(source, row.type, maxBytes, path);
  if (size === null) return null;
  const blob = await ensureBlob(
    context.db,
    context.store,
    { path, size, sha256: await sha256Of(path), workDir: dir },
    context.now,
  );
  return insertMedia(
    context.db,
    blob,
    {
      accountId: row.account_id,
      source: 'upload',
      filename: jpegName(row.filename),
      claimedType: null,
      createdBy: row.created_by,
    },
    context.now,
  );
}

/** The account's media for one message, in order, or why they cannot be sent. */
async function mediaFor(
  db: Kysely<Database>,
  accountId: string,
  ids: readonly string[],
): Promise<Result<MediaRow[], MediaError>> {
  if (new Set(ids).size !== ids.length) {
    return fail({ code: 'invalid-input', message: 'The same file is attached twice.' });
  }
  const rows = await selectMedia(db)
    .where('media.id', 'in', [...ids])
    .where('media.account_id', '=', accountId)
    .execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const ordered: MediaRow[] = [];
  for (const id of ids) {
    const row = byId.get(id);
    if (row === undefined) {
      return fail({
        code: 'not-found',
        message:
          'An attachment is not on the server (it may have been removed); attach the file again.',
      });
    }
    if (row.expired_at !== null) {
      return fail({
        code: 'not-found',
        message: `${nameOf(row)} was removed when its retention period ended; attach it again.`,
      });
    }
    if (mediaKindOf(row.type) === 'file') {
      return fail({
        code: 'unsupported',
        message: `${nameOf(row)} is not a picture, PDF, contact card, audio or video, so phones would not show it. Send one of those instead.`,
      });
    }
    ordered.push(row);
  }
  return ok(ordered);
}

/**
 * The media of one MMS, checked against the carrier's limits: at most
 * `maxCount` files, `maxTotalBytes` in all. Pictures are shrunk (re-encoded
 * as JPEG) so that everything fits — each given an even share of what the
 * other files leave, smaller pictures giving their unused share to larger
 * ones — and HEIC and WebP pictures, which not every phone shows, always go
 * as JPEG. Other files are never changed: if they alone are too large, the
 * message is refused and says which.
 */
export async function prepareForSending(
  context: SendingContext,
  accountId: string,
  ids: readonly string[],
  limits: MediaLimits,
): Promise<Result<{ media: MediaSnapshot[]; shrunk: Shrunk[] }, MediaError>> {
  if (ids.length > limits.maxCount) {
    return fail({
      code: 'too-many',
      message: `At most ${String(limits.maxCount)} files fit in one message; remove ${String(ids.length - limits.maxCount)}.`,
    });
  }
  // No query at all: PostgreSQL refuses `in ()`.
  if (ids.length === 0) return ok({ media: [], shrunk: [] });
  const found = await mediaFor(context.db, accountId, ids);
  if (!found.ok) return found;
  const rows = found.value;
  const isPicture = (row: MediaRow): boolean => mediaKindOf(row.type) === 'image';
  const total = rows.reduce((sum, row) => sum + row.size, 0);
  const fixed = rows.filter((row) => !isPicture(row));
  const fixedBytes = fixed.reduce((sum, row) => sum + row.size, 0);
  const limit = formatBytes(limits.maxTotalBytes);
  if (fixedBytes > limits.maxTotalBytes) {
    const names = fixed.map((row) => `${nameOf(row)} (${formatBytes(row.size)})`);
    return fail({
      code: 'too-large',
      message: `Files can be ${limit} in all in one message; ${names.join(', ')} ${fixed.length === 1 ? 'is' : 'are'} more than that. Pictures are made smaller automatically, other files cannot be.`,
    });
  }
  if (
    total <= limits.maxTotalBytes &&
    rows.every((row) => !isPicture(row) || SENT_AS_IS.has(row.type))
  ) {
    return ok({ media: rows.map(mediaSnapshot), shrunk: [] });
  }
  const pictures = rows.filter(isPicture).sort((a, b) => a.size - b.size);
  const replaced = new Map<string, MediaSnapshot>();
  const shrunk = new Map<string, Shrunk>();
  let left = limits.maxTotalBytes - fixedBytes;
  for (const [index, row] of pictures.entries()) {
    const share = Math.floor(left / (pictures.length - index));
    if (row.size <= share && SENT_AS_IS.has(row.type)) {
      left -= row.size;
      continue;
    }
    const copy = await shrunkCopy(context, row, share);
    if (copy === null) {
      return fail({
        code: 'too-large',
        message: `${nameOf(row)} could not be made small enough to send (${limit} in all); send fewer pictures at once.`,
      });
    }
    left -= copy.size;
    replaced.set(row.id, copy);
    if (copy.size < row.size) {
      shrunk.set(row.id, { mediaId: copy.id, fromBytes: row.size, toBytes: copy.size });
    }
  }
  return ok({
    media: rows.map((row) => replaced.get(row.id) ?? mediaSnapshot(row)),
    shrunk: rows.flatMap((row) => {
      const one = shrunk.get(row.id);
      return one === undefined ? [] : [one];
    }),
  });
}
