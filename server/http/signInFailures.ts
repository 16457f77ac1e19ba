import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';

interface Result {
  current: number;
  ttl: number;
}

/** Past this many keys, every new failure first drops the keys whose failures have all expired. */
const SWEEP_ABOVE = 10_000;

/**
 * Failed sign-ins per key (an email, an address), in memory, within a
 * sliding window: a key may try again once the oldest of its last `max`
 * failures is older than the window. Its `Store` plugs it into
 * @fastify/rate-limit, so the limits are read (`increment: false`) before a
 * password is checked and written only when one was wrong; `clear` forgets
 * a key after a sign-in succeeds.
 */
export class FailedSignIns {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** How many failures `key` has in the window, and the milliseconds until one of them leaves it. */
  state(key: string, windowMs: number, max: number): Result {
    const now = this.now();
    const recent = this.recent(key, windowMs, now);
    const oldest = recent.length >= max ? recent[recent.length - max] : recent[0];
    return {
      current: recent.length,
      ttl: oldest === undefined ? 0 : Math.max(0, oldest + windowMs - now),
    };
  }

  record(key: string, windowMs: number): void {
    const now = this.now();
    if (this.failures.size > SWEEP_ABOVE) {
      for (const known of [...this.failures.keys()]) this.recent(known, windowMs, now);
    }
    this.failures.set(key, [...this.recent(key, windowMs, now), now]);
  }

  clear(key: string): void {
    this.failures.delete(key);
  }

  /** A store class for @fastify/rate-limit: every instance (and child) uses this log. */
  get Store(): FastifyRateLimitStoreCtor {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the class below is a view of this log
    const log = this;
    return class FailureStore implements FastifyRateLimitStore {
      incr(
        key: string,
        callback: (error: Error | null, result?: Result) => void,
        timeWindow: number,
        max: number,
      ): void {
        log.record(key, timeWindow);
        callback(null, log.state(key, timeWindow, max));
      }

      read(
        key: string,
        callback: (error: Error | null, result?: Result) => void,
        timeWindow: number,
        max: number,
      ): void {
        callback(null, log.state(key, timeWindow, max));
      }

      child(): FastifyRateLimitStore {
        return this;
      }
    };
  }

  private recent(key: string, windowMs: number, now: number): number[] {
    const kept = (this.failures.get(key) ?? []).filter((at) => at > now - windowMs);
    if (kept.length === 0) this.failures.delete(key);
    return kept;
  }
}
