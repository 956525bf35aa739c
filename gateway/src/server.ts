import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express, type Request } from 'express';
import { print } from 'graphql';
import { createAccessTokenVerifier } from '../../lib/auth/access-token.js';
import { anonymous, type Principal } from '../../lib/auth/principal.js';
import type { SessionRevocations } from '../../lib/auth/revocation.js';
import { disableVendorTelemetry, type AppConfig, type SubgraphName } from '../../lib/config/env.js';
import { AppError, formatGraphQLError } from '../../lib/errors/index.js';
import { logUnexpectedErrors } from '../../lib/errors/log-plugin.js';
import type { Logger } from '../../lib/logging/logger.js';
import { CLIENT_IP_HEADER, originAtGateway } from '../../lib/http/origin.js';
import { REQUEST_ID_HEADER, requestIdFrom } from '../../lib/http/request-id.js';
import { authenticate } from './auth/authenticate.js';
import type { GatewayContext } from './context.js';
import { serveMetadata } from './discovery/metadata.js';
import { introspectionPolicy } from './limits/introspection.js';
import { queryLimits } from './limits/query-limits.js';
import { createMetrics } from './observability/metrics.js';
import { buildOpenApiDocument } from './rest/openapi.js';
import type { RouteDefinition } from './rest/route.js';
import { createRestLayer } from './rest/router.js';
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
  const contextFor = (req: Request, res: express.Response, principal: Principal): GatewayContext => {
    const requestId = requestIdOf(res);
    return {
      principal,
      requestId,
      // Forward only a credential the gateway accepted (a `none` route ignores the header).
      authorization: principal.kind === 'anonymous' ? undefined : req.headers.authorization,
      origin: originAtGateway(req.socket.remoteAddress, req.headers),
      logger: logger.child({ requestId }),
    };
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
      // Both verify a presented token; an invalid one is refused (RFC 6750), never downgraded to
      // anonymous. Only `bearer` then insists that there was one.
      bearer: (req) => authenticate(req.headers, verifier, options.revocations),
      public: (req) => authenticate(req.headers, verifier, options.revocations),
      none: async () => anonymous,
    },
    // The route already authenticated the caller: its principal is reused, not verified again.
    execute: async (req, res, principal, document, variables) => {
      const response = await apollo.executeOperation(
        { query: print(document), variables, http: { method: 'POST', headers: new HeaderMap(), search: '', body: {} } },
        { contextValue: contextFor(req, res, principal) },
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
          return contextFor(req, res, await authenticate(req.headers, verifier, options.revocations));
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
