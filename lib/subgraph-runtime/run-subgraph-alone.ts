import 'reflect-metadata';
import { join, resolve } from 'node:path';
import { loadConfigOrExit, startOrExit, subgraphUrl } from '../config/env.js';
import { createSharedRevocations, PollingRevocations } from '../auth/revocation.js';
import { developmentKeyFile, resolveSecretKeys } from '../crypto/secret-key.js';
import { startEmbeddedPostgres } from '../db/embedded.js';
import { guardAgainstUncaughtErrors } from '../errors/uncaught.js';
import { startOutboxRelay } from '../events/start-relay.js';
import type { Listening } from '../http/listen.js';
import { createLogger } from '../logging/logger.js';
import { Registry } from '../observability/metrics.js';
import { startMetricsListener } from '../observability/metrics-listener.js';
import { startTracing } from '../observability/tracing.js';
import { launchSubgraph } from './launch-subgraph.js';
import type { SubgraphDefinition } from './subgraph-definition.js';

/**
 * One subgraph as its own process (what docker-compose runs). With DATABASE_URL it uses that server;
 * without, an embedded database of its own under DATA_DIR/pg-<name> (a subgraph reads only its schema).
 * Each subgraph's main.ts hands over its own definition, so a process loads only its own domain.
 */
export async function runSubgraphAlone(definition: SubgraphDefinition<unknown>): Promise<void> {
  const { name } = definition;
  const config = loadConfigOrExit();
  const logger = createLogger(config, name);
  guardAgainstUncaughtErrors(logger);
  // Spans as `membergraph-<name>` when OTEL_EXPORTER_OTLP_ENDPOINT is set.
  const tracing = await startTracing(config.tracing);
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dataDir: resolve(join(config.dataDir, `pg-${name}`)), maxConnections: 4 });
  // Ended sessions: with REDIS_URL every process sees them at once; without, and while Redis is
  // away, each follows identity's feed (identity too, for its other replicas' revocations).
  const revocationFeed = {
    url: new URL('/sessions/revocations', subgraphUrl(config, 'identity')).toString(),
    pollAtOnce: name !== 'identity',
  };
  const revocations = config.redisUrl
    ? createSharedRevocations(config.redisUrl, logger, revocationFeed)
    : new PollingRevocations(revocationFeed.url, logger, undefined, revocationFeed.pollAtOnce);
  const secretKeys = await resolveSecretKeys(config);
  if (!config.secretKey) {
    // The sealed secrets in the database open only with this key: say where it is kept.
    logger.info({ file: developmentKeyFile(config) }, 'SECRET_KEY is not set: development key used');
  }
  // GET /metrics on this subgraph's port, or with METRICS_PORT on a listener of its own.
  const registry = new Registry();
  let metricsListener: Listening | undefined;
  // A refusal to start (a SECRET_KEY that does not open the database's secrets) exits with its
  // message on stderr, once the embedded database is closed cleanly.
  const launched = await startOrExit(async () => {
    try {
      if (config.metricsPort !== undefined)
        metricsListener = await startMetricsListener(registry, config.metricsPort, config.host);
      return await launchSubgraph<unknown>(definition, {
        config,
        logger,
        databaseUrl: config.databaseUrl ?? embedded!.url,
        poolMax: embedded ? 3 : config.dbPoolMax,
        secretKeys,
        revocations,
        host: config.host,
        port: config.subgraphs[name].port,
        metrics: { registry, onApiPort: config.metricsPort === undefined },
      });
    } catch (error) {
      await metricsListener?.close();
      await revocations.close();
      await embedded?.stop();
      throw error;
    }
  });
  // Events go to admin at ADMIN_URL, and to their consumers (MEMBER_URL...); a relay in every
  // replica, sharing the work.
  const relay = startOutboxRelay(definition, launched, {
    subgraphUrl: (to) => subgraphUrl(config, to),
    secretKeys,
    logger,
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void (relay?.stop() ?? Promise.resolve())
        .then(() => launched.close())
        .then(() => metricsListener?.close())
        .then(() => revocations.close())
        .then(() => embedded?.stop())
        .then(() => tracing.shutdown())
        .then(() => process.exit(0));
    });
  }
}
