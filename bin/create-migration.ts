import 'reflect-metadata';
import { readdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadConfig, subgraphNames, type SubgraphName } from '../lib/config/env.js';
import { createLogger } from '../lib/logging/logger.js';
import { subgraphDefinitions } from '../subgraphs/registry.js';
import { startEmbeddedPostgres } from '../lib/db/embedded.js';
import { openSubgraphDatabase } from '../lib/db/orm.js';

/**
 * `npm run migration:create -- <subgraph> [--blank]`: diffs the subgraph's entities against its
 * migrated schema (on a throwaway embedded database), writes the next migration and the list that
 * loads them in order.
 */
const [name, flag] = process.argv.slice(2);
if (!subgraphNames.includes(name as SubgraphName)) {
  console.error(`usage: npm run migration:create -- <${subgraphNames.join('|')}> [--blank]`);
  process.exit(2);
}
const subgraph = name as SubgraphName;
const definition = subgraphDefinitions[subgraph];
const dir = fileURLToPath(new URL(`../subgraphs/${subgraph}/src/migrations/`, import.meta.url));
const logger = createLogger(loadConfig({ LOG_LEVEL: 'warn' }), 'migrations');
const pg = await startEmbeddedPostgres({ maxConnections: 2 });
try {
  const database = await openSubgraphDatabase({
    url: pg.url,
    schema: subgraph,
    entities: definition.entities,
    migrations: definition.migrations,
    poolMax: 1,
    logger,
  });
  const result = await database.orm.getMigrator().createMigration(dir, flag === '--blank');
  await database.close();
  if (!result.fileName) {
    console.log(`${subgraph}: entities match the migrations; nothing to create`);
  } else {
    console.log(`${subgraph}: wrote ${result.fileName}`);
  }
  const files = (await readdir(dir)).filter((f) => /^Migration\d+\.ts$/.test(f)).sort();
  const entries = files.map((f) => f.replace(/\.ts$/, ''));
  await writeFile(
    `${dir}index.ts`,
    [
      "import type { MigrationEntry } from '../../../../lib/db/orm.js';",
      ...entries.map((e) => `import { ${e} } from './${e}.js';`),
      '',
      '/** Applied in this order; `npm run migration:create` regenerates this list. */',
      'export const migrations: readonly MigrationEntry[] = [',
      ...entries.map((e) => `  { name: '${e}', class: ${e} },`),
      '];',
      '',
    ].join('\n'),
  );
} finally {
  await pg.stop();
}
