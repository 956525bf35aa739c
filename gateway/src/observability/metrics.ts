import type { Logger } from '../../../lib/logging/logger.js';
import { graphqlMetrics, recordOperation, type OperationRecord } from '../../../lib/observability/graphql-metrics.js';
import { measureHttp, serveMetrics } from '../../../lib/observability/http-metrics.js';
import { Registry, serviceMetrics } from '../../../lib/observability/metrics.js';
import type { GatewayContext } from '../context.js';
import type { SubgraphFetch } from '../graphql/subgraph-data-source.js';
import { accessLog } from './access-log.js';
import { timedFetch } from './subgraph-fetch.js';

export { Registry } from '../../../lib/observability/metrics.js';
export { notePrincipal } from './access-log.js';

export interface GatewayMetricsOptions {
  /** The process's registry: in `npm start` the subgraphs record into it too. */
  readonly registry: Registry | undefined;
  readonly logger: Logger;
  /** Routes a request can be refused at before it reaches them (rate limits, bodies): REST and raw. */
  readonly routes: readonly { readonly path: string }[];
}

/**
 * The gateway's measurements: every request timed by route template and logged once (access-log.ts),
 * every GraphQL operation by name, every fetch from a subgraph, every rate-limit refusal.
 */
export function createMetrics(options: GatewayMetricsOptions) {
  const metrics = serviceMetrics(options.registry ?? new Registry(), 'gateway');
  // Requests refused before any route matched them (a 429, an oversized body) are still named by
  // their route: `/graphql` (first, as most requests are; no declared route shares its path) and
  // the declared routes' templates.
  const templates = ['/graphql', ...new Set(options.routes.map((route) => route.path))];
  return {
    registry: metrics.registry,
    httpMiddleware: measureHttp(metrics, { templates, onAnswered: accessLog(options.logger) }),
    graphqlPlugin: graphqlMetrics<GatewayContext>(metrics),
    /** An operation run without Apollo Server (execution/single-fetch.ts), as the plugin records one. */
    recordOperation: (record: OperationRecord) => recordOperation(metrics, record),
    /** Wraps a subgraph's fetch so that each request to it is timed. */
    measureSubgraph: (subgraph: string, fetch: SubgraphFetch) => timedFetch(metrics, subgraph, fetch),
    countRateLimitRefusal: (cls: string) =>
      metrics.families.rateLimitRefusals.inc({ service: metrics.service, class: cls }),
    /** GET /metrics: this process's registry (the subgraphs' too, in `npm start`). */
    serve: serveMetrics(metrics),
  };
}
