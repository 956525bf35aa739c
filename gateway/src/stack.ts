import type { AppConfig, SubgraphName } from '../../lib/config/env.js';
import { subgraphNames } from '../../lib/config/env.js';
import { createSharedRevocations } from '../../lib/auth/revocation.js';
import { resolveSecretKeys } from '../../lib/crypto/secret-key.js';
import type { EmbeddedPostgres } from '../../lib/db/embedded.js';
import type { OutboxRelay } from '../../lib/events/relay.js';
import { startOutboxRelay } from '../../lib/events/start-relay.js';
import { launchSubgraph, type LaunchedSubgraph } from '../../lib/subgraph-runtime/launch-subgraph.js';
import { listen, type Listening } from '../../lib/http/listen.js';
import type { Logger } from '../../lib/logging/logger.js';
import { Registry } from '../../lib/observability/metrics.js';
import { startMetricsListener } from '../../lib/observability/metrics-listener.js';
import { startTracing } from '../../lib/observability/tracing.js';
import { subgraphDefinitions } from '../../subgraphs/registry.js';
import type { IdentityServices } from '../../subgraphs/identity/src/definition.js';
import { createGateway, type Gateway, type GatewayOptions } from './server.js';
import { readSupergraph } from './supergraph-file.js';
import { EMBEDDED_POOL_PER_SUBGRAPH, startStackDatabase, type StackDatabaseOptions } from './stack-database.js';

/** Every listener on a port the OS picks: stacks for tests and benchmarks never collide. */
export const EPHEMERAL_PORTS = {
  PORT: '0',
  IDENTITY_PORT: '0',
  MEMBER_PORT: '0',
  CATALOG_PORT: '0',
  ADMIN_PORT: '0',
} as const;

export interface StackOptions extends StackDatabaseOptions {
  readonly config: AppConfig;
  readonly logger: Logger;
  /** The embedded database, already starting (startStackDatabase); without DATABASE_URL only. */
  readonly embedded?: Promise<EmbeddedPostgres>;
  readonly routes?: GatewayOptions['routes'];
  /**
   * How the gateway reaches the subgraphs for GraphQL: as functions in this process (the default:
   * no loopback HTTP), or over HTTP as separate processes do (tests of that path).
   */
  readonly subgraphCalls?: 'in-process' | 'http';
}

export interface Stack {
  readonly gatewayUrl: string;
  readonly gateway: Gateway;
  readonly http: Listening;
  readonly subgraphs: Readonly<Record<SubgraphName, LaunchedSubgraph>>;
  readonly identity: IdentityServices;
  readonly databaseUrl: string;
  readonly embedded: EmbeddedPostgres | undefined;
  /** The one registry of the process: gateway and subgraphs record into it, the gateway serves it. */
  readonly metricsRegistry: Registry;
  /** The /metrics listener when METRICS_PORT is set (then /metrics is not on the gateway's port). */
  readonly metrics: Listening | undefined;
  /** Hands every committed outbox event to admin now, instead of at the relays' next poll. */
  drainEvents(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The whole graph in one process: the embedded PostgreSQL (or DATABASE_URL), the four subgraphs on
 * loopback ports of their own, and the gateway. `npm start` and the tests both run exactly this.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const { config, logger } = options;
  const started: { close(): Promise<void> }[] = [];
  const stopAll = async () => {
    for (const part of started.reverse())
      await part.close().catch((error) => logger.error({ err: error }, 'stop failed'));
  };
  try {
    let embedded: EmbeddedPostgres | undefined;
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      embedded = await (options.embedded ?? startStackDatabase(config, options));
      started.push({ close: () => embedded!.stop() });
      databaseUrl = embedded.url;
      logger.info('embedded PostgreSQL started');
    }
    // Before any component takes its tracer; stopped after them all, exporting what is left.
    const tracing = await startTracing(config.tracing);
    started.push({ close: () => tracing.shutdown() });
    const poolMax = embedded ? EMBEDDED_POOL_PER_SUBGRAPH : config.dbPoolMax;
    const secretKeys = await resolveSecretKeys(config);
    // One registry for the whole process, served by the gateway (or on METRICS_PORT), not by each subgraph.
    const metricsRegistry = new Registry();
    const subgraphs = {} as Record<SubgraphName, LaunchedSubgraph>;
    // Identity and the gateway share it: in this process, or in Redis for every replica, with
    // identity's feed (listening once launched below) to fall back on while Redis is away.
    const revocations = createSharedRevocations(config.redisUrl, logger, {
      url: () => subgraphs.identity && new URL('/sessions/revocations', subgraphs.identity.url).toString(),
    });
    started.push({ close: () => revocations.close() });

    for (const name of subgraphNames) {
      const launched = await launchSubgraph<unknown>(subgraphDefinitions[name], {
        config,
        logger,
        databaseUrl,
        poolMax,
        secretKeys,
        revocations,
        host: '127.0.0.1',
        port: config.subgraphs[name].port,
        metrics: { registry: metricsRegistry, onApiPort: false },
        ...(name === 'identity' ? {} : { jwksUrl: new URL('/.well-known/jwks.json', subgraphs.identity.url) }),
      });
      subgraphs[name] = launched;
      started.push(launched);
    }

    // Every replica of a subgraph with an outbox runs a relay; they share the work (lib/events/relay.ts).
    const relays: OutboxRelay[] = [];
    for (const name of subgraphNames) {
      const relay = startOutboxRelay(subgraphDefinitions[name], subgraphs[name], {
        subgraphUrl: (to) => subgraphs[to].url,
        secretKeys,
        logger,
      });
      if (relay) {
        relays.push(relay);
        // Stopped before the subgraphs (stopAll runs in reverse), so no batch is cut off mid-send.
        started.push({ close: () => relay.stop() });
      }
    }

    const gateway = await createGateway({
      config,
      logger: logger.child({ component: 'gateway' }),
      supergraphSdl: await readSupergraph(),
      subgraphUrls: Object.fromEntries(subgraphNames.map((n) => [n, subgraphs[n].url])) as Record<SubgraphName, string>,
      ...(options.subgraphCalls === 'http'
        ? {}
        : {
            inProcessSubgraphs: Object.fromEntries(subgraphNames.map((n) => [n, subgraphs[n].answerInProcess])),
          }),
      revocations,
      metricsRegistry,
      ...(options.routes ? { routes: options.routes } : {}),
    });
    started.push({ close: () => gateway.stop() });
    const http = await listen(gateway.listener, config.port, config.host, {
      component: 'the gateway',
      variable: 'PORT',
    });
    started.push(http);
    const metrics =
      config.metricsPort === undefined
        ? undefined
        : await startMetricsListener(metricsRegistry, config.metricsPort, config.host);
    if (metrics) started.push(metrics);

    return {
      gatewayUrl: `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${http.port}`,
      gateway,
      http,
      subgraphs,
      identity: subgraphs.identity.services as IdentityServices,
      databaseUrl,
      embedded,
      metricsRegistry,
      metrics,
      async drainEvents() {
        let total = 0;
        for (const relay of relays) total += await relay.drain();
        return total;
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
