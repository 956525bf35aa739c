import { join, resolve } from 'node:path';
import type { AppConfig } from '../../lib/config/env.js';
import { subgraphNames } from '../../lib/config/env.js';
import { migratedTemplateIn } from '../../lib/db/cluster-template.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../lib/db/embedded.js';
import { subgraphMigrationDirs } from './migration-dirs.js';

/** Per subgraph pool size on the embedded database (its socket server allows all of them at once). */
export const EMBEDDED_POOL_PER_SUBGRAPH = 2;

export interface StackDatabaseOptions {
  /** Start the embedded database from this pre-migrated tarball, in memory (tests). */
  readonly embeddedSnapshot?: Blob;
  /** Keep the embedded database in memory rather than under DATA_DIR (tests). */
  readonly inMemory?: boolean;
  /**
   * Where a new DATA_DIR finds a migrated cluster or initdb's output cached (migrated-template.ts,
   * lib/db/cluster-template.ts); none: initdb runs.
   */
  readonly embeddedTemplateDir?: string;
  /** PGlite on a thread of its own (lib/db/embedded.ts): `npm start` uses both cores while it starts. */
  readonly embeddedInWorker?: boolean;
}

/**
 * The whole graph's embedded PostgreSQL: under DATA_DIR/pg (or in memory), with room for every
 * subgraph's pool. Apart from stack.ts so that all-in-one.ts can start it before loading the rest:
 * PGlite compiles its WASM and opens its files while the graph's modules load.
 */
export function startStackDatabase(config: AppConfig, options: StackDatabaseOptions): Promise<EmbeddedPostgres> {
  return startEmbeddedPostgres({
    ...(options.inMemory || options.embeddedSnapshot ? {} : { dataDir: resolve(join(config.dataDir, 'pg')) }),
    ...(options.embeddedSnapshot ? { snapshot: options.embeddedSnapshot } : {}),
    ...(options.embeddedTemplateDir
      ? {
          templateDir: options.embeddedTemplateDir,
          ...migratedTemplateOf(options.embeddedTemplateDir),
        }
      : {}),
    ...(options.embeddedInWorker ? { inWorker: true } : {}),
    maxConnections: subgraphNames.length * EMBEDDED_POOL_PER_SUBGRAPH + 2,
  });
}

/** The migrated cluster for this tree's migrations; none when they cannot be read (then initdb's output). */
function migratedTemplateOf(templateDir: string): { migratedTemplate?: string } {
  try {
    return { migratedTemplate: migratedTemplateIn(templateDir, subgraphMigrationDirs()) };
  } catch {
    return {};
  }
}
