import { join, resolve } from 'node:path';
import type { AppConfig, SubgraphName } from '../lib/config/env.js';
import { startOrExit, subgraphNames } from '../lib/config/env.js';
import { startEmbeddedPostgres } from '../lib/db/embedded.js';
import { openSubgraphDatabase, type SubgraphDatabase } from '../lib/db/orm.js';
import type { Logger } from '../lib/logging/logger.js';
import type { SubgraphDefinition } from '../lib/subgraph-runtime/subgraph-definition.js';
import { subgraphDefinitions } from '../subgraphs/registry.js';

/**
 * For the operator commands (bin/): each subgraph's database in turn, on DATABASE_URL or the
 * embedded database under DATA_DIR (the one `npm start` uses, which has one user at a time), opened
 * with one connection and nothing migrated, then closed.
 */
export async function forEachSubgraphDatabase(
  config: AppConfig,
  logger: Logger,
  visit: (name: SubgraphName, definition: SubgraphDefinition, database: SubgraphDatabase) => Promise<void>,
  only: (definition: SubgraphDefinition) => boolean = () => true,
): Promise<void> {
  // In use by `npm start` (or another command): say so and exit 1, as for a bad variable.
  const embedded = config.databaseUrl
    ? undefined
    : await startOrExit(() =>
        startEmbeddedPostgres({ dataDir: resolve(join(config.dataDir, 'pg')), maxConnections: 2 }),
      );
  try {
    for (const name of subgraphNames) {
      const definition = subgraphDefinitions[name];
      if (!only(definition)) continue;
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
        await visit(name, definition, database);
      } finally {
        await database.close();
      }
    }
  } finally {
    await embedded?.stop();
  }
}
