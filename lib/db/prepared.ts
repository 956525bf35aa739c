import { createHash } from 'node:crypto';
import type { EntityManager, Knex, MikroORM, Platform } from '@mikro-orm/postgresql';

/**
 * Statements PostgreSQL parses and plans once per connection instead of once per call, for the few
 * that run on every request of a hot path (a sign-in's read and write). `em.execute` inlines the values
 * into the text (the platform's formatQuery), so every call is a statement the server has never seen:
 * it parses, analyses and plans it each time, about 0.15 ms of the server's CPU for a sign-in's read,
 * four times what executing it costs. A named statement with bind parameters is parsed once per
 * connection; after five executions PostgreSQL keeps its generic plan when that plan is as cheap.
 *
 * The statement runs on a connection of knex's pool (or the transaction's), but not through knex's
 * query runner, whose steps (builder, bindings, runner, events) cost as much of the caller's CPU as
 * the statement itself: 64-79 us a call against 34-37 us. The runner's events are sent as it would
 * send them, so statementCount and SQL tracing see the statement.
 */
export interface PreparedStatement {
  /** Derived from the text: one name, one text, on every connection (PostgreSQL refuses a name twice). */
  readonly name: string;
  /** With `?` placeholders, as for `em.execute`; no other `?` (no `?|` operators, no `?` in literals). */
  readonly text: string;
  /** The text with `$1`, `$2`… for the wire. */
  readonly positional: string;
  readonly parameters: number;
}

/** Every statement made so far, by its text: the code's own few texts, each hashed and numbered once. */
const statements = new Map<string, PreparedStatement>();

/** The statement of `text`, made on its first use and the same one after. */
export function preparedStatement(text: string): PreparedStatement {
  let statement = statements.get(text);
  if (!statement) {
    let parameters = 0;
    const positional = text.replace(/\?/g, () => `$${(parameters += 1)}`);
    const name = `mg_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    statement = { name, text, positional, parameters };
    statements.set(text, statement);
  }
  return statement;
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

/** The part of a pg client a statement needs (knex types its connections `any`). */
interface PgConnection {
  query<Row>(query: string | { name: string; text: string; values: unknown[] }): Promise<{ rows: Row[] }>;
}

/** Knex's client, or a transaction's, which lends out the transaction's connection. */
interface ConnectionLender {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<void>;
}

/** What knex's runner tells its `query` listeners; the uid pairs a statement with its answer. */
interface QueryEvent {
  readonly sql: string;
  readonly bindings: readonly unknown[];
  readonly method: 'raw';
  readonly __knexQueryUid: string;
}

let statementsSent = 0;

/**
 * A statement with more values than this is sent with them inlined, not kept by name. Reads of
 * `in (?, ?, …)` lists (rows.ts) make a text per list length: a connection keeps the short ones
 * (a federated request's lists hold one or a few ids), not one of each length a batch ever had.
 */
export const MOST_PARAMETERS_NAMED = 16;

/** Runs a prepared statement in `em`'s transaction, if it has one, else on a pooled connection. */
export function executePrepared<Row extends object>(
  em: EntityManager,
  statement: PreparedStatement,
  params: readonly unknown[],
): Promise<Row[]> {
  const knex = em.getConnection().getKnex();
  const lender = (em.getTransactionContext<Knex.Transaction>() ?? knex).client as ConnectionLender;
  return runPrepared(knex, em.getPlatform(), lender, statement, params);
}

/**
 * Runs a prepared statement on a pooled connection, outside any transaction, even when called from
 * within one (the ORM's global EntityManager would join the transaction its async context holds).
 */
export function executePreparedOnPool<Row extends object>(
  orm: MikroORM,
  statement: PreparedStatement,
  params: readonly unknown[],
): Promise<Row[]> {
  const knex = orm.em.getConnection().getKnex();
  return runPrepared(knex, orm.em.getPlatform(), knex.client as ConnectionLender, statement, params);
}

async function runPrepared<Row extends object>(
  knex: Knex,
  platform: Platform,
  lender: ConnectionLender,
  statement: PreparedStatement,
  params: readonly unknown[],
): Promise<Row[]> {
  if (params.length !== statement.parameters) {
    throw new Error(`${statement.name} takes ${statement.parameters} values, not ${params.length}`);
  }
  const named = namedStatements.get(knex) === true && statement.parameters <= MOST_PARAMETERS_NAMED;
  const query = named
    ? { name: statement.name, text: statement.positional, values: [...params] }
    : platform.formatQuery(statement.text, [...params]);
  const event: QueryEvent = {
    sql: named ? statement.positional : (query as string),
    bindings: named ? params : [],
    method: 'raw',
    __knexQueryUid: `prepared-${(statementsSent += 1)}`,
  };
  const connection = await lender.acquireConnection();
  try {
    knex.emit('query', event);
    const result = await connection.query<Row>(query);
    knex.emit('query-response', result, event);
    return result.rows;
  } catch (error) {
    knex.emit('query-error', error, event);
    // As em.execute reports it: a driver error becomes MikroORM's exception for its SQLSTATE.
    throw error instanceof Error ? platform.getExceptionConverter().convertException(error) : error;
  } finally {
    await lender.releaseConnection(connection);
  }
}
