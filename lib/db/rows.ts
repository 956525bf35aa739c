import type { EntityManager } from './orm.js';

/**
 * Reads for the hot paths of every federated request (the signed-in user, its profile, its audit
 * trail) fetch rows, not entities. An `em.find` of one row costs about half a millisecond of CPU
 * (query builder, knex compiler, hydration, identity map) where the same statement as SQL costs a
 * fifth of that; a read whose answer is built into a GraphQL type needs no managed entity (nothing
 * to flush, track or load lazily). The statement still goes through knex, so it is counted
 * (statementCount) and traced like any other.
 */
export function selectRows<Row extends object>(
  em: EntityManager,
  sql: string,
  params: readonly unknown[],
): Promise<Row[]> {
  return em.execute<Row[]>(sql, [...params]);
}

/** The subgraph's own PostgreSQL schema, for table names in SQL: `"${schemaOf(em)}"."user_account"`. */
export function schemaOf(em: EntityManager): string {
  return em.config.get('schema') ?? 'public';
}

/** `?, ?, ?` for an `in (…)` list of `count` values. */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

/**
 * A `timestamptz` column as MikroORM hydrates it: its driver hands the text over (PostgreSqlConnection
 * sets no parser for it) and the platform parses it, so a row read here and an entity agree exactly.
 */
export function timestamp(em: EntityManager, value: string | Date): Date;
export function timestamp(em: EntityManager, value: string | Date | null): Date | null;
export function timestamp(em: EntityManager, value: string | Date | null): Date | null {
  if (value === null) return null;
  return value instanceof Date ? value : em.getPlatform().parseDate(value);
}
