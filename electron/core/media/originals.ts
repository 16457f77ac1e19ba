import { readdir, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';

/** The default room for originals on this computer: pictures' thumbnails and previews are kept apart, always. */
export const DEFAULT_ORIGINALS_CAP = 500 * 1024 * 1024;

/**
 * The originals kept in the media cache, least recently used first, under
 * a size cap. Originals are fetched on demand (save as, audio, video, PDF)
 * and can be fetched again, so the oldest go when the cap is passed;
 * thumbnails and previews are never evicted. Recency survives restarts as
 * each file's modification time, touched on use.
 */
export class OriginalsLru {
  readonly #root: string;
  readonly #cap: number;
  /** id → bytes, in order of use: the first is the least recently used. */
  readonly #order = new Map<string, number>();
  /** Originals being read right now, which are never removed under a reader. */
  readonly #held = new Map<string, number>();
  #total = 0;

  constructor(root: string, cap: number = DEFAULT_ORIGINALS_CAP) {
    this.#root = root;
    this.#cap = cap;
  }

  /** Bytes of originals kept. */
  get total(): number {
    return this.#total;
  }

  /** Ids kept, least recently used first. */
  get ids(): readonly string[] {
    return [...this.#order.keys()];
  }

  /** Reads what is on disk, by each original's last use; then keeps to the cap. */
  async load(): Promise<void> {
    let folders: string[];
    try {
      folders = await readdir(this.#root);
    } catch {
      return;
    }
    const found: { id: string; size: number; usedAt: number }[] = [];
    for (const id of folders) {
      try {
        const info = await stat(this.#file(id));
        if (info.isFile()) found.push({ id, size: info.size, usedAt: info.mtimeMs });
      } catch {
        // No original kept for this one: its thumbnail and preview only.
      }
    }
    found.sort((a, b) => a.usedAt - b.usedAt);
    this.#order.clear();
    this.#total = 0;
    for (const { id, size } of found) {
      this.#order.set(id, size);
      this.#total += size;
    }
    await this.#evict(null);
  }

  /** A new original was stored: counted, and older ones removed to keep to the cap. */
  async added(id: string, size: number): Promise<void> {
    this.#total -= this.#order.get(id) ?? 0;
    this.#order.delete(id);
    this.#order.set(id, size);
    this.#total += size;
    await this.#evict(id);
  }

  /** An original was read: now the most recently used (on disk too, best effort). */
  async used(id: string): Promise<void> {
    const size = this.#order.get(id);
    if (size === undefined) return;
    this.#order.delete(id);
    this.#order.set(id, size);
    const now = new Date();
    await utimes(this.#file(id), now, now).catch(() => undefined);
  }

  /** The original was removed with its file's folder: no longer counted. */
  forgot(id: string): void {
    this.#total -= this.#order.get(id) ?? 0;
    this.#order.delete(id);
  }

  /** Keeps `id` from being removed until the returned function is called (a read in progress). */
  hold(id: string): () => void {
    this.#held.set(id, (this.#held.get(id) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const count = (this.#held.get(id) ?? 1) - 1;
      if (count <= 0) this.#held.delete(id);
      else this.#held.set(id, count);
    };
  }

  /** Removes least recently used originals until the rest fit; never `keep`, nor one being read. */
  async #evict(keep: string | null): Promise<void> {
    for (const [id, size] of [...this.#order]) {
      if (this.#total <= this.#cap) return;
      if (id === keep || this.#held.has(id)) continue;
      this.#order.delete(id);
      this.#total -= size;
      await rm(this.#file(id), { force: true });
    }
  }

  #file(id: string): string {
    return join(this.#root, id, 'original');
  }
}
