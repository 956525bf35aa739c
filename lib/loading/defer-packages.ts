import { createRequire, Module } from 'node:module';

/**
 * Enters each of `names` (a package, or a file of `from` by its path from `from`'s main file), as
 * `from` would require it, in require's cache as a stand-in that loads the real module at its first
 * use: what a dependency requires as it loads but only uses in code that rarely or never runs. Call it before `from` loads. A package already loaded is left as it is,
 * and so is one that does not resolve (or a `from` that does not).
 *
 * The stand-in's exports are a proxy: reading, testing or listing them loads the real package, which
 * then takes its own place in the cache as if it had been required first. So code that copies the
 * exports' names as it loads (TypeScript's `export *`) would load it at once: only defer a package
 * that its dependents reach through a property at the point of use (`umzug_1.Umzug`).
 *
 * @param from a package name, resolved from this module (this repository's node_modules)
 * @returns the names deferred
 */
export function deferPackages(from: string, names: readonly string[]): string[] {
  let fromPackage: NodeJS.Require;
  try {
    fromPackage = createRequire(createRequire(import.meta.url).resolve(from));
  } catch {
    return [];
  }
  const deferred: string[] = [];
  for (const name of names) {
    let path: string;
    try {
      path = fromPackage.resolve(name);
    } catch {
      continue;
    }
    if (fromPackage.cache[path]) continue;
    fromPackage.cache[path] = standIn(path, fromPackage);
    deferred.push(name);
  }
  return deferred;
}

/** A loaded module whose exports load the real one at the first look into them. */
function standIn(path: string, load: NodeJS.Require): NodeJS.Module {
  let real: object | undefined;
  const target = (): object => {
    if (real === undefined) {
      // The real module takes its own place in the cache, as if it had been required first.
      delete load.cache[path];
      real = load(path) as object;
    }
    return real;
  };
  const module = new Module(path);
  module.filename = path;
  module.loaded = true;
  module.exports = new Proxy(
    {},
    {
      get: (_, key): unknown => Reflect.get(target(), key),
      has: (_, key) => Reflect.has(target(), key),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
        // A proxy may not report a property as non-configurable unless its target has it so.
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
  return module;
}
