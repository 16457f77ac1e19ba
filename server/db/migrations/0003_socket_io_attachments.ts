import { sql } from 'kysely';
import type { MigrationDb, MigrationFactory } from './helpers';

/**
 * Several servers on one PostgreSQL database pass live changes to each
 * other with NOTIFY; a payload over NOTIFY's 8000-byte limit travels
 * through this table instead (the layout @socket.io/postgres-adapter
 * expects; it deletes rows after 30 seconds). SQLite serves one process,
 * which needs no such table: there this migration does nothing.
 */
const migration: MigrationFactory = (dialect) => ({
  async up(db: MigrationDb) {
    if (dialect !== 'postgres') return;
    await sql`
      create table if not exists socket_io_attachments (
        id bigserial unique,
        created_at timestamptz default now(),
        payload bytea
      )
    `.execute(db);
  },
});

export default migration;
