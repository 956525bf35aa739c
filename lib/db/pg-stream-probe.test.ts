import { describe, expect, it } from 'vitest';
import { inFreshProcess } from '../../test/support/fresh-process.js';

/** In a process of its own: whether loading pg loads Node's fetch (internal undici), and pg's sockets. */
async function loadPg(first: string): Promise<Record<string, unknown>> {
  const script = `
    ${first}
    const net = await import('node:net');
    const pg = (await import('pg')).default;
    const { getStream } = (await import('node:module')).createRequire(import.meta.url)('pg/lib/stream');
    console.log(JSON.stringify({
      fetchLoaded: process.moduleLoadList.some((name) => name.includes('internal/deps/undici')),
      navigator: 'navigator' in globalThis,
      client: typeof pg.Client,
      nodeSocket: getStream(false) instanceof net.Socket,
    }));
  `;
  return inFreshProcess(script);
}

describe("pg's runtime probe", () => {
  it('is answered without loading Node’s fetch, and pg still uses Node sockets', async () => {
    const [plain, probed] = await Promise.all([loadPg(''), loadPg(`await import('./lib/db/pg-stream-probe.ts');`)]);
    // Node 20 has no navigator: pg alone builds a web Response (Node ≥ 21 answers from navigator).
    expect(plain['fetchLoaded']).toBe(!plain['navigator']);
    // The navigator lent for pg's load is gone again.
    expect(probed).toEqual({ fetchLoaded: false, client: 'function', nodeSocket: true, navigator: plain['navigator'] });
  }, 60_000);
});
