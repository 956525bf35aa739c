import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.js';
import { catalogSubgraph } from '../../subgraphs/catalog/src/definition.js';
import { createRealDatabase, realDatabaseUrl, type TestDatabase } from '../../test/support/database.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded.js';
import { openSubgraphDatabase } from './orm.js';
import { hasPendingMigrations } from './pending-migrations.js';

const logger = createLogger({ logLevel: 'silent' }, 'pending-migrations-test');
const allMigrations = catalogSubgraph.migrations;

/** The embedded database always; the real PostgreSQL too when TEST_DATABASE_URL names one. */
const targets = [
  ['the embedded database', async () => startEmbeddedPostgres({ maxConnections: 4 })],
  ...(realDatabaseUrl ? ([['PostgreSQL', async () => createRealDatabase(realDatabaseUrl!)]] as const) : []),
] as const;

describe.each(targets)('pending migrations on %s', (_, open) => {
  let server: EmbeddedPostgres | TestDatabase;
  beforeAll(async () => {
    server = await open();
  });
  afterAll(async () => {
    await ('stop' in server ? server.stop() : server.drop());
  });

  it('applies a migration added since the last start, and finds nothing pending after', async () => {
    const all = allMigrations.map((m) => m.name);
    // The start before: every migration but the newest.
    const before = await openSubgraphDatabase({
      url: server.url,
      schema: 'catalog',
      entities: catalogSubgraph.entities,
      migrations: allMigrations.slice(0, -1),
      poolMax: 2,
      logger,
    });
    try {
      expect(await hasPendingMigrations(before.orm, 'catalog', all)).toBe(true);
      expect(await hasPendingMigrations(before.orm, 'catalog', all.slice(0, -1))).toBe(false);
      // A schema nothing has migrated yet: everything is pending.
      expect(await hasPendingMigrations(before.orm, 'not_migrated_yet', all)).toBe(true);
    } finally {
      await before.close();
    }

    const after = await openSubgraphDatabase({
      url: server.url,
      schema: 'catalog',
      entities: catalogSubgraph.entities,
      migrations: allMigrations,
      poolMax: 2,
      logger,
    });
    try {
      const applied = await after
        .fork()
        .getConnection()
        .execute<{ name: string }[]>('select name from catalog.mikro_orm_migrations order by id');
      expect(applied.map((r) => r.name)).toEqual(all);
      expect(await hasPendingMigrations(after.orm, 'catalog', all)).toBe(false);
    } finally {
      await after.close();
    }
  });
});
