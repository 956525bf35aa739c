import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express, type Request } from 'express';
import { print } from 'graphql';
import { createAccessTokenVerifier } from '../../lib/auth/access-token.js';
import { anonymous } from '../../lib/auth/principal.js';
import type { SessionRevocations } from '../../lib/auth/revocation.js';
import { disableVendorTelemetry, type AppConfig, type SubgraphName } from '../../lib/config/env.js';
import { AppError, formatGraphQLError } from '../../lib/errors/index.js';
import { logUnexpectedErrors } from '../../lib/errors/log-plugin.js';
import type { Logger } from '../../lib/logging/logger.js';
import { addressMatcher } from '../../lib/http/address-match.js';
import { CLIENT_IP_HEADER, originAtGateway } from '../../lib/http/origin.js';
import { REQUEST_ID_HEADER, requestIdFrom } from '../../lib/http/request-id.js';
import { createApiClientAuthenticator } from './auth/api-clients.js';
import { authenticate } from './auth/authenticate.js';
import type { GatewayContext } from './context.js';
import { serveMetadata } from './discovery/metadata.js';
import { introspectionPolicy } from './limits/introspection.js';
import { queryLimits } from './limits/query-limits.js';
import { createMetrics } from './observability/metrics.js';
import { buildOpenApiDocument } from './rest/openapi.js';
import type { RouteDefinition } from './rest/route.js';
import { createRestLayer, type Authenticated } from './rest/router.js';
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
  }
}

function subgraphBaseUrl(graphqlUrl: string): string {
  return new URL('/', graphqlUrl).toString().replace(/\/$/, '');
}

/** The public process: GraphQL (Apollo Gateway), REST compatibility layer, health, metrics, JWKS. */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, logger } = options;
  const metrics = createMetrics();
  const trustedProxy = addressMatcher(config.trustedProxies);
  const verifier = createAccessTokenVerifier({
    issuer: config.publicUrl,
    jwks: new URL('/.well-known/jwks.json', options.subgraphUrls.identity),
  });

  disableVendorTelemetry();
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name }) =>
      new ForwardingDataSource({
        url: options.subgraphUrls[name as SubgraphName],
        // Hash-first requests keep big documents off the wire after the first time.
        apq: true,
      }),
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
      logUnexpectedErrors<GatewayContext>((context) => context.logger ?? logger),
    ],
  } as ConstructorParameters<typeof ApolloServer<GatewayContext>>[0]);
  await apollo.start();

  /** The request id chosen once per request by the middleware below; reused everywhere after. */
  const requestIdOf = (res: express.Response) => String(res.locals['requestId']);
  const originOf = (req: Request) => originAtGateway(req.socket.remoteAddress, req.headers, trustedProxy);
  const contextFor = (req: Request, res: express.Response, caller: Authenticated): GatewayContext => {
    const requestId = requestIdOf(res);
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
  const asApiClient = (req: Request): Promise<Authenticated> =>
    authenticateClient({ headers: req.headers, clientAddress: originOf(req).ipAddress, path: req.path });
  /** A user's bearer token; an invalid one is refused (RFC 6750), never downgraded to anonymous. */
  const asBearer = async (req: Request): Promise<Authenticated> => {
    const principal = await authenticate(req.headers, verifier, options.revocations);
    return principal.kind === 'anonymous' ? { principal } : { principal, forward: req.headers.authorization };
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(metrics.httpMiddleware);
  app.use((req, res, next) => {
    res.locals['requestId'] = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    res.set(REQUEST_ID_HEADER, requestIdOf(res));
    next();
  });

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', async (_req, res) => {
    const checks = await Promise.all(
      Object.entries(options.subgraphUrls).map(async ([name, url]) => {
        try {
          const answer = await fetch(`${subgraphBaseUrl(url)}/ready`, { signal: AbortSignal.timeout(2_000) });
          return [name, answer.ok ? 'ready' : 'unavailable'] as const;
        } catch {
          return [name, 'unreachable'] as const;
        }
      }),
    );
    const ready = checks.every(([, state]) => state === 'ready');
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'unavailable', subgraphs: Object.fromEntries(checks) });
  });
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });

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

  const routes = options.routes ?? legacyRoutes;
  const openApi = buildOpenApiDocument(routes, config.publicUrl);
  app.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });

  const rest = createRestLayer({
    routes,
    logger,
    authenticators: {
      // `bearer` and `public` differ only in that the router insists on a token for `bearer`.
      bearer: asBearer,
      public: asBearer,
      none: async () => ({ principal: anonymous }),
      'api-client': asApiClient,
    },
    // The route already authenticated the caller: its principal is reused, not verified again.
    execute: async (req, res, caller, document, variables) => {
      const response = await apollo.executeOperation(
        { query: print(document), variables, http: { method: 'POST', headers: new HeaderMap(), search: '', body: {} } },
        { contextValue: contextFor(req, res, caller) },
      );
      if (response.body.kind !== 'single') throw new Error('Incremental delivery is not used by the REST layer');
      return {
        data: response.body.singleResult.data ?? null,
        errors: response.body.singleResult.errors?.map((e) => ({ message: e.message, extensions: e.extensions ?? {} })),
      };
    },
  });
  app.use(rest);

  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        try {
          // Services call GraphQL with their client keys; people with a bearer token.
          const caller = req.headers['x-client-key'] ? await asApiClient(req) : await asBearer(req);
          return contextFor(req, res, caller);
        } catch (error) {
          throw error instanceof AppError ? error.toRequestError() : error;
        }
      },
    }),
  );

  app.use((error: unknown, _req: Request, res: express.Response, _next: express.NextFunction) => {
    logger.error({ err: error }, 'unhandled gateway error');
    res.status(500).json({ error: 'internal', message: 'Internal error', details: {} });
  });

  return {
    app,
    apollo,
    async stop() {
      await apollo.stop();
    },
  };
}
