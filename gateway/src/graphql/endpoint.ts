import type { ApolloServer } from '@apollo/server';
import { expressMiddleware, type ExpressContextFunctionArgument } from '@as-integrations/express5';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../../../lib/errors/index.js';
import { graphqlOperationSpans } from '../../../lib/observability/http-tracing.js';
import { graphqlBodyLimitBytes } from '../../../lib/subgraph-runtime/subgraph-server.js';
import type { Authenticator } from '../auth/authenticated.js';
import type { GatewayContext } from '../context.js';
import type { ContextFor } from '../execution/in-process.js';
import { refuseBodiesOver } from '../http/body-limit.js';
import { graphqlClientErrors } from '../http/client-errors.js';
import { jsonBody } from '../http/json-body.js';
import { NO_STORE_HEADERS } from '../http/no-store.js';
import { answerWithApollo, plainJsonBody } from './plain-post.js';

export interface GraphQLEndpointOptions {
  readonly apollo: ApolloServer<GatewayContext>;
  /** PROFILE_PICTURE_MAX_BYTES: the body must have room for setMyProfilePicture's base64 picture. */
  readonly profilePictureMaxBytes: number;
  /** Counts the operation once its body tells which it is (rate-limit.ts `graphql`). */
  readonly rateLimit: RequestHandler;
  /** Services call GraphQL with their client keys; people with a bearer token. */
  readonly caller: Authenticator;
  readonly contextFor: ContextFor;
}

/** The most a `/graphql` body may hold. */
export const graphqlEndpointLimitBytes = (options: Pick<GraphQLEndpointOptions, 'profilePictureMaxBytes'>) =>
  graphqlBodyLimitBytes(options.profilePictureMaxBytes);

/** The operation's context: its caller, authenticated once (the rate limiter may have asked first). */
function contextOf(options: GraphQLEndpointOptions) {
  return async ({ req, res }: ExpressContextFunctionArgument): Promise<GatewayContext> => {
    try {
      const caller = await options.caller(req);
      caller.authorizePath?.('/graphql');
      return options.contextFor(req, res, caller);
    } catch (error) {
      throw error instanceof AppError ? error.toRequestError() : error;
    }
  };
}

/** Caching, the body, its refusals, the rate limit, the operation's span, then `answer` (Apollo). */
function chain(
  options: GraphQLEndpointOptions,
  body: RequestHandler,
  answer: RequestHandler,
): (RequestHandler | ErrorRequestHandler)[] {
  return [
    // Answers may carry tokens and secrets (login, refreshToken, createApiClient...): none is kept by
    // a cache, whatever the operation (RFC 6749 §5.1). GET serves Sandbox, which browsers may cache.
    ((req, res, next) => {
      if (req.method === 'POST') res.set(NO_STORE_HEADERS);
      next();
    }) satisfies RequestHandler,
    body,
    // A body it refused (too large, another charset or encoding, not JSON) is the client's: a 4xx.
    graphqlClientErrors,
    options.rateLimit,
    graphqlOperationSpans('gateway'),
    answer,
  ];
}

/** The chain mounted at `/graphql`: caching, the body, its refusals, the rate limit, then Apollo. */
export function graphqlEndpoint(options: GraphQLEndpointOptions): (RequestHandler | ErrorRequestHandler)[] {
  const bodyLimit = graphqlEndpointLimitBytes(options);
  return chain(
    options,
    // A body over the limit is refused as soon as that is known, not after reading all of it.
    refuseBodiesOver(bodyLimit, jsonBody({ limit: bodyLimit })),
    expressMiddleware(options.apollo, { context: contextOf(options) }),
  );
}

/**
 * The same chain for a plain POST (plain-post.ts `isPlainGraphqlPost`: JSON of a declared length
 * within the limit, no query string), which express.json and `expressMiddleware` would only slow down.
 */
export function plainGraphqlEndpoint(options: GraphQLEndpointOptions): (RequestHandler | ErrorRequestHandler)[] {
  return chain(options, plainJsonBody, answerWithApollo(options.apollo, contextOf(options)));
}
