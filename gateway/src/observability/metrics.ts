import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics for the gateway, one registry per gateway instance. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'membergraph_http_request_duration_seconds',
    help: 'HTTP request duration by route family, method and status',
    labelNames: ['family', 'method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const operations = new Counter({
    name: 'membergraph_graphql_operations_total',
    help: 'GraphQL operations by type and outcome',
    labelNames: ['operation_type', 'outcome'] as const,
    registers: [registry],
  });

  const familyOf = (path: string) =>
    path.startsWith('/graphql')
      ? 'graphql'
      : path.startsWith('/internal/')
        ? 'internal'
        : path.startsWith('/api/v1/')
          ? 'api'
          : 'other';

  const httpMiddleware: RequestHandler = (req, res, next) => {
    const end = httpDuration.startTimer({ family: familyOf(req.path), method: req.method });
    res.on('finish', () => end({ status: String(res.statusCode) }));
    next();
  };

  const graphqlPlugin: ApolloServerPlugin = {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, errors }) {
          operations.inc({
            operation_type: operation?.operation ?? 'unknown',
            outcome: errors && errors.length > 0 ? 'error' : 'ok',
          });
        },
      };
    },
  };

  return { registry, httpMiddleware, graphqlPlugin };
}
