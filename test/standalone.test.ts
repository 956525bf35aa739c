import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRealDatabase, realDatabaseUrl, type TestDatabase } from './support/database.js';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

let dataDir: string;
let database: TestDatabase | undefined;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'membergraph-alone-'));
  database = realDatabaseUrl ? await createRealDatabase(realDatabaseUrl) : undefined;
});
afterAll(async () => {
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('a subgraph started alone (what docker-compose runs)', () => {
  it('migrates, serves health, readiness and its JWKS, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn('node', ['--import', '@swc-node/register/esm-register', 'subgraphs/identity/src/main.ts'], {
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        DATA_DIR: dataDir,
        IDENTITY_PORT: String(port),
        ...(database ? { DATABASE_URL: database.url } : {}),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const base = `http://127.0.0.1:${port}`;
      await vi.waitFor(
        async () => {
          const ready = await fetch(`${base}/ready`);
          expect(ready.status, stderr).toBe(200);
        },
        // A fresh embedded database is created and migrated first: slow on a busy CI machine.
        { timeout: 60_000, interval: 250 },
      );
      expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok', service: 'identity' });
      const jwks = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as { keys: { alg: string }[] };
      expect(jwks.keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
      const typename = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ _service { sdl } }' }),
      });
      expect(((await typename.json()) as { data: { _service: { sdl: string } } }).data._service.sdl).toContain(
        'type User',
      );
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code, stderr).toBe(0);
  }, 90_000);
});
