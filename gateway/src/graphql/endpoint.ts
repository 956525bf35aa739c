import type { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
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

/** The chain mounted at `/graphql`: caching, the body, its refusals, the rate limit, then Apollo. */
export function graphqlEndpoint(options: GraphQLEndpointOptions): (RequestHandler | ErrorRequestHandler)[] {
  const bodyLimit = graphqlBodyLimitBytes(options.profilePictureMaxBytes);
  return [
    // Answers may carry tokens and secrets (login, refreshToken, createApiClient...): none is kept by
    // a cache, whatever the operation (RFC 6749 §5.1). GET serves Sandbox, which browsers may cache.
    ((req, res, next) => {
      if (req.method === 'POST') res.set(NO_STORE_HEADERS);
      next();
    }) satisfies RequestHandler,
    // A body over the limit is refused as soon as that is known, not after reading all of it.
    refuseBodiesOver(bodyLimit, jsonBody({ limit: bodyLimit })),
    // A body it refused (too large, another charset or encoding, not JSON) is the client's: a 4xx.
    graphqlClientErrors,
    options.rateLimit,
    graphqlOperationSpans('gateway'),
    expressMiddleware(options.apollo, {
      context: async ({ req, res }) => {
        try {
          const caller = await options.caller(req);
          caller.authorizePath?.('/graphql');
          return options.contextFor(req, res, caller);
        } catch (error) {
          throw error instanceof AppError ? error.toRequestError() : error;
        }
      },
    }),
  ];
}
