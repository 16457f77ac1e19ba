/**
 * Work kept in the database with the time it falls due (webhook retries,
 * scheduled texts): run when kicked (at start, or after a commit that added
 * some), and again when the earliest pending item falls due. One run at a
 * time; a kick during a run runs again right after it. Timers are unref'd,
 * so they never keep a stopping server alive, and none outlives `close()`.
 */
export class DueWork {
  readonly #run: () => Promise<void>;
  /** The earliest time something pending falls due (ISO 8601), or null. */
  readonly #nextDue: () => Promise<string | null>;
  readonly #now: () => Date;
  readonly #onError: (error: unknown) => void;
  #running: Promise<void> | null = null;
  #again = false;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(options: {
    run: () => Promise<void>;
    nextDue: () => Promise<string | null>;
    now: () => Date;
    onError: (error: unknown) => void;
  }) {
    this.#run = options.run;
    this.#nextDue = options.nextDue;
    this.#now = options.now;
    this.#onError = options.onError;
  }

  /** Runs soon (now, or right after the run under way). */
  kick(): void {
    if (this.#closed) return;
    if (this.#running !== null) {
      this.#again = true;
      return;
    }
    this.#running = this.#run()
      .then(() => this.#schedule())
      .catch(this.#onError)
      .finally(() => {
        this.#running = null;
        if (this.#again) {
          this.#again = false;
          this.kick();
        }
      });
  }

  /** Resolves once the run under way, if any, has finished. */
  async idle(): Promise<void> {
    while (this.#running !== null) await this.#running;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    await this.idle();
  }

  #isClosed(): boolean {
    return this.#closed;
  }

  /** A timer for the earliest item still pending. */
  async #schedule(): Promise<void> {
    if (this.#closed) return;
    const next = await this.#nextDue();
    // Closed while the query ran: no timer may outlive the server.
    if (this.#isClosed() || next === null) return;
    if (this.#timer !== null) clearTimeout(this.#timer);
    // setTimeout holds about 24.8 days; anything later is looked at again then.
    const wait = Math.min(Math.max(0, Date.parse(next) - this.#now().getTime()), 2 ** 31 - 1);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.kick();
    }, wait);
    this.#timer.unref();
  }
}
