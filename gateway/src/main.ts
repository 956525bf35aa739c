import 'reflect-metadata';
import { createSharedRevocations, PollingRevocations } from '../../lib/auth/revocation.js';
import { loadConfigOrExit, startOrExit, subgraphNames, subgraphUrl, type SubgraphName } from '../../lib/config/env.js';
import { guardAgainstUncaughtErrors } from '../../lib/errors/uncaught.js';
import { listen } from '../../lib/http/listen.js';
import { createLogger } from '../../lib/logging/logger.js';
import { Registry } from '../../lib/observability/metrics.js';
import { startMetricsListener } from '../../lib/observability/metrics-listener.js';
import { startTracing } from '../../lib/observability/tracing.js';
import { createGateway } from './server.js';
import { readSupergraph } from './supergraph-file.js';

/** The gateway alone (production): subgraphs are reached at IDENTITY_URL, MEMBER_URL, ... */
const config = loadConfigOrExit();
const logger = createLogger(config, 'gateway');
guardAgainstUncaughtErrors(logger);
// Spans as `membergraph-gateway` when OTEL_EXPORTER_OTLP_ENDPOINT is set.
const tracing = await startTracing(config.tracing);
const subgraphUrls = Object.fromEntries(subgraphNames.map((name) => [name, subgraphUrl(config, name)])) as Record<
  SubgraphName,
  string
>;
// Redis makes a logout effective at once on every replica; without it, and while it is away,
// identity's feed within its interval.
const revocationFeed = new URL('/sessions/revocations', subgraphUrls.identity).toString();
const revocations = config.redisUrl
  ? createSharedRevocations(config.redisUrl, logger, { url: revocationFeed })
  : new PollingRevocations(revocationFeed, logger);
// /metrics on the gateway's port, or with METRICS_PORT on a listener of its own.
const metricsRegistry = new Registry();
const gateway = await createGateway({
  config,
  logger,
  supergraphSdl: await readSupergraph(),
  subgraphUrls,
  revocations,
  metricsRegistry,
});
// A port in use stops the process with one line naming its variable (PORT, METRICS_PORT).
const http = await startOrExit(() =>
  listen(gateway.listener, config.port, config.host, { component: 'the gateway', variable: 'PORT' }),
);
const { metricsPort } = config;
const metrics =
  metricsPort === undefined
    ? undefined
    : await startOrExit(() => startMetricsListener(metricsRegistry, metricsPort, config.host));
logger.info({ port: http.port, metricsPort: metrics?.port }, 'gateway listening');
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void http
      .close()
      .then(() => metrics?.close())
      .then(() => gateway.stop())
      .then(() => tracing.shutdown())
      .then(() => process.exit(0));
  });
}
