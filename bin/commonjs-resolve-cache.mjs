// @ts-check
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname } from 'node:path';

/**
 * Where each `require` of the last start led, kept between starts. Resolving is a walk of
 * `node_modules` folders, `package.json` files and extensions for every one of the ~3,000 modules the
 * graph loads: a quarter of a restart's CPU before this cache. The answer depends only on the
 * requiring module's folder and the request (Node's own `_pathCache` keys it so), so that pair is the
 * key.
 *
 * The stored answers are used while the files they were made from are what they were: the caller's
 * fingerprint (the installed packages and the set of compiled sources) must match, else every
 * request resolves afresh. Not checked file by file: one `existsSync` per module cost more than a
 * third of what the cache saves. A file removed by hand from `node_modules` is caught when its load
 * fails (`stale` below). Only plain `require` calls are cached: not built-ins, not `require.resolve`
 * with options, not the main module.
 *
 * @param {string} file the cache, one per Node version and resolution flags
 * @param {string} fingerprint changes whenever a resolution could (bin/start.mjs: the installed
 *   packages' lockfile and the compiled sources' names)
 * @returns {{ save(): void, stale(error: unknown): boolean }} `save` writes the cache when this start
 *   resolved something new (temp + rename); `stale` says whether a load failed on a file the cache
 *   named that is gone, and then deletes the cache so that the next start resolves afresh
 */
export function cacheCommonJsResolution(file, fingerprint) {
  const resolved = readCache(file, fingerprint);
  let added = 0;
  // @ts-expect-error Module._resolveFilename is Node's internal (and monkey-patchable) resolver.
  const original = /** @type {(request: string, parent: any, isMain: boolean, options?: object) => string} */ (
    Module._resolveFilename
  );
  // @ts-expect-error see above
  Module._resolveFilename = function resolveWithCache(
    /** @type {string} */ request,
    /** @type {{ filename?: string } | undefined} */ parent,
    /** @type {boolean} */ isMain,
    /** @type {object | undefined} */ options,
  ) {
    if (options !== undefined || isMain || !parent?.filename || Module.isBuiltin(request))
      return original.call(this, request, parent, isMain, options);
    const key = `${dirname(parent.filename)}\0${request}`;
    const known = resolved.get(key);
    if (known !== undefined) return known;
    const filename = original.call(this, request, parent, isMain, options);
    resolved.set(key, filename);
    added += 1;
    return filename;
  };
  return {
    save() {
      if (added === 0) return;
      added = 0;
      writeCache(file, fingerprint, resolved);
    },
    stale(error) {
      const { code, path } = /** @type {{ code?: unknown, path?: unknown }} */ (error ?? {});
      if (code !== 'ENOENT' || typeof path !== 'string' || existsSync(path)) return false;
      if (![...resolved.values()].includes(path)) return false;
      added = 0;
      rmSync(file, { force: true });
      return true;
    },
  };
}

/** @returns {Map<string, string>} empty when there is no cache, or one made from other files */
function readCache(/** @type {string} */ file, /** @type {string} */ fingerprint) {
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    if (stored.fingerprint === fingerprint) return new Map(Object.entries(stored.resolved));
  } catch {
    // No cache yet, or an unreadable one: everything resolves as without it.
  }
  return new Map();
}

function writeCache(
  /** @type {string} */ file,
  /** @type {string} */ fingerprint,
  /** @type {Map<string, string>} */ resolved,
) {
  const temporary = `${file}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temporary, JSON.stringify({ fingerprint, resolved: Object.fromEntries(resolved) }));
    renameSync(temporary, file);
  } catch {
    // Only a cache: the next start resolves again.
  } finally {
    rmSync(temporary, { force: true });
  }
}
