import type { MikroORM, Platform } from '@mikro-orm/postgresql';

/**
 * Reads for the hot paths of every federated request (the signed-in user, its profile, its audit
 * trail, its grants) fetch rows, not entities. An `em.find` of one row costs about half a millisecond
 * of CPU (query builder, knex compiler, hydration, identity map) where the same statement as SQL costs
 * a fifth of that; a read whose answer is built into a GraphQL type needs no managed entity (nothing
 * to flush, track or load lazily). The statement still goes through knex, so it is counted
 * (statementCount) and traced like any other.
 */
export interface RowReader {
  /** The subgraph's own PostgreSQL schema, for table names in SQL: `"${rows.schema}"."user_account"`. */
  readonly schema: string;
  /** The platform that reads column values as MikroORM does (timestamp). */
  readonly platform: Platform;
  select<Row extends object>(sql: string, params: readonly unknown[]): Promise<Row[]>;
}

/**
 * Rows read on the pool, outside any transaction: what a request's fresh `em.fork()` would read, with
 * neither the fork (5% of a subgraph's CPU per federated request) nor `em.execute`'s steps per call
 * (context lookup, query log bookkeeping). The statement sent is the one `em.execute` sends: the
 * values inlined by the platform, then `knex.raw`, so knex's `query` events (statement count, tracing)
 * see it as before.
 */
export function poolRows(orm: MikroORM): RowReader {
  const connection = orm.em.getConnection();
  const platform = orm.em.getPlatform();
  return {
    schema: orm.config.get('schema') ?? 'public',
    platform,
    async select<Row extends object>(sql: string, params: readonly unknown[]): Promise<Row[]> {
      const result = await connection.getKnex().raw<{ rows: Row[] }>(platform.formatQuery(sql, [...params]));
      return result.rows;
    },
  };
}

/** `?, ?, ?` for an `in (…)` list of `count` values. */
export function placeholders(count: number): string {
  return count > 0 ? `${'?, '.repeat(count - 1)}?` : '';
}

/**
 * A `timestamptz` column as MikroORM hydrates it: its driver hands the text over (PostgreSqlConnection
 * sets no parser for it) and the platform parses it, so a row read here and an entity agree exactly.
 */
export function timestamp(rows: Pick<RowReader, 'platform'>, value: string | Date): Date;
export function timestamp(rows: Pick<RowReader, 'platform'>, value: string | Date | null): Date | null;
export function timestamp(rows: Pick<RowReader, 'platform'>, value: string | Date | null): Date | null {
  if (value === null) return null;
  return value instanceof Date ? value : rows.platform.parseDate(value);
}
