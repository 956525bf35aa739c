import 'reflect-metadata';
import { loadConfigOrExit } from '../lib/config/env.js';
import { createLogger } from '../lib/logging/logger.js';
import { withMigrationLock } from '../lib/db/migration-lock.js';
import { forEachSubgraphDatabase } from './subgraph-databases.js';

/**
 * `npm run migrate`: applies every subgraph's pending migrations to DATABASE_URL, or to the embedded
 * database under DATA_DIR (the same one `npm start` uses), and says what it did.
 */
const config = loadConfigOrExit();
const logger = createLogger({ logLevel: 'warn' }, 'migrate');
await forEachSubgraphDatabase(config, logger, async (name, definition, database) => {
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
});
