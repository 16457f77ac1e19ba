import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openStorage, type DialectName, type Storage } from '../db/connect';

export const DIALECTS: readonly DialectName[] = ['sqlite', 'postgres'];

/**
 * A new, empty database of the given kind: a SQLite file in its own temp
 * folder, or a fresh database on the run's PostgreSQL server. `close()`
 * drops it again.
 */
export async function freshStorage(
  dialect: DialectName,
): Promise<Storage & { readonly url: string }> {
  if (dialect === 'sqlite') {
    const folder = mkdtempSync(join(tmpdir(), 'textdesk-sqlite-'));
    const url = `sqlite:${join(folder, 'textdesk.db')}`;
    const storage = openStorage(url);
    return {
      ...storage,
      url,
      close: async () => {
        await storage.close();
        rmSync(folder, { recursive: true, force: true });
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
  const storage = openStorage(url.toString());
  return {
    ...storage,
    url: url.toString(),
    close: async () => {
      await storage.close();
      const dropper = new pg.Client(admin);
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}
