import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config/env.js';
import { createLogger } from '../lib/logging/logger.js';
import { EPHEMERAL_PORTS, startStack, type Stack } from '../gateway/src/stack.js';
import { verifyPassword } from '../subgraphs/identity/src/user/password.js';
import { UserAccount } from '../subgraphs/identity/src/user/user.entity.js';
import { createRealDatabase, realDatabaseUrl, type TestDatabase } from './support/database.js';

/**
 * What `npm start` does, twice over the same storage: DATA_DIR on the embedded database, or the same
 * DATABASE_URL. No SECRET_KEY is set, so outside production one is generated and kept in DATA_DIR.
 */
let dataDir: string;
let database: TestDatabase | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'membergraph-persist-'));
  database = realDatabaseUrl ? await createRealDatabase(realDatabaseUrl) : undefined;
});
afterAll(async () => {
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

function start(extraEnv: Record<string, string>): Promise<Stack> {
  const config = loadConfig({
    NODE_ENV: 'development',
    LOG_LEVEL: 'silent',
    ...EPHEMERAL_PORTS,
    DATA_DIR: dataDir,
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...extraEnv,
  });
  return startStack({ config, logger: createLogger(config, 'test') });
}

async function me(stack: Stack, token: string) {
  const response = await fetch(`${stack.gatewayUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ me { email role } }' }),
  });
  return (await response.json()) as { data?: { me: { email: string; role: string } | null } };
}

describe('storage across restarts', () => {
  // Two starts of the whole graph on one data directory: ~25 s on a busy 2-core machine.
  it('keeps accounts, signing keys and the bootstrap admin; never resets its password', async () => {
    const email = `admin-${randomUUID()}@example.com`;
    const first = await start({ BOOTSTRAP_ADMIN_EMAIL: email, BOOTSTRAP_ADMIN_PASSWORD: 'first-password-1' });
    let token: string;
    try {
      const em = first.subgraphs.identity.database.fork();
      const admin = await em.findOneOrFail(UserAccount, { email }, { populate: ['passwordHash'] });
      expect(admin.role).toBe('SYSTEM_ADMIN');
      expect(await verifyPassword(admin.passwordHash!, 'first-password-1')).toBe(true);
      ({ token } = await first.identity.signingKeys.signAccessToken({
        userId: admin.id,
        tenantId: admin.tenant.id,
        role: admin.role,
        sessionId: randomUUID(),
        scopes: [],
        amr: ['pwd'],
        authTime: Math.floor(Date.now() / 1000),
      }));
      expect((await me(first, token)).data?.me).toEqual({ email, role: 'SYSTEM_ADMIN' });
    } finally {
      await first.stop();
    }

    if (!database) expect((await readFile(join(dataDir, 'secret.key'), 'utf8')).trim().length).toBeGreaterThan(30);

    const second = await start({ BOOTSTRAP_ADMIN_EMAIL: email, BOOTSTRAP_ADMIN_PASSWORD: 'second-password-2' });
    try {
      // The token from before the restart still verifies: the key set survived, sealed by the kept key.
      expect((await me(second, token)).data?.me).toEqual({ email, role: 'SYSTEM_ADMIN' });
      const em = second.subgraphs.identity.database.fork();
      const admins = await em.find(UserAccount, { email }, { populate: ['passwordHash'] });
      expect(admins).toHaveLength(1);
      expect(await verifyPassword(admins[0]!.passwordHash!, 'first-password-1')).toBe(true);
      expect(await verifyPassword(admins[0]!.passwordHash!, 'second-password-2')).toBe(false);
    } finally {
      await second.stop();
    }
  }, 90_000);
});
