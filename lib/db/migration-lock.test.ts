import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.js';
import { catalogSubgraph } from '../../subgraphs/catalog/src/definition.js';
import {
  createRealDatabase,
  openUnmigratedDatabase,
  realDatabaseUrl,
  type TestDatabase,
} from '../../test/support/database.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded.js';
import { withMigrationLock } from './migration-lock.js';
import { openSubgraphDatabase, type SubgraphDatabase } from './orm.js';

const logger = createLogger({ logLevel: 'silent' }, 'migration-lock-test');

/** A pool on `url` for a schema of its own, not migrated: the tests take the lock by hand. */
function openBare(url: string, schema: string, poolMax = 1): Promise<SubgraphDatabase> {
  return openUnmigratedDatabase(url, { schema, poolMax, logger });
}

async function advisoryLocksHeld(database: SubgraphDatabase): Promise<number> {
  const rows = await database
    .fork()
    .getConnection()
    .execute<{ held: string }[]>(`select count(*) as held from pg_locks where locktype = 'advisory' and granted`);
  return Number(rows[0]?.held);
}

describe('the migration lock on the embedded database (one backend shared by every connection)', () => {
  let embedded: EmbeddedPostgres;
  beforeAll(async () => {
    // A pool of one, the lock's own connection, and a second lock connection for the nested run.
    embedded = await startEmbeddedPostgres({ maxConnections: 3 });
  });
  afterAll(async () => {
    await embedded.stop();
  });

  it('migrates a subgraph with a pool of one connection, and leaves no lock behind', async () => {
    const database = await openSubgraphDatabase({
      url: embedded.url,
      schema: 'catalog',
      entities: catalogSubgraph.entities,
      migrations: catalogSubgraph.migrations,
      poolMax: 1,
      logger,
    });
    try {
      const applied = await database
        .fork()
        .getConnection()
        .execute<{ name: string }[]>('select name from catalog.mikro_orm_migrations order by id');
      expect(applied.map((r) => r.name)).toEqual(catalogSubgraph.migrations.map((m) => m.name));
      expect(await advisoryLocksHeld(database)).toBe(0);
    } finally {
      await database.close();
    }
  });

  it('is re-entrant there: a second run in the same process does not wait for the first', async () => {
    const schema = `lock_${randomUUID().slice(0, 8)}`;
    const database = await openBare(embedded.url, schema);
    try {
      let inner = false;
      await withMigrationLock(database.orm, { schema, logger }, async () => {
        // Same session on PGlite: granted at once, where a real server would make it wait.
        await withMigrationLock(database.orm, { schema, logger }, async () => {
          inner = true;
          // Held (once, re-entered) while the work runs; the pool's queries are not held up by it.
          expect(await advisoryLocksHeld(database)).toBe(1);
        });
      });
      expect(inner).toBe(true);
      expect(await advisoryLocksHeld(database)).toBe(0);
    } finally {
      await database.close();
    }
  });
});

describe.skipIf(!realDatabaseUrl)('the migration lock on PostgreSQL (needs TEST_DATABASE_URL)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createRealDatabase(realDatabaseUrl!);
  });
  afterAll(async () => {
    await database.drop();
  });

  it('makes a second process wait until the first has finished, creates the schema, and is released on failure', async () => {
    const schema = `lock_${randomUUID().slice(0, 8)}`;
    // Two pools stand for two processes: two sessions.
    const [first, second] = [await openBare(database.url, schema), await openBare(database.url, schema)];
    try {
      const order: string[] = [];
      let release!: () => void;
      const holding = new Promise<void>((resolve) => (release = resolve));
      let entered!: () => void;
      const firstEntered = new Promise<void>((resolve) => (entered = resolve));
      const one = withMigrationLock(first.orm, { schema, logger }, async () => {
        order.push('first in');
        entered();
        await holding;
        order.push('first out');
        throw new Error('migration failed');
      });
      await firstEntered;
      const two = withMigrationLock(second.orm, { schema, logger }, async () => {
        order.push('second in');
      });
      // Long enough for the second to have run, had it not been waiting.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(order).toEqual(['first in']);
      release();
      await expect(one).rejects.toThrow('migration failed');
      await two;
      expect(order).toEqual(['first in', 'first out', 'second in']);
      const schemas = await second
        .fork()
        .getConnection()
        .execute<{ nspname: string }[]>('select nspname from pg_namespace where nspname = ?', [schema]);
      expect(schemas).toHaveLength(1);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
