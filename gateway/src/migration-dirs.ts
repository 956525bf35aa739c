import { fileURLToPath } from 'node:url';
import { subgraphNames } from '../../lib/config/env.js';

/**
 * Each subgraph's migrations directory in this tree (`.start/`, `dist/` or the sources): what names
 * a migrated cluster template (lib/db/cluster-template.ts), read before any subgraph module loads.
 */
export function subgraphMigrationDirs(): string[] {
  return subgraphNames.map((name) =>
    fileURLToPath(new URL(`../../subgraphs/${name}/src/migrations/`, import.meta.url)),
  );
}
