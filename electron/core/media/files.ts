import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

/**
 * Files of the media cache and the staged folder: ids that are safe as one
 * folder name, and files written whole (to a temporary name, then renamed),
 * so a crash or a cut download never leaves half a file under a real name.
 */

/** Server media ids and staged ids: letters, digits, _ and -, never a path. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,200}$/u;

export function isSafeId(id: string): boolean {
  return SAFE_ID.test(id);
}

/** A file is bigger than allowed: the download or copy stops there. */
export class TooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The file is larger than ${String(limit)} bytes.`);
  }
}

const temporaryName = (path: string) => `${path}.${randomBytes(6).toString('hex')}.part`;

/** Writes `data` to `path` whole, through a temporary file beside it. */
export async function writeWhole(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const part = temporaryName(path);
  try {
    await writeFile(part, data, { mode: 0o600 });
    await rename(part, path);
  } catch (error) {
    await rm(part, { force: true });
    throw error;
  }
}

/**
 * Streams a fetch body (null: empty) to `path` whole, stopping with TooLargeError past
 * `limit` bytes. Resolves with the bytes written.
 */
export async function streamWhole(
  body: ReadableStream<Uint8Array> | null,
  path: string,
  limit: number,
): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const part = temporaryName(path);
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > limit) {
        done(new TooLargeError(limit));
        return;
      }
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      // The DOM's and Node's ReadableStream types differ only on paper: tsconfig.e2e sees the DOM's.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
      body === null ? Readable.from([]) : Readable.fromWeb(body as WebReadableStream<Uint8Array>),
      counter,
      createWriteStream(part, { mode: 0o600 }),
    );
    await rename(part, path);
    return size;
  } catch (error) {
    await rm(part, { force: true });
    throw error;
  }
}
