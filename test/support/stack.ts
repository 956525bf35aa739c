import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { inject } from 'vitest';
import type { Role } from '../../lib/auth/principal.js';
import { loadConfig } from '../../lib/config/env.js';
import { createLogger } from '../../lib/logging/logger.js';
import { EPHEMERAL_PORTS, startStack, type Stack, type StackOptions } from '../../gateway/src/stack.js';
import { insertAccountWithToken, type FixtureAccount } from './account-fixture.js';
import { createRealDatabase, realDatabaseUrl } from './database.js';

export interface GraphQLResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly data?: T | null;
  readonly errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
}

/** An account with a signed access token. */
export type TestUser = FixtureAccount;

export interface TestStack extends Stack {
  /** POSTs a GraphQL operation to the gateway (or to `url`) over real HTTP. */
  graphql<T = Record<string, unknown>>(
    query: string,
    options?: { variables?: Record<string, unknown>; token?: string; url?: string; headers?: Record<string, string> },
  ): Promise<GraphQLResponse<T>>;
  /** Creates an account directly in identity's tables and signs an access token for it. */
  createUser(options?: { role?: Role; tenantSlug?: string; email?: string }): Promise<TestUser>;
}

/**
 * The whole graph for one test file: real HTTP, real PostgreSQL (embedded from the migrated snapshot,
 * or a fresh database on TEST_DATABASE_URL). Every port is picked by the OS so files run in parallel.
 */
export interface TestStackOptions extends Pick<StackOptions, 'routes' | 'subgraphCalls'> {
  /** Receives every log line as JSON (set LOG_LEVEL in env to see them). */
  readonly logDestination?: DestinationStream;
}

export async function startTestStack(
  env: Record<string, string> = {},
  options: TestStackOptions = {},
): Promise<TestStack> {
  const { logDestination, ...stackOptions } = options;
  const dataDir = await mkdtemp(join(tmpdir(), 'membergraph-stack-'));
  const realDatabase = realDatabaseUrl ? await createRealDatabase(realDatabaseUrl) : undefined;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    ...EPHEMERAL_PORTS,
    DATA_DIR: dataDir,
    SECRET_KEY: randomBytes(32).toString('base64url'),
    ...(realDatabase ? { DATABASE_URL: realDatabase.url } : {}),
    ...(process.env['TEST_REDIS_URL'] ? { REDIS_URL: process.env['TEST_REDIS_URL'] } : {}),
    // Test files sign in and register from 127.0.0.1 all the time; rate-limit tests set their own.
    RATE_LIMIT_GENERAL_PER_MINUTE: '1000000',
    RATE_LIMIT_AUTH_PER_MINUTE: '1000000',
    RATE_LIMIT_ADMIN_PER_MINUTE: '1000000',
    ...env,
  });
  const snapshotPath = inject('embeddedSnapshotPath');
  const stack = await startStack({
    config,
    logger: createLogger(config, 'test', logDestination),
    inMemory: true,
    ...(snapshotPath && !realDatabase ? { embeddedSnapshot: new Blob([await readFile(snapshotPath)]) } : {}),
    ...stackOptions,
  });

  const graphql: TestStack['graphql'] = async (query, opts = {}) => {
    const response = await fetch(opts.url ?? `${stack.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...opts.headers,
      },
      body: JSON.stringify({ query, variables: opts.variables ?? {} }),
    });
    const body = (await response.json()) as Omit<GraphQLResponse, 'status'>;
    return { status: response.status, ...body } as never;
  };

  const createUser: TestStack['createUser'] = (opts = {}) =>
    insertAccountWithToken(
      { database: stack.subgraphs.identity.database, signingKeys: stack.identity.signingKeys },
      opts,
    );

  return {
    ...stack,
    graphql,
    createUser,
    async stop() {
      await stack.stop();
      await realDatabase?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
