import type { GraphQLDataSource } from '@apollo/gateway';
import type { ServiceMetrics } from '../../../lib/observability/metrics.js';
import type { GatewayContext } from '../context.js';

/**
 * Times each of the gateway's requests to a subgraph (`membergraph_subgraph_fetch_duration_seconds`),
 * the whole exchange: an APQ miss and its retry with the document count as one fetch.
 */
export function timedDataSource(
  metrics: ServiceMetrics,
  subgraph: string,
  source: GraphQLDataSource<GatewayContext>,
): GraphQLDataSource<GatewayContext> {
  return {
    async process(options) {
      const began = performance.now();
      let outcome = 'failed';
      try {
        const response = await source.process(options);
        outcome = response.errors && response.errors.length > 0 ? 'errors' : 'ok';
        return response;
      } finally {
        metrics.families.subgraphFetchDuration.observe(
          { service: metrics.service, subgraph, outcome },
          (performance.now() - began) / 1000,
        );
      }
    },
  };
}
