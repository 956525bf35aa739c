import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express } from 'express';
import type { GraphQLSchema } from 'graphql';
import type { IncomingHttpHeaders } from 'node:http';
import { bearerToken, type AccessTokenVerifier } from '../auth/access-token.js';
import { verifyLiveToken } from '../auth/live-token.js';
import { anonymous, type Principal } from '../auth/principal.js';
import type { SessionRevocations } from '../auth/revocation.js';
import type { UserFactsSeal } from '../auth/user-facts.js';
import type { SubgraphDatabase } from '../db/orm.js';
import { AppError, formatGraphQLError } from '../errors/index.js';
import { logUnexpectedErrors } from '../errors/log-plugin.js';
import { operationGuard } from '../graphql/operation-guard.js';
import type { SubgraphContext } from '../graphql/context.js';
import type { Logger } from '../logging/logger.js';
import { listen, type Listening } from '../http/listen.js';
import { FailureStreak } from '../logging/failure-streak.js';
import { graphqlMetrics } from '../observability/graphql-metrics.js';
import { measureHttp, serveMetrics } from '../observability/http-metrics.js';
import { graphqlOperationSpans, graphqlSpanNames, httpSpans } from '../observability/http-tracing.js';
import type { ServiceMetrics } from '../observability/metrics.js';
import { originFromGateway } from '../http/origin.js';
import { REQUEST_ID_HEADER, requestIdFrom } from '../http/request-id.js';
import { graphqlPostBeside } from './graphql-post.js';
import { inProcessGraphql, type InProcessGraphql } from './in-process-call.js';
import { RequestContext } from './request-context.js';

export interface SubgraphServerOptions {
  readonly name: string;
  readonly schema: GraphQLSchema;
  readonly database: SubgraphDatabase;
  readonly verifier: AccessTokenVerifier;
  /** Ended sessions: their tokens are refused here too, not only at the gateway. */
  readonly revocations: SessionRevocations;
  readonly userFacts: UserFactsSeal;
  readonly logger: Logger;
  readonly host: string;
  readonly port: number;
  /** Introspection is for development; the gateway uses the checked-in supergraph. */
  readonly introspection: boolean;
  /** Extra HTTP routes this subgraph serves (identity's JWKS). */
  readonly routes?: (app: Express) => void;
  /** Largest GraphQL request body; 1 MB unless the subgraph takes bigger documents (member: pictures). */
  readonly jsonLimitBytes?: number;
  readonly metrics: ServiceMetrics;
  /** GET /metrics here: a lone process without METRICS_PORT (in `npm start` the gateway serves them all). */
  readonly metricsOnApiPort: boolean;
}

const ONE_MB = 1024 * 1024;

/**
 * The JSON body limit for GraphQL documents that may carry a base64 profile picture: the encoded size
 * of the largest picture plus room for the rest of the request, and never below 1 MB.
 */
export function graphqlBodyLimitBytes(profilePictureMaxBytes: number): number {
  return Math.max(ONE_MB, Math.ceil((profilePictureMaxBytes * 4) / 3) + 64 * 1024);
}

/**
 * One `debug` line per operation, tagged with the request id the gateway forwarded. The gateway's
 * access line (`msg: "request"`) already says at `info` that the request was answered; a subgraph's
 * errors are logged at `warn`/`error` by logUnexpectedErrors whatever the level. At `info` this costs
 * nothing, not even the timing.
 */
function operationLog(logger: Logger): ApolloServerPlugin<SubgraphContext> {
  return {
    async requestDidStart({ contextValue }) {
      // The request's logger is a child of this one, at its level: asking it would make one.
      if (!logger.isLevelEnabled('debug')) return;
      const began = performance.now();
      return {
        async willSendResponse({ operationName, errors }) {
          contextValue.logger.debug(
            {
              operationName: operationName ?? null,
              durationMs: Math.round((performance.now() - began) * 10) / 10,
              errors: errors?.length ?? 0,
              principal: contextValue.principal.kind,
            },
            'graphql operation',
          );
        },
      };
    },
  };
}

export interface RunningSubgraph extends Listening {
  readonly name: string;
  readonly url: string;
  /** POST /graphql as a function, for a gateway in the same process (the all-in-one `npm start`). */
  readonly answerInProcess: InProcessGraphql;
}

/** One subgraph as an HTTP service: POST /graphql, GET /health (live), GET /ready (database answers). */
export async function startSubgraphServer(options: SubgraphServerOptions): Promise<RunningSubgraph> {
  const apollo = new ApolloServer<SubgraphContext>({
    schema: options.schema,
    introspection: options.introspection,
    // The launcher owns shutdown order; Apollo must not stop itself on SIGTERM halfway through.
    stopOnTerminationSignals: false,
    formatError: formatGraphQLError,
    includeStacktraceInErrorResponses: false,
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      // No field carries a cache hint; the default plugin still wrapped every field's resolution to
      // compute a policy of max-age 0 (27% of catalog's CPU for a snapshot of 1,000 grants).
      ApolloServerPluginCacheControlDisabled(),
      operationLog(options.logger),
      graphqlMetrics<SubgraphContext>(options.metrics),
      graphqlSpanNames<SubgraphContext>(),
      // A NUL or lone surrogate refused here too, not left to PostgreSQL's error (a 500).
      operationGuard<SubgraphContext>(),
      logUnexpectedErrors<SubgraphContext>((context) => context.logger ?? options.logger),
    ],
    logger: options.logger,
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  // Continues the gateway's trace (traceparent); the operation's spans and SQL hang under it.
  const spans = httpSpans(options.name, ['/graphql']);
  app.use(spans);
  const measured = measureHttp(options.metrics, { templates: ['/graphql'] });
  app.use(measured);
  if (options.metricsOnApiPort) app.get('/metrics', serveMetrics(options.metrics));
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: options.name });
  });
  // Health checks ask every few seconds: a database that is away is said once, not at every ask.
  const database = new FailureStreak(options.logger, {
    failing: 'readiness: the database does not answer',
    recovered: 'readiness: the database answers again',
  });
  app.get('/ready', async (_req, res) => {
    try {
      await options.database.ping();
      database.succeeded();
      res.json({ status: 'ready', service: options.name });
    } catch (error) {
      database.failed(error);
      res.status(503).json({ status: 'unavailable', service: options.name });
    }
  });
  options.routes?.(app);
  const limitBytes = options.jsonLimitBytes ?? ONE_MB;
  /** Who calls, from the bearer token; the request's EntityManager, loaders and logger. */
  const contextOf = async (headers: IncomingHttpHeaders): Promise<SubgraphContext> => {
    const requestId = requestIdFrom(headers[REQUEST_ID_HEADER]);
    let principal: Principal = anonymous;
    try {
      const token = bearerToken(headers.authorization);
      if (token) principal = await verifyLiveToken(token, options.verifier, options.revocations);
    } catch (error) {
      throw error instanceof AppError ? error.toRequestError() : error;
    }
    const request = { principal, requestId, origin: originFromGateway(headers) };
    return new RequestContext(request, options.database, options.userFacts, options.logger);
  };
  const operationSpans = graphqlOperationSpans(options.name);
  app.use(
    '/graphql',
    express.json({ limit: limitBytes }),
    operationSpans,
    expressMiddleware(apollo, { context: ({ req }) => contextOf(req.headers) }),
  );

  // The gateway's requests skip express (graphql-post.ts), through the same spans and metrics.
  const handler = graphqlPostBeside(app, {
    apollo,
    contextOf,
    limitBytes,
    before: [spans, measured, operationSpans],
    logger: options.logger,
  });

  const listening = await listen(handler, options.port, options.host, {
    component: `the ${options.name} subgraph`,
    variable: `${options.name.toUpperCase()}_PORT`,
  });
  options.logger.info({ port: listening.port }, `${options.name} subgraph listening`);
  return {
    ...listening,
    name: options.name,
    url: `http://127.0.0.1:${listening.port}/graphql`,
    answerInProcess: inProcessGraphql(options.name, apollo, contextOf, options.logger),
    async close() {
      await listening.close();
      await apollo.stop();
    },
  };
}
