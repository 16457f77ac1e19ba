import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{shared,electron,server,build,renderer}/**/*.test.{ts,tsx}'],
    environment: 'node',
    // One real PostgreSQL server for the run (server tests use it).
    globalSetup: ['server/testing/globalSetup.ts'],
    benchmark: { include: ['bench/**/*.bench.ts'] },
    // Property-based suites run thousands of cases; give them room on slow CI.
    testTimeout: 60_000,
  },
});
