/** Test-file helpers that need vitest's hooks (kept apart: coreHarness is also used by benches and browser tests). */
import { afterEach } from 'vitest';
import { startSignedIn, type CoreHarness } from './coreHarness';

/**
 * For a test file: `later(fn)` runs `fn` after the test, newest first, and
 * `desktop(serverUrl, who)` is a desktop signed in as `who`, stopped then.
 */
export function cleanupsPerTest(): {
  readonly later: (cleanup: () => Promise<void>) => void;
  readonly desktop: (
    serverUrl: string,
    who: { readonly email: string; readonly password: string },
  ) => Promise<CoreHarness>;
} {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });
  return {
    later: (cleanup) => cleanups.push(cleanup),
    desktop: async (serverUrl, who) => {
      const desk = await startSignedIn(serverUrl, who);
      cleanups.push(() => desk.stop());
      return desk;
    },
  };
}
