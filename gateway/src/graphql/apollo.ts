import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { disableVendorTelemetry, type AppConfig, type SubgraphName } from '../../../lib/config/env.js';
import { formatGraphQLError } from '../../../lib/errors/index.js';
import { logUnexpectedErrors } from '../../../lib/errors/log-plugin.js';
import { CLIENT_IP_HEADER, UI_LOCALES_HEADER } from '../../../lib/http/origin.js';
import { REQUEST_ID_HEADER } from '../../../lib/http/request-id.js';
import type { Logger } from '../../../lib/logging/logger.js';
import { graphqlSpanNames } from '../../../lib/observability/http-tracing.js';
import { injectTraceContext } from '../../../lib/observability/tracing.js';
import type { GatewayContext } from '../context.js';
import { introspectionPolicy } from '../limits/introspection.js';
import { queryLimits } from '../limits/query-limits.js';
import type { createMetrics } from '../observability/metrics.js';
import { tracedDataSource } from '../observability/subgraph-tracing.js';
import { createSubgraphFetcher, inProcessFetcher } from './subgraph-fetcher.js';
import type { InProcessGraphql } from '../../../lib/subgraph-runtime/in-process-call.js';

export interface ApolloOptions {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly supergraphSdl: string;
  /** Where each subgraph answers (overrides the URLs baked into the supergraph file). */
  readonly subgraphUrls: Readonly<Record<SubgraphName, string>>;
  /** Subgraphs in this process, called as functions rather than over HTTP (`npm start`). */
  readonly inProcessSubgraphs?: Readonly<Partial<Record<SubgraphName, InProcessGraphql>>>;
  readonly metrics: Pick<ReturnType<typeof createMetrics>, 'graphqlPlugin' | 'measureSubgraph'>;
}

/** Forwards the caller's credential and the request id; subgraphs verify the credential themselves. */
class ForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>) {
    // Health checks and schema loading run without a request context.
    const caller = context as Partial<GatewayContext>;
    if (caller.requestId) request.http?.headers.set(REQUEST_ID_HEADER, caller.requestId);
    if (caller.authorization) request.http?.headers.set('authorization', caller.authorization);
    if (caller.origin?.ipAddress) request.http?.headers.set(CLIENT_IP_HEADER, caller.origin.ipAddress);
    if (caller.origin?.userAgent) request.http?.headers.set('user-agent', caller.origin.userAgent);
    // The reader's language, for mails and texts a subgraph sends while serving this request (lib/i18n).
    if (caller.origin?.uiLocales) request.http?.headers.set(UI_LOCALES_HEADER, caller.origin.uiLocales);
    if (caller.origin?.acceptLanguage) request.http?.headers.set('accept-language', caller.origin.acceptLanguage);
    // W3C traceparent of the active fetch span (none while tracing is off).
    injectTraceContext(request.http?.headers);
  }
}

/**
 * The federated graph: Apollo Gateway over the supergraph, each subgraph fetch timed and traced,
 * with the query limits, the introspection policy and error formatting of the public endpoint.
 * Started before it is returned; `/graphql` and in-process execution share it.
 */
export async function startApollo(options: ApolloOptions): Promise<ApolloServer<GatewayContext>> {
  const { config, logger, metrics } = options;
  disableVendorTelemetry();
  // Enough warm sockets per subgraph for the gateway's concurrency; more requests queue for one.
  const subgraphConnections = createSubgraphFetcher({ connectionsPerSubgraph: 64 });
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name }) => {
      const inProcess = options.inProcessSubgraphs?.[name as SubgraphName];
      return tracedDataSource(
        name,
        metrics.measureSubgraph(
          name,
          new ForwardingDataSource({
            url: options.subgraphUrls[name as SubgraphName],
            fetcher: inProcess ? inProcessFetcher(inProcess) : subgraphConnections.fetcher,
            // Hash-first requests keep big documents off the wire after the first time (no wire in process).
            apq: !inProcess,
          }),
        ),
      );
    },
    logger,
  });

  const protection = queryLimits(config);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
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
          return { serverWillStop: () => subgraphConnections.close() };
        },
      },
    ],
  } as ConstructorParameters<typeof ApolloServer<GatewayContext>>[0]);
  await apollo.start();
  return apollo;
}
