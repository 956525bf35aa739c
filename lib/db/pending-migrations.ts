import type { MikroORM } from '@mikro-orm/postgresql';
import { quoteIdentifier } from './identifier.js';

/** MikroORM's table of applied migrations (orm.ts `migrations.tableName`), in the subgraph's schema. */
export const MIGRATIONS_TABLE = 'mikro_orm_migrations';

/**
 * Whether `schema` lacks any of the migrations `names`: one read of MikroORM's table, so that a start with
 * nothing to apply neither takes the migration lock nor loads the migration runner. A schema or
 * table not there yet means everything is pending. The migrator itself decides again, under the
 * lock, what to run.
 */
export async function hasPendingMigrations(orm: MikroORM, schema: string, names: readonly string[]): Promise<boolean> {
  const table = `${quoteIdentifier(schema)}.${quoteIdentifier(MIGRATIONS_TABLE)}`;
  let rows: { name: string }[];
  try {
    rows = await orm.em.getConnection().execute<{ name: string }[]>(`select name from ${table}`);
  } catch (error) {
    if (isUndefinedTable(error)) return true;
    throw error;
  }
  // MikroORM records a migration's name without a `.js`/`.ts` extension (MigrationStorage).
  const applied = new Set(rows.map((row) => withoutExtension(row.name)));
  return names.some((name) => !applied.has(withoutExtension(name)));
}

const withoutExtension = (name: string) => name.replace(/\.(js|ts)$/, '');

/** PostgreSQL's undefined_table (42P01), also raised when the schema is missing. */
function isUndefinedTable(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: unknown };
  return code === '42P01';
}
