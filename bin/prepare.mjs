// @ts-check
import { createRequire } from 'node:module';

/**
 * npm's `prepare`, which `npm ci` and `npm install` run: readies a fresh checkout for `npm start`,
 * whose first start otherwise spends about 2 s of its 5 s budget (issue #15, goal 6) on it:
 * - compiles `.start/` (bin/start-compile.mjs; some 430 files, 0.3 s);
 * - caches initdb's output there (lib/db/cluster-template.ts; PGlite's initdb, about 1.6 s);
 * - and from it a cluster every subgraph has migrated (gateway/src/migrated-template.ts; the
 *   migrations, about 1.5 s), from which every new DATA_DIR then starts.
 * Never fails the install: what it cannot do, it says, and the first `npm start` does as it always could.
 */
try {
  const { cacheDir, compileForStart, outputOf } = await import('./start-compile.mjs');
  const { compiled, total, seconds } = await compileForStart();
  if (compiled > 0)
    process.stdout.write(`compiled ${compiled} of ${total} TypeScript files into .start/ in ${seconds.toFixed(1)}s\n`);
  const began = performance.now();
  const clusters = /** @type {{ cacheInitdbOutput(dir: string): Promise<boolean> }} */ (
    createRequire(import.meta.url)(outputOf('lib/db/cluster-template.ts'))
  );
  if (await clusters.cacheInitdbOutput(cacheDir))
    process.stdout.write(`cached initdb's output in .start/ in ${((performance.now() - began) / 1000).toFixed(1)}s\n`);
  const migrating = performance.now();
  const migrated = /** @type {{ cacheMigratedCluster(dir: string): Promise<boolean> }} */ (
    createRequire(import.meta.url)(outputOf('gateway/src/migrated-template.ts'))
  );
  if (await migrated.cacheMigratedCluster(cacheDir))
    process.stdout.write(
      `cached a migrated cluster in .start/ in ${((performance.now() - migrating) / 1000).toFixed(1)}s\n`,
    );
} catch (error) {
  process.stderr.write(
    `could not ready .start/ ahead; npm start will: ${error instanceof Error ? error.message : String(error)}\n`,
  );
}
