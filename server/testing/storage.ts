import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openStorage, type DialectName, type Storage } from '../db/connect';

export const DIALECTS: readonly DialectName[] = ['sqlite', 'postgres'];

export interface FreshDatabase {
  /** DATABASE_URL of the database: `sqlite:<file>` or `postgres://…`. */
  readonly url: string;
  /** Deletes the database; nothing may have it open any more. */
  drop(): Promise<void>;
}

/**
 * A new, empty database of the given kind, with no connection open: a
 * SQLite file in its own temp folder, or a fresh database on the run's
 * PostgreSQL server. For handing to a server in another process.
 */
export async function freshDatabase(dialect: DialectName): Promise<FreshDatabase> {
  if (dialect === 'sqlite') {
    const folder = mkdtempSync(join(tmpdir(), 'textdesk-sqlite-'));
    return {
      url: `sqlite:${join(folder, 'textdesk.db')}`,
      drop: () => {
        rmSync(folder, { recursive: true, force: true });
        return Promise.resolve();
      },
    };
  }
  const admin = inject('postgresUrl');
  const name = `textdesk_${randomUUID().replaceAll('-', '')}`;
  const client = new pg.Client(admin);
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const dropper = new pg.Client(admin);
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

/**
 * A new, empty database of the given kind (see freshDatabase), opened.
 * `close()` drops it again.
 */
export async function freshStorage(
  dialect: DialectName,
): Promise<Storage & { readonly url: string }> {
  const database = await freshDatabase(dialect);
  const storage = openStorage(database.url);
  return {
    ...storage,
    url: database.url,
    close: async () => {
      await storage.close();
      await database.drop();
    },
  };
}

/** A fresh folder for a test server's pictures and files (MEDIA_DIR), in the system's temp folder. */
export function testMediaDir(): string {
  return mkdtempSync(join(tmpdir(), 'textdesk-media-'));
}
