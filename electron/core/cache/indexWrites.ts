/**
 * A run's writes to one search index, kept until its end and then made in
 * rowid order. FTS5 keeps new entries in memory until the transaction ends,
 * but only while rowids come in ascending order: a write below the last one
 * flushes everything so far to a new segment on disk (and, soon, a merge).
 * Re-keying a contact removes an older, lower rowid each time, so written as
 * they come, a packet of texts would flush once per text.
 */
export class IndexWrites<T> {
  readonly #entries = new Map<number, { readonly before: T | null; after: T | null }>();

  /** The entry at `rowid` goes from `before` (as indexed when the run began) to `after`. */
  change(rowid: number, before: T | null, after: T | null): void {
    const entry = this.#entries.get(rowid);
    if (entry === undefined) {
      this.#entries.set(rowid, { before, after });
    } else {
      entry.after = after;
    }
  }

  /** Removes and adds what changed, lowest rowid first, and forgets it all. */
  write(
    same: (a: T, b: T) => boolean,
    remove: (rowid: number, indexed: T) => void,
    add: (rowid: number, text: T) => void,
  ): void {
    const rowids = [...this.#entries.keys()].sort((a, b) => a - b);
    for (const rowid of rowids) {
      const entry = this.#entries.get(rowid);
      if (entry === undefined) continue;
      const { before, after } = entry;
      if (before !== null && after !== null && same(before, after)) continue;
      if (before !== null) remove(rowid, before);
      if (after !== null) add(rowid, after);
    }
    this.#entries.clear();
  }
}
