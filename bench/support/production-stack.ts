import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Processes } from './cpu-window.js';
import { freePorts } from './ports.js';
import { createBenchDatabase, type BenchDatabase } from './postgres.js';
import { baseEnv, startChild, waitUntil, type Child } from './processes.js';
import type { Runtime } from './runtime.js';

/**
 * The production shape of issue #15: each subgraph its own process from dist/, our gateway from
 * dist/, PostgreSQL and Redis, as docker-compose runs them (NODE_ENV=production, LOG_LEVEL=info,
 * `node --enable-source-maps`); beside them, when asked, stock `@apollo/gateway` on the same subgraphs.
 */
export const SUBGRAPHS = ['identity', 'member', 'catalog', 'admin'] as const;
export type Subgraph = (typeof SUBGRAPHS)[number];

export interface ProductionStack {
  /** Our gateway's base URL (`/graphql`, `/api/v1/…`, `/internal/…` under it). */
  readonly gatewayUrl: string;
  /** The stock gateway's GraphQL URL, when started. */
  readonly stockGraphqlUrl: string | undefined;
  readonly subgraphUrls: Readonly<Record<Subgraph, string>>;
  /** Our gateway and the four subgraphs, by name: what a federated request is charged. */
  readonly processes: Processes;
  readonly stockPid: number | undefined;
  readonly database: BenchDatabase;
  readonly redisUrl: string;
  /** The SYSTEM_ADMIN created at start (BOOTSTRAP_ADMIN_*). */
  readonly admin: { readonly email: string; readonly password: string };
  readonly children: readonly Child[];
  stop(): Promise<void>;
}

export interface ProductionOptions {
  /** The checkout whose dist/ runs (built beforehand). */
  readonly root: string;
  /** The bench's own checkout (bench/stock-gateway.ts, @swc-node/register). */
  readonly benchRoot: string;
  readonly workDir: string;
  readonly postgresUrl: string;
  readonly redisUrl: string;
  readonly withStock: boolean;
  readonly logLevel: string;
  /** The Node every process runs on (runtime.ts: the image's by default). */
  readonly runtime: Runtime;
  /** Extra node flags per process (`--cpu-prof` when profiling). */
  readonly nodeFlags?: (name: string) => readonly string[];
  readonly signal?: AbortSignal;
}

/** Load from one address is the point of a benchmark: every budget out of reach, the limiter still runs. */
export const UNLIMITED = {
  RATE_LIMIT_GENERAL_PER_MINUTE: '1000000',
  RATE_LIMIT_AUTH_PER_MINUTE: '1000000',
  RATE_LIMIT_ADMIN_PER_MINUTE: '1000000',
  RATE_LIMIT_INTERNAL_PER_MINUTE: '1000000',
} as const;

/**
 * BENCH_NODE_FLAGS: node flags for every process of the production shape, on top of the run's own
 * (`--perf-basic-prof-only-functions`, so that `perf record` names the functions it samples: perf
 * counts CPU only, where `--cpu-prof` also counts the time a thread waits, preempted).
 */
function extraNodeFlags(): string[] {
  return (process.env['BENCH_NODE_FLAGS'] ?? '').split(' ').filter(Boolean);
}

export async function startProductionStack(options: ProductionOptions): Promise<ProductionStack> {
  const database = await createBenchDatabase(options.postgresUrl);
  const children: Child[] = [];
  const stop = async () => {
    await Promise.all(children.map((child) => child.stop()));
    await database.drop();
    await forgetRedisKeys(options.redisUrl);
  };
  try {
    const [gatewayPort, stockPort, ...subgraphPorts] = await freePorts(2 + SUBGRAPHS.length);
    const ports = Object.fromEntries(SUBGRAPHS.map((name, i) => [name, subgraphPorts[i]!])) as Record<Subgraph, number>;
    const subgraphUrls = Object.fromEntries(
      SUBGRAPHS.map((name) => [name, `http://127.0.0.1:${ports[name]}/graphql`]),
    ) as Record<Subgraph, string>;
    const admin = { email: 'bench-admin@bench.example.com', password: 'bench-admin-passphrase-42' };
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const env: Record<string, string> = {
      ...baseEnv(),
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(gatewayPort),
      PUBLIC_URL: gatewayUrl,
      DATA_DIR: join(options.workDir, 'data'),
      DATABASE_URL: database.url,
      REDIS_URL: options.redisUrl,
      SECRET_KEY: randomBytes(32).toString('base64url'),
      LOG_LEVEL: options.logLevel,
      BOOTSTRAP_ADMIN_EMAIL: admin.email,
      BOOTSTRAP_ADMIN_PASSWORD: admin.password,
      ...UNLIMITED,
      ...Object.fromEntries(SUBGRAPHS.map((name) => [`${name.toUpperCase()}_PORT`, String(ports[name])])),
      ...Object.fromEntries(SUBGRAPHS.map((name) => [`${name.toUpperCase()}_URL`, subgraphUrls[name]])),
    };
    const node = (name: string, script: string) =>
      startChild({
        name,
        command: options.runtime.execPath,
        args: [...extraNodeFlags(), ...(options.nodeFlags?.(name) ?? []), '--enable-source-maps', script],
        cwd: options.root,
        env,
        logFile: join(options.workDir, `${name}.log`),
      });
    // All at once, as docker-compose starts them: migrations take turns under an advisory lock.
    const subgraphs = SUBGRAPHS.map((name) => node(name, `dist/subgraphs/${name}/src/main.js`));
    const gateway = node('gateway', 'dist/gateway/src/main.js');
    children.push(...subgraphs, gateway);
    const ready = (url: string) => async () => (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;
    const waitOptions = { timeoutMs: 120_000, ...(options.signal ? { signal: options.signal } : {}) };
    await Promise.all(
      subgraphs.map((child) =>
        waitUntil(child, ready(new URL('/ready', subgraphUrls[child.name as Subgraph]).toString()), waitOptions),
      ),
    );
    await waitUntil(gateway, ready(`${gatewayUrl}/ready`), waitOptions);

    let stock: Child | undefined;
    if (options.withStock) {
      stock = startChild({
        name: 'stock gateway',
        command: options.runtime.execPath,
        args: [
          ...extraNodeFlags(),
          ...(options.nodeFlags?.('stock gateway') ?? []),
          '--import',
          '@swc-node/register/esm-register',
          join(options.benchRoot, 'bench/stock-gateway.ts'),
        ],
        cwd: options.benchRoot,
        env: {
          ...baseEnv(),
          NODE_ENV: 'production',
          // As our gateway does (README "Privacy"): no usage telemetry, no cloud-metadata probes.
          APOLLO_TELEMETRY_DISABLED: 'true',
          STOCK_PORT: String(stockPort),
          STOCK_SUPERGRAPH: join(options.root, 'schema/supergraph.graphql'),
          STOCK_SUBGRAPH_URLS: JSON.stringify(subgraphUrls),
        },
        logFile: join(options.workDir, 'stock-gateway.log'),
      });
      children.push(stock);
      await waitUntil(stock, typenameAnswers(`http://127.0.0.1:${stockPort}/graphql`), waitOptions);
    }
    return {
      gatewayUrl,
      stockGraphqlUrl: stock ? `http://127.0.0.1:${stockPort}/graphql` : undefined,
      subgraphUrls,
      processes: Object.fromEntries([gateway, ...subgraphs].map((child) => [child.name, child.pid])),
      stockPid: stock?.pid,
      database,
      redisUrl: options.redisUrl,
      admin,
      children,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Whether a GraphQL endpoint answers `{ __typename }` (the start-up probe). */
export function typenameAnswers(graphqlUrl: string): () => Promise<boolean> {
  return async () => {
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
      signal: AbortSignal.timeout(2000),
    });
    return response.ok && (await response.text()).includes('"__typename"');
  };
}

/** Removes what the servers left in the bench's Redis database (ended sessions, rate-limit budgets). */
async function forgetRedisKeys(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', 'membergraph:*', 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // Redis gone: nothing of ours is left to remove there.
  } finally {
    redis.disconnect();
  }
}
