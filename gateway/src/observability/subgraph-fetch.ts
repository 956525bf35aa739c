import type { ServiceMetrics } from '../../../lib/observability/metrics.js';
import type { SubgraphFetch } from '../graphql/subgraph-data-source.js';

/**
 * Times each of the gateway's requests to a subgraph (`membergraph_subgraph_fetch_duration_seconds`),
 * the whole exchange: an APQ miss and its retry with the document count as one fetch.
 */
export function timedFetch(metrics: ServiceMetrics, subgraph: string, fetch: SubgraphFetch): SubgraphFetch {
  return async (request, context) => {
    const began = performance.now();
    let outcome = 'failed';
    try {
      const response = await fetch(request, context);
      outcome = response.errors && response.errors.length > 0 ? 'errors' : 'ok';
      return response;
    } finally {
      metrics.families.subgraphFetchDuration.observe(
        { service: metrics.service, subgraph, outcome },
        (performance.now() - began) / 1000,
      );
    }
  };
}
