import 'reflect-metadata';
import { join, resolve } from 'node:path';
import { loadConfigOrExit, subgraphNames } from '../lib/config/env.js';
import { createLogger } from '../lib/logging/logger.js';
import { subgraphDefinitions } from '../subgraphs/registry.js';
import { startEmbeddedPostgres } from '../lib/db/embedded.js';
import { withMigrationLock } from '../lib/db/migration-lock.js';
import { openSubgraphDatabase } from '../lib/db/orm.js';

/**
 * `npm run migrate`: applies every subgraph's pending migrations to DATABASE_URL, or to the embedded
 * database under DATA_DIR (the same one `npm start` uses), and says what it did.
 */
const config = loadConfigOrExit();
const logger = createLogger({ logLevel: 'warn' }, 'migrate');
const embedded = config.databaseUrl
  ? undefined
  : await startEmbeddedPostgres({ dataDir: resolve(join(config.dataDir, 'pg')), maxConnections: 2 });
try {
  for (const name of subgraphNames) {
    const definition = subgraphDefinitions[name];
    const database = await openSubgraphDatabase({
      url: config.databaseUrl ?? embedded!.url,
      schema: name,
      entities: definition.entities,
      migrations: definition.migrations,
      poolMax: 1,
      logger,
      migrate: false,
    });
    try {
      // Under the same lock as a starting subgraph: running this while replicas start is safe.
      const applied = await withMigrationLock(database.orm, { schema: name, logger }, async () => {
        const pending = await database.orm.getMigrator().getPendingMigrations();
        return pending.length > 0 ? await database.orm.getMigrator().up() : [];
      });
      console.log(
        applied.length > 0
          ? `${name}: applied ${applied.map((m) => m.name).join(', ')}`
          : `${name}: up to date (${definition.migrations.length} migrations)`,
      );
    } finally {
      await database.close();
    }
  }
} finally {
  await embedded?.stop();
}
