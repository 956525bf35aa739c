import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, subgraphNames } from '../../lib/config/env.js';
import { migratedTemplateIn, writeMigratedTemplate } from '../../lib/db/cluster-template.js';
import { startEmbeddedPostgres } from '../../lib/db/embedded.js';
import { openSubgraphDatabase } from '../../lib/db/orm.js';
import { createLogger, type Logger } from '../../lib/logging/logger.js';
import { subgraphDefinitions } from '../../subgraphs/registry.js';
import { subgraphMigrationDirs } from './migration-dirs.js';

/**
 * Caches in `templateDir` a cluster every subgraph has migrated (npm's `prepare`, bin/prepare.mjs),
 * unless the one for the current migrations is there: a new DATA_DIR then starts from it, and
 * `npm start` migrates nothing (about a second and a half on a fresh DATA_DIR). It starts from
 * initdb's output cached there, and holds no data but the migrations'. Returns whether it wrote one.
 */
export async function cacheMigratedCluster(templateDir: string): Promise<boolean> {
  const template = migratedTemplateIn(templateDir, subgraphMigrationDirs());
  if (existsSync(template)) return false;
  const scratch = await mkdtemp(join(tmpdir(), 'membergraph-template-'));
  try {
    const pg = await startEmbeddedPostgres({ dataDir: join(scratch, 'pg'), templateDir, maxConnections: 2 });
    try {
      await migrateEverySubgraph(pg.url, createLogger(loadConfig({ LOG_LEVEL: 'warn' }), 'prepare'));
      await writeMigratedTemplate(template, await pg.dump());
    } finally {
      await pg.stop();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return true;
}

/** Runs every subgraph's pending migrations on the database at `url`, one connection at a time. */
export async function migrateEverySubgraph(url: string, logger: Logger): Promise<void> {
  for (const name of subgraphNames) {
    const definition = subgraphDefinitions[name];
    const database = await openSubgraphDatabase({
      url,
      schema: name,
      entities: definition.entities,
      migrations: definition.migrations,
      poolMax: 1,
      logger,
    });
    await database.close();
  }
}
