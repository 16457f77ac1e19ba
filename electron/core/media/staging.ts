import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { STAGED_PREFIX, StagedMediaSchema, type StagedMedia } from '../../../shared/ipc/media';
import { MAX_MEDIA_BYTES, MediaSchema, type MediaSnapshot } from '../../../shared/protocol/media';
import { Refusal } from '../refusal';
import { isSafeId, writeWhole } from './files';
import { sniffBuffer } from '../../../server';

/** A staged file's record beside its bytes: what the composer shows, and its upload once made. */
const StagedRecordSchema = StagedMediaSchema.extend({
  /** What the browser said it is (sent as the upload's Content-Type). */
  claimedType: z.string(),
  /** The server's record once uploaded: a restart sends that id instead of uploading again. */
  uploaded: MediaSchema.nullable(),
});
type StagedRecord = z.infer<typeof StagedRecordSchema>;

/** A file name as the server gets it: no folders, no control characters, not empty. */
function cleanName(filename: string): string {
  const name = basename(filename.replaceAll('\\', '/'))
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .trim();
  return name === '' ? 'file' : name.slice(0, 255);
}

/**
 * Files the agent attached, kept on this computer (`<id>` and `<id>.json`
 * in the staged folder) until the text carrying them is acknowledged, so an
 * MMS queued offline, or across a restart, still has its files.
 */
export class StagedFiles {
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
  }

  /** Keeps the decoded bytes, sniffed, and answers what the composer shows. */
  async stage(input: {
    readonly filename: string;
    readonly type: string;
    readonly data: string;
  }): Promise<StagedMedia> {
    const bytes = Buffer.from(input.data, 'base64');
    if (bytes.length === 0) throw new Refusal('invalid-input', 'The file is empty.');
    if (bytes.length > MAX_MEDIA_BYTES) {
      throw new Refusal('too-large', 'Files can be at most 25 MB.');
    }
    // Decided as the server decides: the first bytes, never the name or the claimed type.
    const sniffed = await sniffBuffer(bytes.subarray(0, 4100));
    const staged: StagedRecord = {
      id: `${STAGED_PREFIX}${randomBytes(16).toString('hex')}`,
      filename: cleanName(input.filename),
      type: sniffed.type,
      kind: sniffed.kind,
      size: bytes.length,
      claimedType: input.type,
      uploaded: null,
    };
    await writeWhole(this.#file(staged.id), bytes);
    await writeWhole(this.#record(staged.id), JSON.stringify(staged));
    return view(staged);
  }

  /** The staged file's record, or null when there is none (removed, or not a staged id). */
  async find(id: string): Promise<StagedRecord | null> {
    if (!id.startsWith(STAGED_PREFIX) || !isSafeId(id)) return null;
    try {
      const parsed = StagedRecordSchema.safeParse(
        JSON.parse(await readFile(this.#record(id), 'utf8')),
      );
      if (!parsed.success) return null;
      await stat(this.#file(id));
      return parsed.data;
    } catch {
      return null;
    }
  }

  /** Where the bytes are, for serving them to the renderer. */
  path(id: string): string {
    return this.#file(id);
  }

  async bytes(id: string): Promise<Buffer> {
    return readFile(this.#file(id));
  }

  /** Notes the server's record once the file is uploaded. */
  async uploaded(id: string, media: MediaSnapshot): Promise<void> {
    const record = await this.find(id);
    if (record === null) return;
    await writeWhole(this.#record(id), JSON.stringify({ ...record, uploaded: media }));
  }

  /** Staged files uploaded as these server ids, with their bytes' path. */
  async uploadedAs(mediaIds: readonly string[]): Promise<StagedRecord[]> {
    const wanted = new Set(mediaIds);
    if (wanted.size === 0) return [];
    let names: string[];
    try {
      names = await readdir(this.#root);
    } catch {
      return [];
    }
    const found: StagedRecord[] = [];
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const record = await this.find(name.slice(0, -'.json'.length));
      if (record?.uploaded != null && wanted.has(record.uploaded.id)) found.push(record);
    }
    return found;
  }

  /**
   * Removes staged files older than `before` that no waiting text names: a
   * composer's attachments do not outlive the app, so those were dropped
   * (or belonged to a text cancelled long ago).
   */
  async sweep(keep: ReadonlySet<string>, before: Date): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.#root);
    } catch {
      return 0;
    }
    let removed = 0;
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const id = name.slice(0, -'.json'.length);
      if (keep.has(id) || !id.startsWith(STAGED_PREFIX) || !isSafeId(id)) continue;
      const info = await stat(this.#record(id)).catch(() => null);
      if (info === null || info.mtime >= before) continue;
      await this.remove(id);
      removed += 1;
    }
    return removed;
  }

  async remove(id: string): Promise<void> {
    if (!id.startsWith(STAGED_PREFIX) || !isSafeId(id)) return;
    await rm(this.#record(id), { force: true });
    await rm(this.#file(id), { force: true });
  }

  #file(id: string): string {
    return join(this.#root, id);
  }

  #record(id: string): string {
    return join(this.#root, `${id}.json`);
  }
}

/** What the renderer is told about a staged file. */
export function view(record: StagedRecord): StagedMedia {
  return {
    id: record.id,
    filename: record.filename,
    type: record.type,
    kind: record.kind,
    size: record.size,
  };
}

export type { StagedRecord };
