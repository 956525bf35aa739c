import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../logging/logger.js';
import { quoteIdentifier } from './identifier.js';

/**
 * Serialises migrations of one schema across processes. Replicas started together on an empty
 * database would otherwise both find the schema unmigrated and both run `create table`/`create type`:
 * the loser dies on a unique violation in the catalog (`pg_type_typname_nsp_index`). Under the lock
 * the first process migrates; the others wait, then find nothing pending.
 *
 * A session-level advisory lock, held on a connection of its own for the whole run: the migrator
 * uses the pool (possibly of one connection) and its own transactions, which a transaction-level
 * lock would not outlive. Released explicitly, on failure too; PostgreSQL also drops it if the
 * process dies, since the session ends with its connection.
 *
 * The embedded PGlite has one backend that every connection shares, so the lock is taken and
 * released by that one session: re-entrant, never waited for, and there is no second process to
 * race with. The explicit unlock matters there, as closing the connection does not end the session.
 */
export async function withMigrationLock<T>(
  orm: MikroORM,
  options: { readonly schema: string; readonly logger: Logger },
  work: () => Promise<T>,
): Promise<T> {
  // Outside the pool but with the pool's own settings (host, TLS, password): knex's raw connection.
  const client = orm.em.getConnection().getKnex().client as RawConnections;
  const connection = await client.acquireRawConnection();
  try {
    await lock(connection, options);
    try {
      await ensureSchema(connection, options.schema);
      return await work();
    } finally {
      // A failed unlock must not hide the migration's own outcome; on PostgreSQL, closing the
      // connection below ends the session and so releases the lock anyway.
      await connection
        .query(`select pg_advisory_unlock(${LOCK_KEY})`, [options.schema])
        .catch((error: unknown) =>
          options.logger.warn({ err: error, schema: options.schema }, 'migration unlock failed'),
        );
    }
  } finally {
    await client
      .destroyRawConnection(connection)
      .catch((error: unknown) => options.logger.warn({ err: error }, 'closing the migration lock connection failed'));
  }
}

/** The part of node-postgres' Client this module uses. */
interface LockConnection {
  query<R>(sql: string, values: readonly unknown[]): Promise<{ rows: R[] }>;
}

/** The part of knex's client (typed `any` by knex) this module uses: connections outside the pool. */
interface RawConnections {
  acquireRawConnection(): Promise<LockConnection>;
  destroyRawConnection(connection: LockConnection): Promise<void>;
}

/** One 32-bit key per schema, the same in every process (hashtext is stable for a server version). */
const LOCK_KEY = `hashtext('membergraph:migrate:' || $1::text)`;

async function lock(connection: LockConnection, options: { schema: string; logger: Logger }): Promise<void> {
  const tried = await connection.query<{ locked: boolean }>(`select pg_try_advisory_lock(${LOCK_KEY}) as locked`, [
    options.schema,
  ]);
  if (tried.rows[0]?.locked) return;
  options.logger.info({ schema: options.schema }, 'another process is migrating this schema: waiting for it');
  await connection.query(`select pg_advisory_lock(${LOCK_KEY})`, [options.schema]);
}

/**
 * Creates the schema when it is missing. Checked first rather than `create schema if not exists`,
 * which demands the CREATE privilege on the database even when the schema exists: a production role
 * may own its schema without being allowed to create others.
 */
async function ensureSchema(connection: LockConnection, schema: string): Promise<void> {
  const found = await connection.query<{ found: number }>('select 1 as found from pg_namespace where nspname = $1', [
    schema,
  ]);
  if (found.rows.length === 0) await connection.query(`create schema ${quoteIdentifier(schema)}`, []);
}
