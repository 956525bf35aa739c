import type { MikroORM, Platform } from '@mikro-orm/postgresql';
import { executePreparedOnPool, preparedStatement } from './prepared.js';

/**
 * Reads for the hot paths of every federated request (the signed-in user, its profile, its audit
 * trail, its grants) fetch rows, not entities. An `em.find` of one row costs about half a millisecond
 * of CPU (query builder, knex compiler, hydration, identity map) where the same statement as SQL costs
 * a fifth of that; a read whose answer is built into a GraphQL type needs no managed entity (nothing
 * to flush, track or load lazily). The statement is counted (statementCount) and traced like any
 * other: prepared.ts sends knex's events for it.
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
 * (context lookup, query log bookkeeping). Each text is a prepared statement (prepared.ts): parsed
 * and planned once per connection by PostgreSQL, and sent without knex's query runner, whose events
 * are still emitted (statement count, tracing).
 */
export function poolRows(orm: MikroORM): RowReader {
  return {
    schema: orm.config.get('schema') ?? 'public',
    platform: orm.em.getPlatform(),
    select<Row extends object>(sql: string, params: readonly unknown[]): Promise<Row[]> {
      return executePreparedOnPool<Row>(orm, preparedStatement(sql), params);
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
