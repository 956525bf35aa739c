import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { RequestHandler, Response } from 'express';
import { routeNamer } from './http-metrics.js';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  tracerFor,
  tracingEnabled,
} from './tracing.js';
import type { Context, Span } from './tracing.js';

const pass: RequestHandler = (_req, _res, next) => next();

/** The context of each request's HTTP span: body parsers need not carry async context for us. */
const requestContexts = new WeakMap<Response, Context>();
/** Spans opened for a GraphQL operation, which the plugin below may rename. */
const operationSpans = new WeakSet<Span>();

/**
 * A SERVER span per HTTP request (`POST /graphql`), child of the caller's `traceparent`, named by
 * route template once answered (span names stay bounded like metric labels).
 */
export function httpSpans(component: string, templates: readonly string[] = []): RequestHandler {
  if (!tracingEnabled()) return pass;
  const tracer = tracerFor(component);
  const routeOf = routeNamer(templates);
  return (req, res, next) => {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan(
      `${req.method}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } },
      parent,
    );
    res.once('close', () => {
      const route = routeOf(req);
      span.updateName(`${req.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    const active = trace.setSpan(parent, span);
    requestContexts.set(res, active);
    context.with(active, next);
  };
}

/**
 * Mounted just before the GraphQL handler: a span for the operation, child of the request's HTTP
 * span, active while the operation runs (subgraph fetches, SQL). `graphqlSpanNames` names it.
 */
export function graphqlOperationSpans(component: string): RequestHandler {
  if (!tracingEnabled()) return pass;
  const tracer = tracerFor(component);
  return (_req, res, next) => {
    const parent = requestContexts.get(res) ?? context.active();
    const span = tracer.startSpan('graphql operation', {}, parent);
    operationSpans.add(span);
    res.once('close', () => span.end());
    context.with(trace.setSpan(parent, span), next);
  };
}

/**
 * The operation span of a subgraph called in the same process (no HTTP request, so no SERVER span):
 * child of the caller's active span (the gateway's subgraph fetch), active while `run` runs.
 */
export async function inOperationSpan<T>(component: string, run: () => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return run();
  const parent = context.active();
  const span = tracerFor(component).startSpan('graphql operation', {}, parent);
  operationSpans.add(span);
  try {
    return await context.with(trace.setSpan(parent, span), run);
  } finally {
    span.end();
  }
}

/** Names the active operation span as OpenTelemetry's GraphQL conventions do: `query Viewer`. */
export function graphqlSpanNames<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const span = trace.getActiveSpan();
      if (!span || !operationSpans.has(span)) return;
      return {
        async didResolveOperation({ operation, operationName }) {
          if (!operation) return;
          span.updateName(`${operation.operation} ${operationName ?? 'anonymous'}`);
          span.setAttributes({
            'graphql.operation.type': operation.operation,
            ...(operationName ? { 'graphql.operation.name': operationName } : {}),
          });
        },
        async didEncounterErrors() {
          span.setStatus({ code: SpanStatusCode.ERROR });
        },
      };
    },
  };
}
