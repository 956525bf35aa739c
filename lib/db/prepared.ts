import { createHash } from 'node:crypto';
import type { EntityManager, Knex, MikroORM } from '@mikro-orm/postgresql';

/**
 * Statements PostgreSQL parses and plans once per connection instead of once per call, for the few
 * that run on every request of a hot path (a sign-in's read and write). `em.execute` inlines the values
 * into the text (the platform's formatQuery), so every call is a statement the server has never seen:
 * it parses, analyses and plans it each time, about 0.15 ms of the server's CPU for a sign-in's read,
 * four times what executing it costs. A named statement with bind parameters is parsed once per
 * connection; after five executions PostgreSQL keeps its generic plan when that plan is as cheap.
 *
 * The statement still goes through knex, so knex's `query` events (statementCount, SQL tracing) see it
 * as before, and in a transaction it runs on the transaction's connection.
 */
export interface PreparedStatement {
  /** Derived from the text: one name, one text, on every connection (PostgreSQL refuses a name twice). */
  readonly name: string;
  /** With `?` placeholders, as for `em.execute`. */
  readonly text: string;
}

export function preparedStatement(text: string): PreparedStatement {
  return { name: `mg_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`, text };
}

/**
 * Whether this database's connections keep named statements, per knex instance (one per ORM). PGlite,
 * the embedded default, serves every connection from one backend and does not keep one connection's
 * extended-protocol messages (parse, bind, execute) together: another connection's can come between
 * them ("unnamed prepared statement does not exist"), and a name one connection prepared would exist
 * already for the next. There the values are inlined into one simple query, as `em.execute` does.
 */
const namedStatements = new WeakMap<Knex, boolean>();

/** Asks the server once, when the database opens (orm.ts): named statements unless it is PGlite. */
export async function detectNamedStatements(orm: MikroORM): Promise<void> {
  const knex = orm.em.getConnection().getKnex();
  const result = await knex.raw<{ rows: { version: string }[] }>('select version() as version');
  namedStatements.set(knex, !/PGlite/i.test(result.rows[0]?.version ?? ''));
}

/** Runs a prepared statement in `em`'s transaction, if it has one, else on a pooled connection. */
export async function executePrepared<Row extends object>(
  em: EntityManager,
  statement: PreparedStatement,
  params: readonly unknown[],
): Promise<Row[]> {
  const knex = em.getConnection().getKnex();
  const platform = em.getPlatform();
  const query = namedStatements.get(knex)
    ? knex.raw<{ rows: Row[] }>(statement.text, [...params] as Knex.RawBinding[]).options({ name: statement.name })
    : knex.raw<{ rows: Row[] }>(platform.formatQuery(statement.text, [...params]));
  const transaction = em.getTransactionContext<Knex.Transaction>();
  if (transaction) query.transacting(transaction);
  try {
    return (await query).rows;
  } catch (error) {
    // As em.execute reports it: a driver error becomes MikroORM's exception for its SQLSTATE.
    throw error instanceof Error ? platform.getExceptionConverter().convertException(error) : error;
  }
}
