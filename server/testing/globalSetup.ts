import type { TestProject } from 'vitest/node';
import { startTestPostgres } from './postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgres:// URL of the run's PostgreSQL server's maintenance database. */
    postgresUrl: string;
  }
}

/** One real PostgreSQL server for the whole run; each test file makes its own databases. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const postgres = await startTestPostgres();
  project.provide('postgresUrl', postgres.url);
  return () => postgres.stop();
}
