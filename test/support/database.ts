import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openSubgraphDatabase, type SubgraphDatabase } from '../../lib/db/orm.js';
import { OutboxEvent } from '../../lib/events/outbox-event.entity.js';
import type { Logger } from '../../lib/logging/logger.js';

/**
 * Which database the suite runs on. TEST_DATABASE_URL names a real PostgreSQL server (each test file
 * gets a fresh database there); without it, the embedded PostgreSQL from a pre-migrated snapshot.
 */
export const realDatabaseUrl: string | undefined = process.env['TEST_DATABASE_URL'] || undefined;

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * One statement on a connection of its own, committed when it returns: what another process (a
 * replica, a tool, an operator) does to the database beside the stack under test.
 */
export async function queryOnce<Row extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<pg.QueryResult<Row>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query<Row>(text, values);
  } finally {
    await client.end();
  }
}

/** A brand-new, empty database on the real server; migrations run when the stack starts. */
export async function createRealDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `mg_test_${randomBytes(6).toString('hex')}`;
  await queryOnce(serverUrl, `create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await queryOnce(serverUrl, `drop database if exists "${name}" with (force)`);
    },
  };
}

/**
 * A pool on `url` for a schema nothing migrates, with the outbox as its one entity: for tests of the
 * database layer itself (statements by hand, the migration lock).
 */
export function openUnmigratedDatabase(
  url: string,
  options: { readonly schema: string; readonly poolMax: number; readonly logger: Logger },
): Promise<SubgraphDatabase> {
  return openSubgraphDatabase({ url, ...options, entities: [OutboxEvent], migrations: [], migrate: false });
}
