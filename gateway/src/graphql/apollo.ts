// Before @apollo/gateway loads: it would require its telemetry SDK and parts this gateway never runs (see there).
import './defer-gateway-unused.js';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { disableVendorTelemetry, type AppConfig, type SubgraphName } from '../../../lib/config/env.js';
import { formatGraphQLError } from '../../../lib/errors/index.js';
import { logUnexpectedErrors } from '../../../lib/errors/log-plugin.js';
import type { Logger } from '../../../lib/logging/logger.js';
import { graphqlSpanNames } from '../../../lib/observability/http-tracing.js';
import type { GatewayContext } from '../context.js';
import { introspectionPolicy } from '../limits/introspection.js';
import { queryLimits } from '../limits/query-limits.js';
import type { createMetrics } from '../observability/metrics.js';
import { tracedFetch } from '../observability/subgraph-tracing.js';
import { SingleFetchOperations } from '../execution/single-fetch.js';
import { asDataSource, SubgraphDataSource, type SubgraphFetch } from './subgraph-data-source.js';
import { httpTransport, inProcessTransport, type SubgraphTransport } from './subgraph-transport.js';
import type { InProcessGraphql } from '../../../lib/subgraph-runtime/in-process-call.js';

export interface ApolloOptions {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly supergraphSdl: string;
  /** Where each subgraph answers (overrides the URLs baked into the supergraph file). */
  readonly subgraphUrls: Readonly<Record<SubgraphName, string>>;
  /** Subgraphs in this process, called as functions rather than over HTTP (`npm start`). */
  readonly inProcessSubgraphs?: Readonly<Partial<Record<SubgraphName, InProcessGraphql>>>;
  readonly metrics: Pick<ReturnType<typeof createMetrics>, 'graphqlPlugin' | 'measureSubgraph' | 'recordOperation'>;
}

/** The federated graph, and the operations run in-process that skip it (single-fetch.ts). */
export interface FederatedGraph {
  readonly apollo: ApolloServer<GatewayContext>;
  readonly singleFetches: SingleFetchOperations;
}

/**
 * The gateway as Apollo Server sees it, its executor answering single-fetch operations itself once
 * their plan is known (single-fetch.ts).
 */
function withSingleFetches(gateway: ApolloGateway, singleFetches: SingleFetchOperations) {
  return {
    onSchemaLoadOrUpdate: (callback: Parameters<ApolloGateway['onSchemaLoadOrUpdate']>[0]) =>
      gateway.onSchemaLoadOrUpdate((schemaContext) => {
        singleFetches.forget();
        callback(schemaContext);
      }),
    async load(options: Parameters<ApolloGateway['load']>[0]) {
      const loaded = await gateway.load(options);
      return { ...loaded, executor: singleFetches.executor(loaded.executor) };
    },
    stop: () => gateway.stop(),
  };
}

/**
 * The federated graph: Apollo Gateway over the supergraph, each subgraph fetch timed and traced,
 * with the query limits, the introspection policy and error formatting of the public endpoint.
 * Started before it is returned; `/graphql` and in-process execution share it.
 */
export async function startApollo(options: ApolloOptions): Promise<FederatedGraph> {
  const { config, logger, metrics } = options;
  disableVendorTelemetry();
  const transports: SubgraphTransport[] = [];
  const fetches = new Map<string, SubgraphFetch>();
  const singleFetches = new SingleFetchOperations({ fetches, recordOperation: metrics.recordOperation });
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name }) => {
      const url = options.subgraphUrls[name as SubgraphName];
      const inProcess = options.inProcessSubgraphs?.[name as SubgraphName];
      // Enough warm sockets per subgraph for the gateway's concurrency; more requests queue for one.
      const transport = inProcess ? inProcessTransport(inProcess) : httpTransport(url, { connections: 64 });
      transports.push(transport);
      // Hash-first requests keep big documents off the wire after the first time (no wire in process).
      const source = new SubgraphDataSource(transport, { url, apq: !inProcess });
      const fetch = tracedFetch(name, metrics.measureSubgraph(name, source.fetch));
      fetches.set(name, fetch);
      return asDataSource(fetch);
    },
    experimental_didResolveQueryPlan: singleFetches.observe,
    logger,
  });

  const protection = queryLimits(config);
  const apollo = new ApolloServer<GatewayContext>({
    gateway: withSingleFetches(gateway, singleFetches),
    // Introspection itself is allowed; the policy plugin decides who may use it.
    introspection: true,
    csrfPrevention: true,
    // Our entry points own shutdown order (gateway, then subgraphs, then the database).
    stopOnTerminationSignals: false,
    formatError: formatGraphQLError,
    logger,
    ...protection,
    includeStacktraceInErrorResponses: false,
    plugins: [
      ...protection.plugins,
      ApolloServerPluginInlineTraceDisabled(),
      // No subgraph sends cache hints (their plugin is off too): nothing to merge into a policy.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false, footer: false }),
      introspectionPolicy(config.isProduction),
      metrics.graphqlPlugin,
      graphqlSpanNames<GatewayContext>(),
      logUnexpectedErrors<GatewayContext>((context) => context.logger ?? logger),
      {
        async serverWillStart() {
          return {
            serverWillStop: async () => {
              await Promise.all(transports.map((transport) => transport.close()));
            },
          };
        },
      },
    ],
  } as ConstructorParameters<typeof ApolloServer<GatewayContext>>[0]);
  await apollo.start();
  return { apollo, singleFetches };
}
