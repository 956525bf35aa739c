import { createRequire } from 'node:module';

/**
 * node-postgres asks, as it loads (pg/lib/stream.js), whether it runs in a Cloudflare Worker. Where
 * `navigator` is missing (Node 20; Node ≥ 21 has it) it builds a web `Response` to find out, and that
 * loads Node's own fetch implementation: a tenth of a second of every start, for a question whose
 * answer in Node is always no. So pg's stream module is loaded here first, with the `navigator` that
 * Node ≥ 21 would have, only for the time of that load, and kept in require's cache for pg to find.
 * Import this module before 'pg' (and what loads it: MikroORM, knex).
 */
function loadPgStreamsWithoutProbe(): void {
  if ('navigator' in globalThis) return;
  const require = createRequire(import.meta.url);
  let path: string;
  try {
    path = require.resolve('pg/lib/stream');
  } catch {
    return;
  }
  if (require.cache[path]) return;
  const descriptor = { configurable: true, value: { userAgent: `Node.js/${process.versions.node.split('.')[0]}` } };
  Object.defineProperty(globalThis, 'navigator', descriptor);
  try {
    require(path);
  } catch {
    // pg reports its own load failures when it is first used.
  } finally {
    Reflect.deleteProperty(globalThis, 'navigator');
  }
}

loadPgStreamsWithoutProbe();
