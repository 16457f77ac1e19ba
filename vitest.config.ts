import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{shared,electron,server,build,renderer}/**/*.test.ts'],
    environment: 'node',
    benchmark: { include: ['bench/**/*.bench.ts'] },
    // Property-based suites run thousands of cases; give them room on slow CI.
    testTimeout: 60_000,
  },
});
