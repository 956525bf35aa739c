import { context, propagation, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TracingConfig } from '../config/env.js';

/**
 * The OpenTelemetry SDK and OTLP exporters, imported by tracing.ts only when tracing is on: they are
 * hundreds of modules (the exporters bring the metrics SDK), loaded for nothing at every start otherwise.
 */

/** Registers the process's one context manager and W3C propagator. */
export function registerContext(): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

/** A provider exporting `component`'s spans as `membergraph-<component>`. */
export function createProvider(config: TracingConfig, component: string): TracerProvider {
  const { endpoint, protocol, headers } = config;
  const exporterConfig = { url: endpoint, headers: { ...headers } };
  const exporter = protocol === 'http/json' ? new JsonExporter(exporterConfig) : new ProtobufExporter(exporterConfig);
  return new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: `membergraph-${component}` }),
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  });
}

export type { TracerProvider, Tracer };
