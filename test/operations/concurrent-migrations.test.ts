import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subgraphNames, type SubgraphName } from '../../lib/config/env.js';
import { subgraphDefinitions } from '../../subgraphs/registry.js';
import { createRealDatabase, realDatabaseUrl, type TestDatabase } from '../support/database.js';

/**
 * Issue 14, point 2: replicas started together on an empty database. Without the migration lock
 * (lib/db/migration-lock.ts) one of two processes migrating the same schema at once dies on a unique
 * violation in the catalog (`pg_type_typname_nsp_index`, two `create table`s of the same name).
 *
 * Real processes on a real PostgreSQL: the embedded database belongs to one process, so it cannot race.
 */

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

interface Replica {
  readonly name: SubgraphName;
  readonly port: number;
  readonly child: ChildProcess;
  output: string;
}

/** Polls GET /ready until 200; fails at once, with the replica's output, if the process exits. */
async function waitUntilReady(replica: Replica, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (replica.child.exitCode !== null || replica.child.signalCode !== null) {
      throw new Error(`${replica.name} on ${replica.port} exited (${replica.child.exitCode}):\n${replica.output}`);
    }
    const status = await fetch(`http://127.0.0.1:${replica.port}/ready`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${replica.name} on ${replica.port} never ready:\n${replica.output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

let dataDir: string;
let database: TestDatabase | undefined;
const replicas: Replica[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'membergraph-replicas-'));
  database = realDatabaseUrl ? await createRealDatabase(realDatabaseUrl) : undefined;
});
afterAll(async () => {
  await Promise.all(
    replicas.map(async ({ child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    }),
  );
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

describe.skipIf(!realDatabaseUrl)(
  'two replicas of every subgraph started at once on an empty database (needs TEST_DATABASE_URL: the embedded database has one process, so no race)',
  () => {
    it('both replicas of each subgraph become ready and every migration is applied once', async () => {
      const url = database!.url;
      const ports = Object.fromEntries(
        await Promise.all(subgraphNames.map(async (n) => [n, [await freePort(), await freePort()]] as const)),
      ) as Record<SubgraphName, [number, number]>;
      // The first replica of each subgraph is the one the others call (JWKS, revocations, events).
      const peers = {
        IDENTITY_PORT: String(ports.identity[0]),
        MEMBER_PORT: String(ports.member[0]),
        CATALOG_PORT: String(ports.catalog[0]),
        ADMIN_PORT: String(ports.admin[0]),
      };
      const secretKey = randomBytes(32).toString('base64url');
      // All eight at once, as an orchestrator starting two replicas of each service does.
      for (const name of subgraphNames) {
        for (const port of ports[name]) {
          const child = spawn(
            'node',
            ['--import', '@swc-node/register/esm-register', `subgraphs/${name}/src/main.ts`],
            {
              env: {
                ...process.env,
                LOG_LEVEL: 'warn',
                DATA_DIR: dataDir,
                DATABASE_URL: url,
                SECRET_KEY: secretKey,
                DB_POOL_MAX: '3',
                ...peers,
                [`${name.toUpperCase()}_PORT`]: String(port),
              },
              stdio: ['ignore', 'pipe', 'pipe'],
            },
          );
          const replica: Replica = { name, port, child, output: '' };
          // Logs (pino) go to stdout, uncaught errors to stderr: keep both to explain a failure.
          for (const stream of [child.stdout, child.stderr]) {
            stream.on('data', (chunk: Buffer) => (replica.output += chunk.toString()));
          }
          replicas.push(replica);
        }
      }
      await Promise.all(replicas.map((r) => waitUntilReady(r, 150_000)));

      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        for (const name of subgraphNames) {
          const { rows } = await client.query<{ name: string }>(
            `select name from "${name}".mikro_orm_migrations order by id`,
          );
          expect(
            rows.map((r) => r.name),
            name,
          ).toEqual(subgraphDefinitions[name].migrations.map((m) => m.name));
        }
      } finally {
        await client.end();
      }
    }, 180_000);
  },
);
