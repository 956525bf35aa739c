import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSharedRevocations } from '../../lib/auth/revocation.js';
import { loadConfig, type AppConfig } from '../../lib/config/env.js';
import { SecretKeyMismatchError } from '../../lib/crypto/sealed-secrets.js';
import { createSecretBox } from '../../lib/crypto/secret-box.js';
import { resolveSecretKeys, secretKeys } from '../../lib/crypto/secret-key.js';
import { startEmbeddedPostgres } from '../../lib/db/embedded.js';
import { launchSubgraph } from '../../lib/subgraph-runtime/launch-subgraph.js';
import { createLogger } from '../../lib/logging/logger.js';
import { startStack } from '../../gateway/src/stack.js';
import { adminSubgraph } from '../../subgraphs/admin/src/definition.js';
import { WebhookEndpoint } from '../../subgraphs/admin/src/webhooks/webhook.entities.js';
import { WEBHOOK_SECRET_PURPOSE } from '../../subgraphs/admin/src/webhooks/webhooks.js';
import { identitySubgraph } from '../../subgraphs/identity/src/definition.js';
import { insertAccountWithToken } from '../support/account-fixture.js';
import { createRealDatabase, realDatabaseUrl, type TestDatabase } from '../support/database.js';

/**
 * Issue 14, point 3: a process started with another SECRET_KEY than the one the database's secrets
 * were sealed with used to start, then answer 500 to every sign-in. It must refuse to start instead,
 * naming SECRET_KEY, before anything listens.
 */

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

const keyA = randomBytes(32).toString('base64url');
const keyB = randomBytes(32).toString('base64url');
const refusal =
  /SECRET_KEY: does not open the secrets already in the database \(.+\): start with the SECRET_KEY they were sealed with/;

let dataDir: string;
let database: TestDatabase | undefined;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'membergraph-secret-key-'));
  database = realDatabaseUrl ? await createRealDatabase(realDatabaseUrl) : undefined;
});
afterAll(async () => {
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

/** What `npm start` runs, over DATA_DIR's embedded database or the test's real one. */
function stackConfig(ports: Record<string, string>, secretKey: string | undefined): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    ...ports,
    ...(secretKey ? { SECRET_KEY: secretKey } : {}),
    ...(database ? { DATABASE_URL: database.url } : {}),
  });
}

describe('a SECRET_KEY that does not open the secrets in the database', () => {
  it('stops npm start before anything listens, naming SECRET_KEY and what it cannot open', async () => {
    const ports = {
      PORT: String(await freePort()),
      IDENTITY_PORT: String(await freePort()),
      MEMBER_PORT: String(await freePort()),
      CATALOG_PORT: String(await freePort()),
      ADMIN_PORT: String(await freePort()),
    };
    const configA = stackConfig(ports, keyA);
    const first = await startStack({ config: configA, logger: createLogger(configA, 'test') });
    try {
      // A signing key exists from the start; add a TOTP secret and a webhook secret.
      const user = await insertAccountWithToken({
        database: first.subgraphs.identity.database,
        signingKeys: first.identity.signingKeys,
      });
      await first.identity.totp.enrollStart(first.subgraphs.identity.database.fork(), user.id);
      const adminEm = first.subgraphs.admin.database.fork();
      adminEm.create(WebhookEndpoint, {
        url: 'https://receiver.example.com/hook',
        events: ['*'],
        secretSealed: createSecretBox(secretKeys(keyA), WEBHOOK_SECRET_PURPOSE).seal('whsec_test'),
      });
      await adminEm.flush();
    } finally {
      await first.stop();
    }

    const configB = stackConfig(ports, keyB);
    const refused = startStack({ config: configB, logger: createLogger(configB, 'test') }).then(async (started) => {
      await started.stop(); // It should not have started: stop it, the assertions below fail.
      return started;
    });
    await expect(refused).rejects.toBeInstanceOf(SecretKeyMismatchError);
    await expect(refused).rejects.toThrow(refusal);
    await expect(refused).rejects.toThrow(
      /identity signing keys sealed \d{4}-\d\d-\d\dT.*, identity TOTP secrets sealed/,
    );
    for (const port of Object.values(ports)) expect(await accepts(Number(port)), `port ${port}`).toBe(false);

    // The data is untouched: the right key starts it again. Admin, launched alone there without
    // SECRET_KEY, gets a development key that does not open its webhook secrets either.
    const again = await startStack({ config: configA, logger: createLogger(configA, 'test') });
    try {
      const unset = stackConfig({ ...ports, ADMIN_PORT: '0' }, undefined);
      const logger = createLogger(unset, 'test');
      const admin = launchSubgraph(adminSubgraph, {
        config: unset,
        logger,
        databaseUrl: again.databaseUrl,
        poolMax: 1,
        secretKeys: await resolveSecretKeys(unset),
        revocations: createSharedRevocations(undefined, logger),
        host: '127.0.0.1',
        port: 0,
      }).then(async (launched) => {
        await launched.close();
        return launched;
      });
      await expect(admin).rejects.toThrow(refusal);
      await expect(admin).rejects.toThrow('admin webhook secrets sealed');
      // And where the key came from, since that is the likely culprit.
      await expect(admin).rejects.toThrow(
        `(SECRET_KEY is not set: the development key in ${join(dataDir, 'secret.key')} was used)`,
      );
    } finally {
      await again.stop();
    }
  }, 120_000);

  it('ends a subgraph process with exit code 1 and the message on stderr, never listening', async () => {
    // Identity alone keeps its embedded database in DATA_DIR/pg-identity: seal a signing key there.
    const aloneDir = await mkdtemp(join(tmpdir(), 'membergraph-secret-key-alone-'));
    try {
      const seedConfig = loadConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATA_DIR: aloneDir,
        SECRET_KEY: keyA,
        ...(database ? { DATABASE_URL: database.url } : {}),
      });
      const embedded = database
        ? undefined
        : await startEmbeddedPostgres({ dataDir: resolve(join(aloneDir, 'pg-identity')), maxConnections: 4 });
      try {
        const logger = createLogger(seedConfig, 'test');
        const identity = await launchSubgraph(identitySubgraph, {
          config: seedConfig,
          logger,
          databaseUrl: database?.url ?? embedded!.url,
          poolMax: 2,
          secretKeys: secretKeys(keyA),
          revocations: createSharedRevocations(undefined, logger),
          host: '127.0.0.1',
          port: 0,
        });
        await identity.close();
      } finally {
        await embedded?.stop();
      }

      const port = await freePort();
      const child = spawn('node', ['--import', '@swc-node/register/esm-register', 'subgraphs/identity/src/main.ts'], {
        env: {
          ...process.env,
          LOG_LEVEL: 'warn',
          DATA_DIR: aloneDir,
          SECRET_KEY: keyB,
          IDENTITY_PORT: String(port),
          ...(database ? { DATABASE_URL: database.url } : {}),
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      // Watch the port for the whole life of the process: it must never accept a connection (if it
      // does, the process started regardless: stop it, the assertions below say what went wrong).
      let listened = false;
      let running = true;
      const watching = (async () => {
        while (running) {
          if (await accepts(port)) {
            listened = true;
            child.kill('SIGTERM');
            return;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      const [code] = await exited;
      running = false;
      await watching;
      expect(code, stderr).toBe(1);
      expect(stderr).toMatch(refusal);
      expect(stderr).toContain('identity signing keys sealed');
      expect(listened).toBe(false);
    } finally {
      await rm(aloneDir, { recursive: true, force: true });
    }
  }, 90_000);
});
