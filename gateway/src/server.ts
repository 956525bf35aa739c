import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express, type Request } from 'express';
import { print } from 'graphql';
import { createAccessTokenVerifier } from '../../lib/auth/access-token.js';
import { createRefreshTokenTags } from '../../lib/auth/refresh-token-tag.js';
import { anonymous } from '../../lib/auth/principal.js';
import type { SessionRevocations } from '../../lib/auth/revocation.js';
import { disableVendorTelemetry, type AppConfig, type SubgraphName } from '../../lib/config/env.js';
import { resolveSecretKey } from '../../lib/crypto/secret-key.js';
import { AppError, formatGraphQLError } from '../../lib/errors/index.js';
import { logUnexpectedErrors } from '../../lib/errors/log-plugin.js';
import type { Logger } from '../../lib/logging/logger.js';
import { addressMatcher } from '../../lib/http/address-match.js';
import { CLIENT_IP_HEADER, originAtGateway } from '../../lib/http/origin.js';
import { REQUEST_ID_HEADER, requestIdFrom } from '../../lib/http/request-id.js';
import { runInRequestScope } from '../../lib/http/request-scope.js';
import { graphqlBodyLimitBytes } from '../../lib/subgraph-runtime/subgraph-server.js';
import { createApiClientAuthenticator } from './auth/api-clients.js';
import { authenticate } from './auth/authenticate.js';
import { createMemberAuthenticator } from './auth/development-fallback.js';
import type { GatewayContext } from './context.js';
import { serveMetadata, TOKEN_ENDPOINT_PATH } from './discovery/metadata.js';
import { graphqlClientErrors } from './http/client-errors.js';
import { browserCors, createOriginRegistry } from './http/cors.js';
import { NO_STORE_HEADERS } from './http/no-store.js';
import { jsonBody } from './http/json-body.js';
import { refuseBodiesOver } from './http/body-limit.js';
import { closeConnectionsAnsweredEarly } from './http/unread-body.js';
import { introspectionPolicy } from './limits/introspection.js';
import { queryLimits } from './limits/query-limits.js';
import { createGatewayRateLimiter } from './limits/rate-limit.js';
import { createClientVerifier, createCredentialOwner } from './limits/rate-limit-credentials.js';
import { createMetrics, notePrincipal, type Registry } from './observability/metrics.js';
import { readiness } from './observability/readiness.js';
import { tracedDataSource } from './observability/subgraph-tracing.js';
import { graphqlOperationSpans, graphqlSpanNames, httpSpans } from '../../lib/observability/http-tracing.js';
import { injectTraceContext } from '../../lib/observability/tracing.js';
import { notFound } from './http/not-found.js';
import { mountProfilePictures } from './rest/oauth/profile-picture-http.js';
import { mountTokenEndpoint } from './rest/oauth/token-endpoint.js';
import { createAuthorizePages } from './pages/authorize-pages.js';
import { buildOpenApiDocument } from './rest/openapi.js';
import type { RouteDefinition } from './rest/route.js';
import {
  browserPaths,
  clientErrorsByPath,
  createRestLayer,
  type Authenticated,
  type RestLayerOptions,
} from './rest/router.js';
import { legacyRoutes } from './rest/routes.js';

export interface GatewayOptions {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly supergraphSdl: string;
  /** Where each subgraph answers (overrides the URLs baked into the supergraph file). */
  readonly subgraphUrls: Readonly<Record<SubgraphName, string>>;
  /** The REST layer's route table; the legacy contracts by default. */
  readonly routes?: readonly RouteDefinition[];
  /** Sessions that ended early: their access tokens are refused here. */
  readonly revocations: SessionRevocations;
  /** The process's metrics registry (in `npm start` the subgraphs record into it too). */
  readonly metricsRegistry?: Registry;
}

export interface Gateway {
  readonly app: Express;
  readonly apollo: ApolloServer<GatewayContext>;
  stop(): Promise<void>;
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
    // W3C traceparent of the active fetch span (none while tracing is off).
    injectTraceContext(request.http?.headers);
  }
}

/**
 * A request's credential is verified once, whoever asks first (the rate limiter, then the route);
 * a refusal is remembered too, so the route answers it.
 */
function oncePerRequest<T extends Authenticated>(work: (req: Request) => Promise<T>): (req: Request) => Promise<T> {
  const done = new WeakMap<Request, Promise<T>>();
  return (req) => {
    let result = done.get(req);
    if (!result) {
      result = work(req);
      // Who it is goes in the request's log line. Whoever awaits it handles a refusal; this only
      // keeps an unawaited one from being unhandled.
      result.then(
        (caller) => notePrincipal(req, caller.principal),
        () => undefined,
      );
      done.set(req, result);
    }
    return result;
  };
}

function subgraphBaseUrl(graphqlUrl: string): string {
  return new URL('/', graphqlUrl).toString().replace(/\/$/, '');
}

/** The public process: GraphQL (Apollo Gateway), REST compatibility layer, health, metrics, JWKS. */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, logger } = options;
  const metrics = createMetrics({ registry: options.metricsRegistry, logger, routes: options.routes ?? legacyRoutes });
  const trustedProxy = addressMatcher(config.trustedProxies);
  const verifier = createAccessTokenVerifier({
    issuer: config.publicUrl,
    jwks: new URL('/.well-known/jwks.json', options.subgraphUrls.identity),
  });

  disableVendorTelemetry();
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name }) =>
      tracedDataSource(
        name,
        metrics.measureSubgraph(
          name,
          new ForwardingDataSource({
            url: options.subgraphUrls[name as SubgraphName],
            // Hash-first requests keep big documents off the wire after the first time.
            apq: true,
          }),
        ),
      ),
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
      ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false, footer: false }),
      introspectionPolicy(config.isProduction),
      metrics.graphqlPlugin,
      graphqlSpanNames<GatewayContext>(),
      logUnexpectedErrors<GatewayContext>((context) => context.logger ?? logger),
    ],
  } as ConstructorParameters<typeof ApolloServer<GatewayContext>>[0]);
  await apollo.start();

  /** The request id chosen once per request by the middleware below; reused everywhere after. */
  const requestIdOf = (res: express.Response) => String(res.locals['requestId']);
  const originOf = (req: Request) => originAtGateway(req.socket.remoteAddress, req.headers, trustedProxy);
  const contextFor = (req: Request, res: express.Response, caller: Authenticated): GatewayContext => {
    const requestId = requestIdOf(res);
    notePrincipal(req, caller.principal);
    return {
      principal: caller.principal,
      requestId,
      // Only a credential the gateway accepted goes on (a `none` route ignores the header).
      authorization: caller.forward,
      origin: originOf(req),
      logger: logger.child({ requestId }),
    };
  };
  const authenticateClient = createApiClientAuthenticator({
    verifyUrl: new URL('/api-clients/verify', options.subgraphUrls.identity).toString(),
  });
  /** `X-Client-Key` + `X-API-Key` (seed 000); a bearer token is not accepted in their place. */
  const asApiClient = oncePerRequest((req): Promise<Authenticated> =>
    authenticateClient({ headers: req.headers, clientAddress: originOf(req).ipAddress }),
  );
  /** A user's bearer token; an invalid one is refused (RFC 6750), never downgraded to anonymous. */
  const asBearer = oncePerRequest(async (req): Promise<Authenticated> => {
    const principal = await authenticate(req.headers, verifier, options.revocations);
    return principal.kind === 'anonymous' ? { principal } : { principal, forward: req.headers.authorization };
  });
  /** seed 003: a bearer token; in development only, X-Tenant-ID + X-UID without one. */
  const asMember = createMemberAuthenticator({
    env: config.env,
    logger,
    bearer: asBearer,
    tokenUrl: new URL('/development/member-token', options.subgraphUrls.identity).toString(),
    verifier,
    revocations: options.revocations,
    originOf,
  });

  // Keys budgets by the verified user or API client, else the address; failures fall back to it.
  const rateLimits = await createGatewayRateLimiter(config, logger, {
    // The same verification the route then reuses (oncePerRequest), not a second one.
    identify: async (req) => (await (req.headers['x-client-key'] ? asApiClient(req) : asBearer(req))).principal,
    clientAddress: (req) => originOf(req).ipAddress,
    onRefusal: metrics.countRateLimitRefusal,
    // Token requests and refreshes: the application or session they prove (read of SECRET_KEY's tag
    // for refresh tokens, identity's check for client secrets), else the address.
    credentialOwner: createCredentialOwner({
      refreshTokens: createRefreshTokenTags(await resolveSecretKey(config)),
      verifyClient: createClientVerifier({
        verifyUrl: new URL('/oauth-clients/verify', options.subgraphUrls.identity).toString(),
      }),
    }),
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  // First, so that every span of the request (and every subgraph's) hangs under this one.
  app.use(httpSpans('gateway', [...(options.routes ?? legacyRoutes).map((route) => route.path), '/graphql']));
  // Any answer given before the request's body was read closes its connection (unread-body.ts).
  app.use(closeConnectionsAnsweredEarly);
  app.use(metrics.httpMiddleware);
  app.use((req, res, next) => {
    res.locals['requestId'] = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    res.set(REQUEST_ID_HEADER, requestIdOf(res));
    // An error nothing caught is then this request's failure (lib/errors/uncaught.ts).
    runInRequestScope({ requestId: requestIdOf(res), res }, next);
  });
  const routes = options.routes ?? legacyRoutes;
  // Browser applications of registered origins: the token endpoints and the bearer-token routes.
  // Before the rate limits, so that preflights cost nothing and a 429 is readable too.
  app.use(
    browserCors(
      [...browserPaths(routes), { path: TOKEN_ENDPOINT_PATH, methods: ['post'] }],
      createOriginRegistry({
        url: new URL('/applications/origins', options.subgraphUrls.identity).toString(),
        logger,
      }),
    ),
  );
  // Every route below is rate limited except health, metrics, JWKS, discovery and OpenAPI.
  app.use(rateLimits.http);

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', readiness(options.subgraphUrls, logger));
  // With METRICS_PORT, /metrics is served on that listener instead (main.ts, stack.ts).
  if (config.metricsPort === undefined) app.get('/metrics', metrics.serve);

  app.get(
    ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'],
    serveMetadata(config.publicUrl),
  );

  let jwksCache: { body: unknown; at: number } | undefined;
  app.get('/.well-known/jwks.json', async (_req, res, next) => {
    try {
      if (!jwksCache || Date.now() - jwksCache.at > 60_000) {
        const answer = await fetch(`${subgraphBaseUrl(options.subgraphUrls.identity)}/.well-known/jwks.json`);
        if (!answer.ok) throw new Error(`identity JWKS answered ${answer.status}`);
        jwksCache = { body: await answer.json(), at: Date.now() };
      }
      res.set('Cache-Control', 'public, max-age=300').json(jwksCache.body);
    } catch (error) {
      next(error);
    }
  });

  const openApi = buildOpenApiDocument(routes, config.publicUrl);
  app.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });

  /**
   * Runs an operation through the gateway in-process as an already authenticated caller (REST layer
   * and hosted pages): its principal is reused, not verified again.
   */
  const executeAs: RestLayerOptions['execute'] = async (req, res, caller, document, variables) => {
    const response = await apollo.executeOperation(
      { query: print(document), variables, http: { method: 'POST', headers: new HeaderMap(), search: '', body: {} } },
      { contextValue: contextFor(req, res, caller) },
    );
    if (response.body.kind !== 'single') throw new Error('Incremental delivery is not used in-process');
    return {
      data: response.body.singleResult.data ?? null,
      errors: response.body.singleResult.errors?.map((e) => ({ message: e.message, extensions: e.extensions ?? {} })),
    };
  };

  const rest = createRestLayer({
    routes,
    logger,
    authenticators: {
      // `bearer` and `public` differ only in that the router insists on a token for `bearer`.
      bearer: asBearer,
      public: asBearer,
      member: asMember,
      none: async () => ({ principal: anonymous }),
      'api-client': asApiClient,
    },
    execute: executeAs,
  });
  // The browser side of the authorization code flow (the authorization_endpoint of discovery).
  app.use(
    createAuthorizePages({
      publicUrl: config.publicUrl,
      // Secure outside development (browsers also keep Secure cookies of http://localhost and 127.0.0.1).
      secureCookies: config.env !== 'development' || config.publicUrl.startsWith('https://'),
      logger: logger.child({ component: 'pages' }),
      execute: executeAs,
      authenticateToken: async (token) => {
        try {
          return await authenticate({ authorization: `Bearer ${token}` }, verifier, options.revocations);
        } catch {
          return undefined;
        }
      },
    }),
  );
  // Before the REST layer: the picture upload's multipart body, and the public picture URLs.
  mountProfilePictures(app, { maxBytes: config.profilePictureMaxBytes, memberUrl: options.subgraphUrls.member });
  // The standard token endpoint: form-encoded, Basic client authentication, RFC 6749 error bodies.
  mountTokenEndpoint(app, {
    execute: (req, res, document, variables) => executeAs(req, res, { principal: anonymous }, document, variables),
    logger,
  });
  app.use(rest);

  // Room for setMyProfilePicture's base64 picture.
  const graphqlBodyLimit = graphqlBodyLimitBytes(config.profilePictureMaxBytes);
  app.use(
    '/graphql',
    // Answers may carry tokens and secrets (login, refreshToken, createApiClient...): none is kept by
    // a cache, whatever the operation (RFC 6749 §5.1). GET serves Sandbox, which browsers may cache.
    ((req, res, next) => {
      if (req.method === 'POST') res.set(NO_STORE_HEADERS);
      next();
    }) satisfies express.RequestHandler,
    // A body over the limit is refused as soon as that is known, not after reading all of it.
    refuseBodiesOver(graphqlBodyLimit, jsonBody({ limit: graphqlBodyLimit })),
    // A body it refused (too large, another charset or encoding, not JSON) is the client's: a 4xx.
    graphqlClientErrors,
    rateLimits.graphql,
    graphqlOperationSpans('gateway'),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        try {
          // Services call GraphQL with their client keys; people with a bearer token.
          const caller = req.headers['x-client-key'] ? await asApiClient(req) : await asBearer(req);
          caller.authorizePath?.('/graphql');
          return contextFor(req, res, caller);
        } catch (error) {
          throw error instanceof AppError ? error.toRequestError() : error;
        }
      },
    }),
  );

  // A path nothing above answers (the REST families answer their own): JSON, not Express's HTML page.
  app.use(notFound);
  // Raised before any route took the request (a picture URL's broken %-encoding): the client's, a 4xx.
  app.use(clientErrorsByPath(logger));
  app.use((error: unknown, _req: Request, res: express.Response, _next: express.NextFunction) => {
    logger.error({ err: error }, 'unhandled gateway error');
    res.status(500).json({ error: 'internal', message: 'Internal error', details: {} });
  });

  return {
    app,
    apollo,
    async stop() {
      await apollo.stop();
      await rateLimits.close();
    },
  };
}
