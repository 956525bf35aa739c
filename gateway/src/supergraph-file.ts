import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * The checked-in, composed supergraph (no runtime introspection): `schema/` at the repository root,
 * two levels up from gateway/src when run from source, three from dist/gateway/src when built, four
 * from .start/commonjs/gateway/src under `npm start` (bin/start.mjs).
 */
export async function readSupergraph(): Promise<string> {
  for (const up of ['../../', '../../../', '../../../../']) {
    const relative = `${up}schema/supergraph.graphql`;
    try {
      return await readFile(fileURLToPath(new URL(relative, import.meta.url)), 'utf8');
    } catch {
      // try the built layout next
    }
  }
  throw new Error('schema/supergraph.graphql not found: run `npm run compose`');
}
