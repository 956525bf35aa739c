import type { GraphQLDataSource } from '@apollo/gateway';
import { inSpan, SpanKind, tracerFor, tracingEnabled } from '../../../lib/observability/tracing.js';
import type { GatewayContext } from '../context.js';

/**
 * A CLIENT span per request to a subgraph (`fetch member`), child of the operation's span; the data
 * source sends it on as `traceparent` (server.ts). While tracing is off the source is returned as is.
 */
export function tracedDataSource(
  subgraph: string,
  source: GraphQLDataSource<GatewayContext>,
): GraphQLDataSource<GatewayContext> {
  if (!tracingEnabled()) return source;
  const tracer = tracerFor('gateway');
  return {
    process: (options) =>
      inSpan(
        tracer,
        `fetch ${subgraph}`,
        { kind: SpanKind.CLIENT, attributes: { 'graphql.subgraph.name': subgraph } },
        () => source.process(options),
      ),
  };
}
