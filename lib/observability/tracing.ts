import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { TracingConfig } from '../config/env.js';
import type * as TracingSdk from './tracing-sdk.js';

/**
 * Traces (OpenTelemetry). Off unless OTLP export is configured: then no provider, context manager or
 * propagator is registered, every tracer is the API's no-op one and the helpers below add nothing.
 *
 * One TracerProvider per component (gateway, identity, ...), each with its own `service.name`
 * (`membergraph-<component>`), so `npm start` reports five services like the standalone processes do.
 * They share the process's one context manager and W3C propagator. The SDK (tracing-sdk.ts) is
 * imported only when tracing is on.
 */

interface ActiveTracing {
  readonly config: TracingConfig;
  readonly sdk: typeof TracingSdk;
  readonly providers: Map<string, TracingSdk.TracerProvider>;
  users: number;
}

let active: ActiveTracing | undefined;

export interface TracingHandle {
  /** Exports what is buffered and, when the last user stops, unregisters everything. */
  shutdown(): Promise<void>;
}

/** Registers tracing for this process when `config` is set; a no-op handle otherwise. */
export async function startTracing(config: TracingConfig | undefined): Promise<TracingHandle> {
  if (!config) return { shutdown: async () => undefined };
  if (!active) {
    const sdk = await import('./tracing-sdk.js');
    // Another start may have registered while the SDK loaded.
    if (!active) {
      sdk.registerContext();
      active = { config, sdk, providers: new Map(), users: 0 };
    }
  }
  const tracing = active;
  tracing.users += 1;
  let stopped = false;
  return {
    async shutdown() {
      if (stopped) return;
      stopped = true;
      tracing.users -= 1;
      if (tracing.users > 0) {
        await Promise.all([...tracing.providers.values()].map((p) => p.forceFlush()));
        return;
      }
      if (active === tracing) active = undefined;
      await Promise.all([...tracing.providers.values()].map((p) => p.shutdown()));
      context.disable();
      propagation.disable();
    },
  };
}

export function tracingEnabled(): boolean {
  return active !== undefined;
}

/** The tracer of one component (`gateway`, `identity`, ...): the no-op tracer while tracing is off. */
export function tracerFor(component: string): Tracer {
  if (!active) return trace.getTracer('membergraph');
  let provider = active.providers.get(component);
  if (!provider) {
    provider = active.sdk.createProvider(active.config, component);
    active.providers.set(component, provider);
  }
  return provider.getTracer('membergraph');
}

/** Writes `traceparent` (and `tracestate`) of the active span into outgoing headers; nothing while off. */
export function injectTraceContext(headers: { set(name: string, value: string): unknown } | undefined): void {
  if (headers)
    propagation.inject(context.active(), headers, {
      set: (carrier, key, value) => {
        carrier.set(key, value);
      },
    });
}

/** The same, into a plain header object (fetch). */
export function traceHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return headers;
}

/** Runs `work` in a new active span, ended when it settles; an exception marks the span failed. */
export async function inSpan<T>(
  tracer: Tracer,
  name: string,
  options: { kind?: SpanKind; attributes?: Record<string, string | number | boolean>; startTime?: number },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, options, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

export function failed(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

export { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace, type Context, type Span, type Tracer };
