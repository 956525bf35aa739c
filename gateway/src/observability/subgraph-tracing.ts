import { inSpan, SpanKind, tracerFor, tracingEnabled } from '../../../lib/observability/tracing.js';
import type { SubgraphFetch } from '../graphql/subgraph-data-source.js';

/**
 * A CLIENT span per request to a subgraph (`fetch member`), child of the operation's span; the data
 * source sends it on as `traceparent` (server.ts). While tracing is off the fetch is returned as is.
 */
export function tracedFetch(subgraph: string, fetch: SubgraphFetch): SubgraphFetch {
  if (!tracingEnabled()) return fetch;
  const tracer = tracerFor('gateway');
  return (request, context) =>
    inSpan(
      tracer,
      `fetch ${subgraph}`,
      { kind: SpanKind.CLIENT, attributes: { 'graphql.subgraph.name': subgraph } },
      () => fetch(request, context),
    );
}
