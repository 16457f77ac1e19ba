import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type SqliteDatabase as SqliteDialectDatabase,
} from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import pg from 'pg';
import type { Database } from './schema';

export type DialectName = 'sqlite' | 'postgres';

export interface Storage {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  /** Where the data lives, for logs: a file path or a host/database. */
  readonly location: string;
  /** PostgreSQL's connection pool: open, idle, and queries waiting for one (none on SQLite). */
  readonly pool?: () => { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

// PostgreSQL's bigint (int8) arrives as a string by default; sequence numbers
// and counts fit a JavaScript number with room to spare.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

/**
 * Opens the database a DATABASE_URL names: `sqlite:<path>` (or `sqlite::memory:`)
 * or `postgres://…`. SQLite runs in WAL mode with synchronous=FULL, so an
 * acknowledged write survives a power cut.
 */
export interface StorageOptions {
  /**
   * better-sqlite3's compiled module, when the one in node_modules was built
   * for another runtime (the desktop app in Electron runs the solo backend
   * with a copy built for Electron's ABI).
   */
  readonly nativeBinding?: string | undefined;
}

export function openStorage(url: string, options: StorageOptions = {}): Storage {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    const file = path === ':memory:' ? ':memory:' : resolve(path);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const sqlite = new SqliteDatabase(
      file,
      options.nativeBinding === undefined ? {} : { nativeBinding: options.nativeBinding },
    );
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
    });
    return { db, dialect: 'sqlite', location: file, close: () => db.destroy() };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const pool = new pg.Pool({ connectionString: url, max: 20 });
    let closing = false;
    // An idle connection the database ends (a restart, a failover, an
    // administrator) is dropped by the pool and replaced on next use; without
    // a listener its error would crash the process. Quiet while closing.
    pool.on('error', (error) => {
      if (!closing) console.error('PostgreSQL closed an idle connection:', error.message);
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const parsed = new URL(url);
    return {
      db,
      dialect: 'postgres',
      location: `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`,
      pool: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
      close: () => {
        closing = true;
        return db.destroy();
      },
    };
  }
  throw new Error(
    `DATABASE_URL must start with sqlite: or postgres:// (got “${url.split(':')[0] ?? url}:…”).`,
  );
}

/** How many distinct statements a SQLite connection keeps compiled. */
const STATEMENT_CACHE_SIZE = 512;

/**
 * Kysely asks the driver to prepare every statement again on each query;
 * compiling SQL costs more than running most of ours. The server runs the
 * same few hundred statements over and over, so each is compiled once and
 * kept (least recently used ones are dropped past the limit).
 */
function withStatementCache(sqlite: SqliteDatabase.Database): SqliteDialectDatabase {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare: (sql) => {
      let statement = cache.get(sql);
      if (statement === undefined) {
        statement = sqlite.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) {
          const oldest = cache.keys().next();
          if (oldest.done !== true) cache.delete(oldest.value);
        }
      } else {
        cache.delete(sql);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}
