import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../lib/config/env.js';
import { createLogger } from '../../lib/logging/logger.js';
import { EPHEMERAL_PORTS, startStack, type Stack } from '../../gateway/src/stack.js';
import { insertAccountWithToken } from '../../test/support/account-fixture.js';

const BENCH_PASSWORD = 'bench-harness-passphrase-42';

export interface BenchStack {
  readonly stack: Stack;
  /** Where the data lives, for the report (never the URL itself: it may carry a password). */
  readonly database: string;
  /** A bearer token for a freshly created USER account. */
  readonly token: string;
  /** Another account's sign-in credentials (the login scenario). */
  readonly credentials: { readonly email: string; readonly password: string };
  stop(): Promise<void>;
}

/**
 * The whole graph in this process, exactly as `npm start` runs it, on OS-picked loopback ports.
 * DATABASE_URL (if set) is used as is, so the same bench also measures a real PostgreSQL server;
 * otherwise the embedded PGlite runs in memory and migrates on start.
 */
export async function startBenchStack(): Promise<BenchStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'membergraph-bench-'));
  const databaseUrl = process.env['DATABASE_URL'] || undefined;
  const secretKey = process.env['SECRET_KEY'] || undefined;
  let stack: Stack | undefined;
  let stopped: Promise<void> | undefined;
  // Idempotent: an interrupted run and its `finally` may both ask.
  const stop = () =>
    (stopped ??= (async () => {
      try {
        await stack?.stop();
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    })());
  try {
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] || 'silent',
      ...EPHEMERAL_PORTS,
      DATA_DIR: dataDir,
      // A database that already holds identity's signing keys needs the key they were sealed with.
      SECRET_KEY: secretKey ?? randomBytes(32).toString('base64url'),
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      // Load from one address is the point of a benchmark; the limiter's own cost is still measured.
      RATE_LIMIT_GENERAL_PER_MINUTE: '1000000',
      RATE_LIMIT_AUTH_PER_MINUTE: '1000000',
      RATE_LIMIT_ADMIN_PER_MINUTE: '1000000',
      RATE_LIMIT_INTERNAL_PER_MINUTE: '1000000',
    });
    stack = await startStack({ config, logger: createLogger(config, 'bench'), inMemory: true });
    const identity = { database: stack.subgraphs.identity.database, signingKeys: stack.identity.signingKeys };
    // Two accounts: the sign-in scenario's logins become audit entries, which must not change the
    // answers the read scenarios check (the federated query reads the reader's audit trail).
    const account = await insertAccountWithToken(identity);
    const signer = await insertAccountWithToken(identity, { password: BENCH_PASSWORD });
    // The accounts' user.created events reach the audit log before any answer is recorded.
    await stack.drainEvents();
    return {
      stack,
      database: config.databaseUrl
        ? `PostgreSQL at ${new URL(config.databaseUrl).host}`
        : 'embedded PGlite (in memory)',
      token: account.token,
      credentials: { email: signer.email, password: BENCH_PASSWORD },
      stop,
    };
  } catch (error) {
    await stop();
    if (databaseUrl && !secretKey && error instanceof Error && /unable to authenticate data/.test(error.message)) {
      throw new Error(
        `${error.message}: DATABASE_URL holds data sealed with another SECRET_KEY; ` +
          'set SECRET_KEY to that key, or point DATABASE_URL at an empty database',
        { cause: error },
      );
    }
    throw error;
  }
}
