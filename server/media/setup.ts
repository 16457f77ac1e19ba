import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import type { ServerConfig } from '../config';
import type { Database } from '../db/schema';
import { LocalBlobStore } from './localStore';
import { S3BlobStore } from './s3Store';
import { createMediaService } from './service';
import type { BlobStore, MediaService } from './types';

/**
 * The secret media addresses are signed with: MEDIA_SECRET, or one made on
 * first start and kept beside the files (readable by this user only).
 */
function mediaSecret(config: ServerConfig, folder: string): Buffer {
  if (config.MEDIA_SECRET !== undefined) return Buffer.from(config.MEDIA_SECRET, 'utf8');
  const file = join(folder, 'signing.key');
  try {
    const kept = readFileSync(file);
    if (kept.length >= 32) return kept;
  } catch {
    // Not made yet.
  }
  const secret = randomBytes(32);
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

function blobStore(config: ServerConfig, folder: string): BlobStore {
  if (config.MEDIA_STORE === 'local') return new LocalBlobStore(join(folder, 'files'));
  if (config.S3_BUCKET === undefined) throw new Error('Set S3_BUCKET with MEDIA_STORE=s3.');
  return new S3BlobStore({
    bucket: config.S3_BUCKET,
    prefix: config.S3_PREFIX,
    region: config.S3_REGION,
    endpoint: config.S3_ENDPOINT,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    credentials:
      config.S3_ACCESS_KEY_ID === undefined || config.S3_SECRET_ACCESS_KEY === undefined
        ? undefined
        : {
            accessKeyId: config.S3_ACCESS_KEY_ID,
            secretAccessKey: config.S3_SECRET_ACCESS_KEY,
          },
  });
}

/** The media service the configuration asks for. */
export function openMedia(
  config: ServerConfig,
  db: Kysely<Database>,
  publicUrl: () => string,
): MediaService {
  const folder = resolve(config.MEDIA_DIR);
  mkdirSync(folder, { recursive: true });
  return createMediaService({
    db,
    store: blobStore(config, folder),
    secret: mediaSecret(config, folder),
    publicUrl,
    // Beside the files when local, so a finished file is moved rather than copied across disks.
    tempDir:
      config.MEDIA_STORE === 'local' ? join(folder, 'incoming') : join(tmpdir(), 'textdesk-media'),
  });
}
