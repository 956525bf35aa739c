import { describe, expect, it } from 'vitest';
import { inFreshProcess, loadedFilesOf } from '../../../test/support/fresh-process.js';

// Each case in a process of its own, so that nothing else has loaded @apollo/gateway before.

describe('the gateway’s telemetry SDK', () => {
  it('is not loaded with @apollo/gateway, and loads when something uses it', async () => {
    const seen = await inFreshProcess(`
      import { createRequire } from 'node:module';
      const { deferredTelemetryPackages } = await import('./gateway/src/graphql/defer-gateway-unused.ts');
      const { ApolloGateway } = await import('@apollo/gateway');
      const fromGateway = createRequire(createRequire(import.meta.url).resolve('@apollo/gateway'));
      ${loadedFilesOf('@opentelemetry[\\\\/](sdk-metrics|exporter-metrics-otlp-http|resource-detector-[a-z-]+)')}
      const before = files();
      const meterProvider = typeof fromGateway('@opentelemetry/sdk-metrics').MeterProvider;
      console.log(JSON.stringify({ deferredTelemetryPackages, gateway: typeof ApolloGateway, before, meterProvider, after: files() }));
    `);
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

describe('the supergraph managers and default data source of @apollo/gateway', () => {
  it('are not loaded by a gateway on the checked-in supergraph, and load when something uses them', async () => {
    const seen = await inFreshProcess(`
      import { readFileSync } from 'node:fs';
      import { createRequire } from 'node:module';
      const { deferredGatewayParts } = await import('./gateway/src/graphql/defer-gateway-unused.ts');
      // As npm start's CommonJS build requires it: an ES module's import would read every name
      // @apollo/gateway re-exports, the deferred parts' included, as it links.
      const apolloGateway = createRequire(import.meta.url)('@apollo/gateway');
      ${loadedFilesOf('(make-fetch-happen|cacache|@apollo[\\\\/]composition)')}
      const gateway = new apolloGateway.ApolloGateway({
        supergraphSdl: readFileSync('schema/supergraph.graphql', 'utf8'),
        buildService: () => ({ process: async () => ({ data: { __typename: 'Query' } }) }),
      });
      const { executor } = await gateway.load();
      await gateway.stop();
      const before = files();
      const kinds = [typeof apolloGateway.RemoteGraphQLDataSource, typeof apolloGateway.LocalCompose];
      const source = new apolloGateway.RemoteGraphQLDataSource({ url: 'http://127.0.0.1:9/graphql' });
      console.log(JSON.stringify({ deferredGatewayParts, executor: typeof executor, before, kinds, fetcher: typeof source.fetcher, after: files() }));
    `);
    expect(seen['deferredGatewayParts']).toEqual([
      './supergraphManagers/index.js',
      './datasources/RemoteGraphQLDataSource.js',
    ]);
    expect(seen['executor']).toBe('function');
    expect(seen['before']).toBe(0);
    // Used, they are the real ones: the data source's default fetcher is make-fetch-happen's.
    expect(seen['kinds']).toEqual(['function', 'function']);
    expect(seen['fetcher']).toBe('function');
    expect(seen['after']).toBeGreaterThan(20);
  }, 60_000);
});
