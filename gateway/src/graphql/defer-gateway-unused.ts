import { deferPackages } from '../../../lib/loading/defer-packages.js';

/**
 * @apollo/gateway requires the SDK of its usage telemetry as it loads
 * (dist/utilities/opentelemetry.js): OpenTelemetry's metrics SDK, its OTLP exporter, its resources
 * and four cloud resource detectors. That is some 700 modules and, on Node 20, about a second of
 * `npm start` (issue #15, goal 6). The telemetry is turned off (APOLLO_TELEMETRY_DISABLED,
 * lib/config/env.ts disableVendorTelemetry), so only the code that creates its exporter would use
 * them, and it never runs; should it, each package loads at its first use (deferPackages). Import
 * this module before '@apollo/gateway'.
 */
const TELEMETRY_SDK = [
  '@opentelemetry/sdk-metrics',
  '@opentelemetry/exporter-metrics-otlp-http',
  '@opentelemetry/resources',
  '@opentelemetry/resource-detector-alibaba-cloud',
  '@opentelemetry/resource-detector-aws',
  '@opentelemetry/resource-detector-gcp',
  '@opentelemetry/resource-detector-azure',
] as const;

/** The packages deferred in this process (tests, diagnostics). */
export const deferredTelemetryPackages: string[] = deferPackages('@apollo/gateway', TELEMETRY_SDK);

/**
 * Two parts of @apollo/gateway this gateway never runs, which it requires as it loads, with some
 * 180 modules between them: its supergraph managers (Uplink polling, introspection, local
 * composition; with make-fetch-happen, its HTTP cache and proxy agents, and @apollo/composition)
 * and its default data source. The supergraph is the checked-in file, read once (server.ts), and
 * each subgraph is called through SubgraphDataSource (subgraph-data-source.ts). @apollo/gateway
 * reaches both through properties at the point of use, so they load only if something uses them:
 * under `npm start`'s CommonJS build. An ES module importing @apollo/gateway (dist/, the tests) reads
 * every name it re-exports as it links, which loads them as before.
 */
const UNUSED_PARTS = ['./supergraphManagers/index.js', './datasources/RemoteGraphQLDataSource.js'] as const;

/** The parts deferred in this process (tests, diagnostics). */
export const deferredGatewayParts: string[] = deferPackages('@apollo/gateway', UNUSED_PARTS);
