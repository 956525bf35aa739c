// @ts-check
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { join } from 'node:path';
import { cacheCommonJsCode } from './commonjs-code-cache.mjs';
import { cacheCommonJsResolution } from './commonjs-resolve-cache.mjs';
import { cacheDir, compileForStart, entryOutput } from './start-compile.mjs';

/**
 * `npm start`: runs gateway/src/all-in-one.ts as plain JavaScript compiled into `.start/`, without
 * loader hooks. On Node 20 hooks run off-thread, and every import of every package (ours and
 * node_modules alike) then waits on a round trip to the hook's worker: over half the start's CPU.
 *
 * Compiled to CommonJS (`.start/commonjs/package.json` says so), not ES modules: Node 20's ESM loader reads
 * each file through the thread pool, resolves it through URLs, lexes every CommonJS package an ES
 * module imports for its export names, and keeps no compiled code; `require` does none of that, and
 * loads the graph's modules in half the time. Node's own interop (`importInterop: 'node'`) gives a
 * default import the package's `module.exports`, as ESM does; `jose`, the one ES module package,
 * loads through require(esm) (Node >= 20.19). Hence no top-level await in what npm start runs.
 *
 * The compiling is bin/start-compile.mjs's: of what changed since the last start (or since `npm ci`,
 * whose `prepare` compiles a fresh checkout ahead), each source once.
 */
const require = nodeModule.createRequire(import.meta.url);

const { compiled, total, seconds, layout } = await compileForStart();
if (compiled > 0)
  process.stderr.write(`compiled ${compiled} of ${total} TypeScript files into .start/ in ${seconds.toFixed(1)}s\n`);
// Where each require leads, kept between starts (every Node version): valid while the installed
// packages (npm rewrites node_modules/.package-lock.json at each install) and the compiled files'
// names are the same. One cache per Node version and flags, which can change what a request means.
const digest = (/** @type {string[]} */ ...parts) => createHash('sha256').update(parts.join('\0')).digest('base64url');
const installed = (() => {
  try {
    return readFileSync(join(cacheDir, '..', 'node_modules', '.package-lock.json'));
  } catch {
    return 'no hidden lockfile';
  }
})();
const resolutionCache = cacheCommonJsResolution(
  join(
    cacheDir,
    `commonjs-resolve-${digest(process.version, ...process.execArgv, process.env.NODE_OPTIONS ?? '').slice(0, 16)}.json`,
  ),
  digest(installed.toString(), layout),
);
// V8's compiled code is kept between starts: by Node itself from 22.1 (every module), by
// commonjs-code-cache.mjs on Node 20 (node_modules' CommonJS files, most of what loads).
const { enableCompileCache } = /** @type {{ enableCompileCache?: (dir: string) => unknown }} */ (nodeModule);
const codeCache = enableCompileCache
  ? (enableCompileCache(join(cacheDir, 'compile-cache')), undefined)
  : cacheCommonJsCode(join(cacheDir, `commonjs-code-${process.version}-${process.arch}.bin`));
/** @type {{ started?: Promise<unknown> }} */
let entry;
try {
  entry = require(entryOutput);
} catch (error) {
  if (resolutionCache.stale(error))
    process.stderr.write(
      `a module this start's resolution cache named is gone (${/** @type {{ path: string }} */ (error).path}): ` +
        'node_modules changed without npm. The cache is deleted; start again.\n',
    );
  throw error;
}
await entry.started;
// Written a little after the graph answers, or when the process ends before that: not in the way of
// the start itself.
for (const cache of codeCache ? [codeCache, resolutionCache] : [resolutionCache]) {
  setTimeout(() => cache.save(), 5000).unref();
  process.once('exit', () => cache.save());
}
