import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Logger } from '../logging/logger.js';
import { GraphQLError } from 'graphql';

/**
 * Errors the caller sees as INTERNAL are logged here with their cause, since the response says
 * nothing of them. Catalog errors are the caller's business, not an incident.
 */
export function logUnexpectedErrors<TContext extends BaseContext>(
  loggerFor: (context: TContext) => Logger,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors) logIfUnexpected(loggerFor(contextValue), error, operationName);
        },
      };
    },
  };
}

/** Logs the cause of an error the caller will see as INTERNAL; any other error is not an incident. */
export function logIfUnexpected(logger: Logger, error: GraphQLError, operationName: string | null | undefined): void {
  const cause = error.originalError;
  // Catalog errors, graphql-js request errors and errors relayed from a subgraph (which that
  // subgraph logged) are not incidents of this process.
  if (!(cause instanceof Error) || cause instanceof GraphQLError) return;
  logger.error({ err: cause, path: error.path, operationName }, 'resolver failed');
}
