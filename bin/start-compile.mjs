// @ts-check
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import * as nodeModule from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What `npm start` runs, compiled: the checkout's TypeScript as CommonJS in `.start/commonjs/`
 * (bin/start.mjs says why CommonJS and not loader hooks). Used by `npm start` before it loads the
 * graph, and by npm's `prepare` (bin/prepare.mjs) so that a fresh checkout's first start has nothing
 * left to compile.
 *
 * Each source is compiled again when its content changed (the output carries its source's hash), so
 * an edit is never served stale; outputs whose source is gone are removed. Outputs are written to a
 * temporary file and renamed, so starts running side by side never read a half-written file.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
export const cacheDir = join(root, '.start');
/**
 * The outputs, with a package.json of their own saying CommonJS. Not `.start/` itself: a launcher from
 * before (a checkout of an older commit) compiles ES modules there, which that declaration would break.
 */
const outDir = join(cacheDir, 'commonjs');
/** What `npm run build` compiles (tsconfig.build.json), less the tests. */
const SOURCE_DIRS = ['lib', 'gateway', 'subgraphs', 'schema'];
const ENTRY = 'gateway/src/all-in-one.ts';

const require = nodeModule.createRequire(import.meta.url);

/** The options of tsconfig.json as @swc-node/register applies them, so both runs compile alike. */
const swcOptions = {
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
    experimental: { keepImportAttributes: true },
  },
  // CommonJS, with Node's own interop (a default import is module.exports), as ESM would see it.
  module: { type: 'commonjs', importInterop: 'node' },
  isModule: true,
  sourceMaps: true,
  // Stack traces need lines, not the TypeScript itself: without it Node reads and parses a third of
  // the maps' bytes at each start (--enable-source-maps parses every map as its module loads).
  inlineSourcesContent: false,
  swcrc: false,
};

/** Part of every output's stamp: another compiler or other options compile everything again. */
const salt = JSON.stringify([
  /** @type {{ version: string }} */ (require('@swc/core/package.json')).version,
  swcOptions,
  await readFile(fileURLToPath(import.meta.url), 'utf8'),
]);

/** @param {string} dir @returns {Promise<string[]>} paths relative to root */
async function sourcesUnder(dir) {
  const entries = await readdir(join(root, dir), { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => relative(root, join(e.parentPath ?? e.path, e.name)));
}

/** @param {string} source @returns {string} */
export const outputOf = (source) => join(outDir, source.replace(/\.ts$/, '.js'));
/** @param {string} hash */
const stampLine = (hash) => `//# membergraph-source=${hash}`;

/** @type {typeof import('@swc/core') | undefined} */
let swc;

/**
 * The sources whose output is missing or was made from other content, with that content and its hash.
 * Synchronous on purpose: some 420 small files read one after another take about 16 ms, as promises
 * through libuv's thread pool about 90 ms, and nothing else runs yet.
 * @param {readonly string[]} sources
 */
function staleSources(sources) {
  return sources.flatMap((source) => {
    const code = readFileSync(join(root, source), 'utf8');
    const hash = createHash('sha256').update(salt).update(code).digest('base64url');
    let existing = '';
    try {
      existing = readFileSync(outputOf(source), 'utf8');
    } catch {
      // Not compiled yet.
    }
    return existing.includes(stampLine(hash)) ? [] : [{ source, code, hash }];
  });
}

/**
 * Compiles one stale source into `.start/`, its source map beside it.
 * @param {{ source: string, code: string, hash: string }} stale
 */
async function compile({ source, code, hash }) {
  swc ??= /** @type {typeof import('@swc/core')} */ (require('@swc/core'));
  const output = outputOf(source);
  const result = await swc.transform(code, { ...swcOptions, filename: join(root, source) });
  const map = JSON.parse(/** @type {string} */ (result.map));
  // Stack traces name the TypeScript file, relative to the output as source maps are.
  map.sources = [relative(dirname(output), join(root, source)).split(sep).join('/')];
  const name = output.slice(dirname(output).length + 1);
  await mkdir(dirname(output), { recursive: true });
  const unique = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  await writeAtomically(`${output}.map`, JSON.stringify(map), unique);
  await writeAtomically(output, `${result.code}\n${stampLine(hash)}\n//# sourceMappingURL=${name}.map\n`, unique);
}

/** @param {string} path @param {string} text @param {string} unique */
async function writeAtomically(path, text, unique) {
  const temporary = `${path}.${unique}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

/** Removes outputs whose source is gone, so a deleted module cannot be imported from a stale copy. */
/** @param {ReadonlySet<string>} outputs */
async function removeOrphans(outputs) {
  const entries = await readdir(outDir, { withFileTypes: true, recursive: true }).catch(() => []);
  await Promise.all(
    entries
      .filter((e) => e.isFile() && /\.js(\.map)?$/.test(e.name))
      .map((e) => join(e.parentPath ?? e.path, e.name))
      .filter((path) => !outputs.has(path.replace(/\.map$/, '')))
      .map((path) => rm(path, { force: true })),
  );
}

/**
 * The outputs are CommonJS whatever the checkout's package.json says. Written only when it is not already
 * so, and through a rename: a start beside this one may be reading it.
 */
async function declareCommonJs() {
  const path = join(outDir, 'package.json');
  const text = '{ "type": "commonjs" }\n';
  if ((await readFile(path, 'utf8').catch(() => '')) === text) return;
  await mkdir(outDir, { recursive: true });
  await writeAtomically(path, text, `${process.pid}-${Math.random().toString(36).slice(2)}`);
}

/** The compiled entry point (gateway/src/all-in-one.ts), for `require`. */
export const entryOutput = outputOf(ENTRY);

/**
 * Brings `.start/` up to date with the checkout: compiles what changed, removes what is gone,
 * declares the outputs CommonJS.
 * @returns {Promise<{ compiled: number, total: number, seconds: number, layout: string }>} `layout`
 *   names the set of compiled files: it changes when a source is added or removed
 */
export async function compileForStart() {
  const began = performance.now();
  const sources = (await Promise.all(SOURCE_DIRS.map(sourcesUnder))).flat();
  const stale = staleSources(sources);
  await Promise.all(stale.map(compile));
  await removeOrphans(new Set(sources.map(outputOf)));
  await declareCommonJs();
  const layout = createHash('sha256').update(sources.sort().join('\n')).digest('base64url');
  return { compiled: stale.length, total: sources.length, seconds: (performance.now() - began) / 1000, layout };
}
