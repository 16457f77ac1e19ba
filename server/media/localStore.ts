import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { checkedKey } from './keys';
import type { BlobStore } from './types';

/** The size of the file at `path`; null when there is none. */
async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * The media store in a local folder (the default): `<root>/ab/<key>`, where
 * `ab` is the key's first two characters, so no folder grows huge. A file is
 * copied to a temporary name beside its place and renamed, so a reader never
 * sees half a file.
 */
export class LocalBlobStore implements BlobStore {
  readonly kind = 'local';

  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    const safe = checkedKey(key);
    return join(this.root, safe.slice(0, 2), safe);
  }

  async putFile(key: string, path: string): Promise<void> {
    const target = this.pathOf(key);
    if ((await sizeOf(target)) !== null) return;
    await mkdir(dirname(target), { recursive: true });
    // Its own name: the same file may be put twice at once (one picture in two texts).
    const partial = `${target}.${randomUUID()}.part`;
    try {
      await copyFile(path, partial);
      await rename(partial, target).catch(async (error: unknown) => {
        // Windows refuses to replace a file someone is reading: then it is there already.
        if ((await sizeOf(target)) === null) throw error;
      });
    } finally {
      await rm(partial, { force: true });
    }
  }

  async get(key: string): Promise<{ body: Readable; size: number } | null> {
    const path = this.pathOf(key);
    const size = await sizeOf(path);
    return size === null ? null : { body: createReadStream(path), size };
  }

  async has(key: string): Promise<boolean> {
    return (await sizeOf(this.pathOf(key))) !== null;
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}
