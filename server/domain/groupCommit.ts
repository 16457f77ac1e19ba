/**
 * Group commit: many callers' writes share one transaction.
 *
 * A commit is the expensive part of storing an inbound text (on SQLite with
 * synchronous=FULL each one waits for the disk), and the statements around it
 * cost more per text than the text itself. So texts that arrive while a batch
 * is being written wait in a queue, and the next batch takes all of them at
 * once, up to `maxBatch`.
 *
 * There are no timers. Before each batch the writer lets the event loop
 * finish its current round of I/O (one `setImmediate`, microseconds when
 * idle): requests whose bodies arrived together all queue their texts first.
 * Without that turn, a batch would start inside the first request's callback
 * and, since SQLite's statements run synchronously, finish before the next
 * request was even read: one text per commit. Under load the batch takes
 * whatever piled up while the previous one committed, so batches grow
 * exactly as large as the load needs. `writeBatch` calls `take` only once it
 * holds its transaction: texts that arrive while it waits for the database
 * still make it into the batch.
 *
 * Every caller's promise settles only after its own batch committed. When a
 * batch fails as a whole (a race with another server on a unique key, a
 * deadlock, one text the writer cannot store), its items are written again one
 * at a time with `writeOne`, each in its own transaction, so one bad item
 * never costs the others their write, and an error reaches only its caller.
 */
export interface GroupCommitOptions<Item, Out> {
  /** The most items one batch takes. */
  readonly maxBatch: number;
  /**
   * Writes one batch in one transaction: calls `take` exactly once, when it
   * is ready to write, and returns one outcome per item taken, in order.
   */
  readonly writeBatch: (take: () => readonly Item[]) => Promise<readonly Out[]>;
  /** Writes one item on its own, after the batch it was in failed. */
  readonly writeOne: (item: Item) => Promise<Out>;
}

export interface GroupCommitStats {
  /** Batches written (including ones that failed and were written one by one). */
  readonly batches: number;
  /** Items those batches held. */
  readonly items: number;
  /** Batches that failed as a whole and were written item by item. */
  readonly fallbacks: number;
}

interface Waiting<Item, Out> {
  readonly item: Item;
  readonly resolve: (out: Out) => void;
  readonly reject: (error: unknown) => void;
}

export class GroupCommit<Item, Out> {
  readonly #options: GroupCommitOptions<Item, Out>;
  #queue: Waiting<Item, Out>[] = [];
  #writing = false;
  #stats = { batches: 0, items: 0, fallbacks: 0 };

  constructor(options: GroupCommitOptions<Item, Out>) {
    if (!Number.isInteger(options.maxBatch) || options.maxBatch < 1) {
      throw new Error('maxBatch must be a positive whole number.');
    }
    this.#options = options;
  }

  /** Queues an item; resolves with its outcome once the batch holding it committed. */
  submit(item: Item): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  get stats(): GroupCommitStats {
    return { ...this.#stats };
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#queue.length > 0) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        await this.#writeNext();
      }
    } finally {
      this.#writing = false;
    }
  }

  /** Writes the next batch. Never throws: every failure goes to the callers it concerns. */
  async #writeNext(): Promise<void> {
    let taken: Waiting<Item, Out>[] | undefined;
    const take = (): readonly Item[] => {
      if (taken !== undefined) throw new Error('A batch can be taken only once.');
      taken = this.#queue.splice(0, this.#options.maxBatch);
      return taken.map((waiting) => waiting.item);
    };
    let outcomes: readonly Out[];
    try {
      outcomes = await this.#options.writeBatch(take);
    } catch {
      // The transaction rolled back, so nothing of the batch is stored: write
      // each item alone. A batch that failed before taking its items (the
      // database was unreachable) hands over the ones it would have taken.
      const failed = taken ?? this.#queue.splice(0, this.#options.maxBatch);
      this.#count(failed.length, true);
      for (const waiting of failed) {
        try {
          waiting.resolve(await this.#options.writeOne(waiting.item));
        } catch (error) {
          waiting.reject(error);
        }
      }
      return;
    }
    // The batch committed: its outcomes stand, and nothing of it may be written again.
    const written = taken ?? this.#queue.splice(0, this.#options.maxBatch);
    this.#count(written.length, false);
    if (taken === undefined || outcomes.length !== written.length) {
      const error = new Error(
        `The batch writer answered ${outcomes.length} of ${written.length} items.`,
      );
      for (const waiting of written) waiting.reject(error);
      return;
    }
    written.forEach((waiting, index) => {
      waiting.resolve(outcomes[index] as Out);
    });
  }

  #count(items: number, fallback: boolean): void {
    this.#stats.batches += 1;
    this.#stats.items += items;
    if (fallback) this.#stats.fallbacks += 1;
  }
}
