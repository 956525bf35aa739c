import { describe, expect, it } from 'vitest';
import { inFreshProcess } from '../../../test/support/fresh-process.js';

/**
 * In a process of its own, so that nothing else has loaded @apollo/gateway or OpenTelemetry before:
 * the gateway loads without its telemetry SDK, and a deferred package still works when used.
 */
const probe = `
import { createRequire } from 'node:module';
const { deferredTelemetryPackages } = await import('./gateway/src/graphql/defer-gateway-telemetry.ts');
const { ApolloGateway } = await import('@apollo/gateway');
const fromGateway = createRequire(createRequire(import.meta.url).resolve('@apollo/gateway'));
const sdkFiles = () =>
  Object.keys(fromGateway.cache).filter((file) => /node_modules[\\\\/]@opentelemetry[\\\\/](sdk-metrics|exporter-metrics-otlp-http|resource-detector-)/.test(file)).length;
const before = sdkFiles();
const meterProvider = typeof fromGateway('@opentelemetry/sdk-metrics').MeterProvider;
console.log(JSON.stringify({ deferredTelemetryPackages, gateway: typeof ApolloGateway, before, meterProvider, after: sdkFiles() }));
`;

describe('the gateway’s telemetry SDK', () => {
  it('is not loaded with @apollo/gateway, and loads when something uses it', async () => {
    const seen = await inFreshProcess(probe);
    expect(seen['deferredTelemetryPackages']).toEqual([
      '@opentelemetry/sdk-metrics',
      '@opentelemetry/exporter-metrics-otlp-http',
      '@opentelemetry/resources',
      '@opentelemetry/resource-detector-alibaba-cloud',
      '@opentelemetry/resource-detector-aws',
      '@opentelemetry/resource-detector-gcp',
      '@opentelemetry/resource-detector-azure',
    ]);
    expect(seen['gateway']).toBe('function');
    // The six stand-ins the pattern matches, and none of those packages' own files.
    expect(seen['before']).toBe(6);
    expect(seen['meterProvider']).toBe('function');
    expect(seen['after']).toBeGreaterThan(100);
  }, 60_000);
});
