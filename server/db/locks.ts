import { PostgresAdapter, type Kysely, type SelectQueryBuilder, type Transaction } from 'kysely';
import type { Database } from './schema';

/**
 * `SELECT … FOR UPDATE` on PostgreSQL, where transactions run side by side:
 * a transaction that decides from a contact's consent (send or refuse, opt
 * in or out) holds the row until it commits, so a STOP being written at the
 * same moment is either seen or waits its turn — never overwritten or
 * missed. SQLite runs one writing transaction at a time, so there the
 * query is left as it is.
 */
export function forUpdate<TB extends keyof Database, O>(
  db: Kysely<Database> | Transaction<Database>,
  query: SelectQueryBuilder<Database, TB, O>,
): SelectQueryBuilder<Database, TB, O> {
  return db.getExecutor().adapter instanceof PostgresAdapter ? query.forUpdate() : query;
}
