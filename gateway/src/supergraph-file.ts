import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The checked-in, composed supergraph (no runtime introspection). Same path from src and dist. */
export function readSupergraph(): Promise<string> {
  const candidates = ['../../schema/supergraph.graphql', '../../../schema/supergraph.graphql'];
  return (async () => {
    for (const relative of candidates) {
      try {
        return await readFile(fileURLToPath(new URL(relative, import.meta.url)), 'utf8');
      } catch {
        // try the next layout
      }
    }
    throw new Error('schema/supergraph.graphql not found: run `npm run compose`');
  })();
}
