import 'reflect-metadata';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../lib/config/env.js';
import { startEmbeddedPostgres } from '../../lib/db/embedded.js';
import { createLogger } from '../../lib/logging/logger.js';
import { migrateEverySubgraph } from '../../gateway/src/migrated-template.js';
import { realDatabaseUrl } from './database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    embeddedSnapshotPath: string;
  }
}

/**
 * Migrates one embedded database and keeps its tarball: each test file then starts from it in a
 * fraction of a second instead of migrating again.
 */
export default async function setup(project: TestProject) {
  if (realDatabaseUrl) {
    project.provide('embeddedSnapshotPath', '');
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'membergraph-test-'));
  const logger = createLogger(loadConfig({ LOG_LEVEL: 'silent' }), 'test-setup');
  const pg = await startEmbeddedPostgres({ maxConnections: 2 });
  try {
    await migrateEverySubgraph(pg.url, logger);
    const path = join(dir, 'migrated.tar');
    await writeFile(path, Buffer.from(await (await pg.dump()).arrayBuffer()));
    project.provide('embeddedSnapshotPath', path);
  } finally {
    await pg.stop();
  }
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
