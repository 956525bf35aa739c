// @ts-check
import { hash as digest } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, sep } from 'node:path';
import vm from 'node:vm';

const DYNAMIC_IMPORT = /\bimport\s*\(/;
// @ts-expect-error Module.wrapper is Node's (documented long ago, untyped now).
const WRAPPER_START = /** @type {string} */ (Module.wrapper[0]);

/**
 * V8's compiled code of node_modules' CommonJS files, kept in one file between starts: Node 20 has no
 * compile cache (Node ≥ 22.1's module.enableCompileCache replaces this), and compiling those files is
 * a fifth of the start's module loading. Each entry is keyed by its file's content hash, and V8
 * refuses code it did not make for this version and these flags, so a changed package is compiled
 * afresh. Files that are not plain CommonJS (ES modules, a hashbang) or that call import() go to Node's
 * own loader.
 *
 * @param {string} file the cache, one per Node version and architecture
 * @returns {{ save(): void }} writes the cache when some file was compiled without it (temp + rename)
 */
export function cacheCommonJsCode(file) {
  const stored = readCache(file);
  /** @type {Map<string, { script: vm.Script, hash: string }>} */
  const compiled = new Map();
  let missed = 0;
  // @ts-expect-error Module.prototype._compile is Node's internal (and monkey-patchable) CommonJS compile.
  const original = /** @type {(this: Module, content: string, filename: string, format?: string) => unknown} */ (
    Module.prototype._compile
  );
  const nodeModules = `${sep}node_modules${sep}`;
  // @ts-expect-error see above
  Module.prototype._compile = function compileWithCache(
    /** @type {string} */ content,
    /** @type {string} */ filename,
    /** @type {string | undefined} */ format,
  ) {
    if (
      format === 'module' ||
      !filename.includes(nodeModules) ||
      !/\.c?js$/.test(filename) ||
      // Node 20 loses a script's import() callback when its code comes from a cache: left to Node.
      DYNAMIC_IMPORT.test(content)
    )
      return original.call(this, content, filename, format);
    // One-shot crypto.hash: without a Hash object per file, a third of createHash's cost at start.
    const hash = digest('sha1', content, 'base64');
    const entry = stored.get(filename);
    let script;
    try {
      script = new vm.Script(Module.wrap(content), {
        filename,
        // Columns of the first line as in the file, not shifted by the wrapper.
        columnOffset: -WRAPPER_START.length,
        ...(entry?.hash === hash ? { cachedData: entry.data } : {}),
      });
    } catch {
      // Not plain CommonJS (ES module syntax, a hashbang): Node knows what to do with it.
      return original.call(this, content, filename, format);
    }
    if (entry?.hash !== hash || script.cachedDataRejected) missed += 1;
    compiled.set(filename, { script, hash });
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, dirname(filename));
  };
  return {
    save() {
      if (missed === 0) return;
      missed = 0;
      writeCache(file, compiled);
    },
  };
}

/** What Node's own `require` of a module offers (lib/internal/modules/helpers.js makeRequireFunction). */
function requireFor(/** @type {any} */ module) {
  const require = (/** @type {string} */ id) => module.require(id);
  // @ts-expect-error internal
  const resolve = (request, options) => Module._resolveFilename(request, module, false, options);
  // @ts-expect-error internal
  resolve.paths = (request) => Module._resolveLookupPaths(request, module);
  require.resolve = resolve;
  require.main = process.mainModule;
  // @ts-expect-error internal
  require.extensions = Module._extensions;
  // @ts-expect-error internal
  require.cache = Module._cache;
  return require;
}

/** Layout: a 4-byte length, a JSON index `{ [file]: [hash, offset, length] }`, then the code. */
function readCache(/** @type {string} */ file) {
  /** @type {Map<string, { hash: string, data: Buffer }>} */
  const entries = new Map();
  try {
    const bytes = readFileSync(file);
    const indexLength = bytes.readUInt32LE(0);
    const index = JSON.parse(bytes.subarray(4, 4 + indexLength).toString('utf8'));
    const base = 4 + indexLength;
    for (const [name, [hash, offset, length]] of Object.entries(index))
      entries.set(name, { hash, data: bytes.subarray(base + offset, base + offset + length) });
  } catch {
    // No cache yet, or an unreadable one: every file compiles as without it.
  }
  return entries;
}

function writeCache(
  /** @type {string} */ file,
  /** @type {Map<string, { script: vm.Script, hash: string }>} */ compiled,
) {
  /** @type {Record<string, [string, number, number]>} */
  const index = {};
  /** @type {Buffer[]} */
  const parts = [];
  let offset = 0;
  for (const [name, { script, hash }] of compiled) {
    const data = script.createCachedData();
    index[name] = [hash, offset, data.length];
    parts.push(data);
    offset += data.length;
  }
  const json = Buffer.from(JSON.stringify(index));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  const temporary = `${file}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temporary, Buffer.concat([length, json, ...parts]));
    renameSync(temporary, file);
  } catch {
    // Only a cache: the next start compiles again.
  } finally {
    rmSync(temporary, { force: true });
  }
}
