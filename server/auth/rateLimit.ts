/**
 * Failed sign-ins allowed per key within a window, kept in memory. Keys are
 * the email and the client address, so one address cannot try many
 * accounts and many addresses cannot hammer one account.
 */
export class LoginRateLimit {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures = 5,
    private readonly windowMs = 15 * 60 * 1000,
  ) {}

  /** Milliseconds until `keys` may try again, or 0 when they may now. */
  retryAfter(keys: readonly string[], now: number): number {
    let wait = 0;
    for (const key of keys) {
      const recent = this.recent(key, now);
      if (recent.length >= this.maxFailures) {
        const oldest = recent[recent.length - this.maxFailures] ?? now;
        wait = Math.max(wait, oldest + this.windowMs - now);
      }
    }
    return wait;
  }

  fail(keys: readonly string[], now: number): void {
    for (const key of keys) this.failures.set(key, [...this.recent(key, now), now]);
  }

  succeed(keys: readonly string[]): void {
    for (const key of keys) this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    const kept = (this.failures.get(key) ?? []).filter((at) => at > now - this.windowMs);
    if (kept.length === 0) this.failures.delete(key);
    return kept;
  }
}
