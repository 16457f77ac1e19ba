import { refreshToken } from './session';

/** How often the desktop looks whether its token is due for refreshing (a clock compare, no request). */
const LOOK_EVERY_MS = 10 * 60 * 1000;

export interface TokenRefreshOptions {
  readonly serverUrl: string;
  readonly token: string;
  /** From when the server wants a fresh token asked for; null: at once (settings from before). */
  readonly refreshAfter: string | null;
  /** The new token, to keep (settings) and use (the sync connection, REST calls). */
  readonly onFresh: (fresh: { token: string; refreshAfter: string }) => Promise<void>;
  readonly onError?: ((error: unknown) => void) | undefined;
  readonly now?: () => number;
}

/**
 * Keeps a session's token fresh: once the server's `refreshAfter` has
 * passed, asks POST /api/v1/refresh for a new one (a token lasts 30 days
 * and a refresh gives 30 more, so a desktop left running stays signed in).
 * Offline, it tries again at the next look; a session the server ended is
 * left to the sync connection, which signs the desktop out.
 */
export class TokenRefresher {
  readonly #options: TokenRefreshOptions;
  #token: string;
  #refreshAfter: number;
  #timer: NodeJS.Timeout | undefined;
  #busy = false;
  #stopped = false;

  constructor(options: TokenRefreshOptions) {
    this.#options = options;
    this.#token = options.token;
    this.#refreshAfter = options.refreshAfter === null ? 0 : Date.parse(options.refreshAfter);
  }

  start(): void {
    this.#look();
    this.#timer = setInterval(() => {
      this.#look();
    }, LOOK_EVERY_MS);
    this.#timer.unref();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
  }

  #look(): void {
    const now = this.#options.now?.() ?? Date.now();
    if (this.#busy || this.#stopped || !(now >= this.#refreshAfter)) return;
    this.#busy = true;
    void this.#refresh().finally(() => {
      this.#busy = false;
    });
  }

  async #refresh(): Promise<void> {
    try {
      const fresh = await refreshToken(this.#options.serverUrl, this.#token);
      if (fresh === null || this.#stopped) return;
      if (fresh === 'ended') {
        this.stop();
        return;
      }
      this.#token = fresh.token;
      const next = Date.parse(fresh.refreshAfter);
      this.#refreshAfter = Number.isNaN(next) ? 0 : next;
      await this.#options.onFresh(fresh);
    } catch (error) {
      this.#options.onError?.(error);
    }
  }
}
