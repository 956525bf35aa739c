import type { ApolloServer } from '@apollo/server';
import type { RequestListener } from 'node:http';
import express, { type Express } from 'express';
import { createRefreshTokenTags } from '../../lib/auth/refresh-token-tag.js';
import { anonymous } from '../../lib/auth/principal.js';
import type { SessionRevocations } from '../../lib/auth/revocation.js';
import type { AppConfig, SubgraphName } from '../../lib/config/env.js';
import { resolveSecretKeys } from '../../lib/crypto/secret-key.js';
import type { Logger } from '../../lib/logging/logger.js';
import { httpSpans } from '../../lib/observability/http-tracing.js';
import { createCallers } from './auth/callers.js';
import type { GatewayContext } from './context.js';
import { createExecuteAs } from './execution/in-process.js';
import type { SingleFetchOperations } from './execution/single-fetch.js';
import { assignRequestIds, gatewayContexts } from './execution/request-context.js';
import { startApollo, type ApolloOptions } from './graphql/apollo.js';
import { graphqlEndpoint, graphqlEndpointLimitBytes, plainGraphqlEndpoint } from './graphql/endpoint.js';
import { plainGraphqlPostsBeside } from './graphql/plain-post.js';
import { browserCors, createOriginRegistry } from './http/cors.js';
import { notFound } from './http/not-found.js';
import { unhandledError } from './http/unhandled-error.js';
import { etagsOnlyWhereRevalidatable } from './http/send-body.js';
import { closeConnectionsAnsweredEarly } from './http/unread-body.js';
import { createGatewayRateLimiter } from './limits/rate-limit.js';
import { createClientVerifier, createCredentialOwner } from './limits/rate-limit-credentials.js';
import { createMetrics, type Registry } from './observability/metrics.js';
import { platformRoutes } from './platform/routes.js';
import { buildOpenApiDocument } from './rest/openapi.js';
import { mountRawRoutes } from './rest/raw-route.js';
import type { RouteDefinition } from './rest/route.js';
import { clientErrorsByPath, createRestLayer, refuseByPath } from './rest/router.js';
import { legacyRoutes } from './rest/routes.js';
import { browserRoutes, declaredRoutes, rawRoutes, refusableRoutes } from './routes.js';

export interface GatewayOptions {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly supergraphSdl: string;
  /** Where each subgraph answers (overrides the URLs baked into the supergraph file). */
  readonly subgraphUrls: Readonly<Record<SubgraphName, string>>;
  /** Subgraphs in this process, called as functions for GraphQL rather than over HTTP. */
  readonly inProcessSubgraphs?: ApolloOptions['inProcessSubgraphs'];
  /** The REST layer's route table; the legacy contracts by default. */
  readonly routes?: readonly RouteDefinition[];
  /** Sessions that ended early: their access tokens are refused here. */
  readonly revocations: SessionRevocations;
  /** The process's metrics registry (in `npm start` the subgraphs record into it too). */
  readonly metricsRegistry?: Registry;
}

export interface Gateway {
  readonly app: Express;
  /** What the gateway's port serves: `app`, but plain GraphQL POSTs skip its router (plain-post.ts). */
  readonly listener: RequestListener;
  readonly apollo: ApolloServer<GatewayContext>;
  /** The REST layer's operations whose plan is one fetch, sent without Apollo (single-fetch.ts). */
  readonly singleFetches: SingleFetchOperations;
  stop(): Promise<void>;
}

/**
 * The public process: GraphQL (Apollo Gateway), the REST compatibility layer, the hosted pages, and
 * the platform's own endpoints. Every request passes the front door (tracing, metrics, request id,
 * CORS, rate limits), then the first of: platform routes, raw routes, REST routes, `/graphql`.
 */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, logger, subgraphUrls } = options;
  const restRoutes = options.routes ?? legacyRoutes;
  const metrics = createMetrics({ registry: options.metricsRegistry, logger, routes: refusableRoutes(restRoutes) });
  const { apollo, singleFetches } = await startApollo({
    config,
    logger,
    supergraphSdl: options.supergraphSdl,
    subgraphUrls,
    metrics,
    ...(options.inProcessSubgraphs ? { inProcessSubgraphs: options.inProcessSubgraphs } : {}),
  });
  const callers = createCallers({ config, logger, subgraphUrls, revocations: options.revocations });
  const contextFor = gatewayContexts(logger, callers.originOf);
  const executeAs = createExecuteAs(apollo, contextFor, singleFetches);

  // Keys budgets by the verified user or API client, else the address; failures fall back to it.
  const rateLimits = await createGatewayRateLimiter(config, logger, {
    // The same verification the route then reuses (auth/callers.ts oncePerRequest), not a second one.
    identify: async (req) => (await callers.asKeysOrBearer(req)).principal,
    clientAddress: (req) => callers.originOf(req).ipAddress,
    onRefusal: metrics.countRateLimitRefusal,
    // Token requests and refreshes: the application or session they prove (read of SECRET_KEY's tag
    // for refresh tokens, identity's check for client secrets), else the address.
    credentialOwner: createCredentialOwner({
      refreshTokens: createRefreshTokenTags(await resolveSecretKeys(config)),
      verifyClient: createClientVerifier({
        verifyUrl: new URL('/oauth-clients/verify', subgraphUrls.identity).toString(),
      }),
    }),
    routes: declaredRoutes(restRoutes),
    refuseHttp: refuseByPath,
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  const frontDoor = [
    // First, so that every span of the request (and every subgraph's) hangs under this one.
    httpSpans('gateway', [...restRoutes.map((route) => route.path), '/graphql']),
    // Any answer given before the request's body was read closes its connection (unread-body.ts).
    closeConnectionsAnsweredEarly,
    // Answers to anything but GET and HEAD carry no ETag: nothing can revalidate them.
    etagsOnlyWhereRevalidatable(app),
    metrics.httpMiddleware,
    assignRequestIds,
  ];
  for (const handler of frontDoor) app.use(handler);
  // Browser applications of registered origins: the token endpoints and the bearer-token routes.
  // Before the rate limits, so that preflights cost nothing and a 429 is readable too.
  app.use(
    browserCors(
      browserRoutes(restRoutes),
      createOriginRegistry({ url: new URL('/applications/origins', subgraphUrls.identity).toString(), logger }),
    ),
  );
  // Each route's declared budget; the `unlimited` ones (the platform's, the pictures) are not counted.
  app.use(rateLimits.http);

  let openApiDocument: unknown;
  mountRawRoutes(app, platformRoutes, {
    config,
    logger,
    subgraphUrls,
    serveMetrics: metrics.serve,
    openApiDocument: () => (openApiDocument ??= buildOpenApiDocument(restRoutes, rawRoutes, config.publicUrl)),
  });
  // The token endpoint, the pictures' public URLs and the hosted pages (the authorization endpoint).
  mountRawRoutes(app, rawRoutes, {
    config,
    logger,
    subgraphUrls,
    executeAs,
    authenticateToken: callers.authenticateToken,
  });
  app.use(
    createRestLayer({
      routes: restRoutes,
      logger,
      authenticators: {
        // `bearer` and `public` differ only in that the router insists on a token for `bearer`.
        bearer: callers.asBearer,
        public: callers.asBearer,
        member: callers.asMember,
        none: async () => ({ principal: anonymous }),
        'api-client': callers.asApiClient,
      },
      executeAs,
      multipartMaxBytes: config.profilePictureMaxBytes,
    }),
  );
  const endpointOptions = {
    apollo,
    profilePictureMaxBytes: config.profilePictureMaxBytes,
    rateLimit: rateLimits.graphql,
    caller: callers.asKeysOrBearer,
    contextFor,
  };
  app.use('/graphql', graphqlEndpoint(endpointOptions));

  const last = [
    // A path nothing above answers (the REST families answer their own): JSON, not Express's HTML page.
    notFound,
    // Raised before any route took the request (a picture URL's broken %-encoding): the client's, a 4xx.
    clientErrorsByPath(logger),
    unhandledError(logger),
  ];
  for (const handler of last) app.use(handler);

  return {
    app,
    listener: plainGraphqlPostsBeside(app, {
      // CORS serves only declared routes' paths, and `rateLimits.http` leaves `/graphql` to the
      // endpoint's own limit: of the front door, these take part in a `/graphql` request.
      before: frontDoor,
      endpoint: plainGraphqlEndpoint(endpointOptions),
      after: last,
      routes: declaredRoutes(restRoutes),
      limitBytes: graphqlEndpointLimitBytes(endpointOptions),
    }),
    apollo,
    singleFetches,
    async stop() {
      await apollo.stop();
      await rateLimits.close();
    },
  };
}
