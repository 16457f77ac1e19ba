import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

/** A numbered migration, written once for both dialects. */
export type MigrationFactory = (dialect: Dialect) => Migration;

/** The schema builder of a migration; migrations must not depend on today's types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's own convention for migrations.
export type MigrationDb = Kysely<any>;

/** SQLite tables are STRICT: a wrong type is an error, not a silent conversion. */
export function strict<T extends string, C extends string>(
  dialect: Dialect,
  table: CreateTableBuilder<T, C>,
): CreateTableBuilder<T, C> {
  return dialect === 'sqlite' ? table.modifyEnd(sql`strict`) : table;
}

/** A 64-bit integer: INTEGER in SQLite (STRICT allows no BIGINT), BIGINT in PostgreSQL. */
export const bigint = (dialect: Dialect) => (dialect === 'sqlite' ? 'integer' : 'bigint');
