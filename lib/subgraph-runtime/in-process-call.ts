import type { ApolloServer, BaseContext } from '@apollo/server';
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '../logging/logger.js';
import { inOperationSpan } from '../observability/http-tracing.js';
import { headerMapOf } from './graphql-post.js';

/** What the gateway sends a subgraph, and what comes back, without the HTTP around them. */
export interface InProcessRequest {
  /** Lower-case names, as the gateway's data source sets them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}
export interface InProcessAnswer {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
}
/** A subgraph's GraphQL endpoint as a function: the all-in-one gateway calls it instead of POSTing. */
export type InProcessGraphql = (request: InProcessRequest) => Promise<InProcessAnswer>;

/**
 * The same Apollo Server, context (token verified, the request's EntityManager) and plugins as the
 * subgraph's POST /graphql, minus the socket, the HTTP span and the HTTP metrics (no HTTP happened).
 * In `npm start` the loopback hop cost the gateway and the subgraph more CPU than the operation
 * itself (bench goal 8). The body is the data source's own JSON.stringify, so it is always JSON.
 */
export function inProcessGraphql<TContext extends BaseContext>(
  name: string,
  apollo: ApolloServer<TContext>,
  contextOf: (headers: IncomingHttpHeaders) => Promise<TContext>,
  logger: Logger,
): InProcessGraphql {
  return (request) =>
    inOperationSpan(name, async () => {
      const headers = headerMapOf(request.headers);
      try {
        const response = await apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: 'POST', headers, search: '', body: JSON.parse(request.body) as unknown },
          context: () => contextOf(request.headers),
        });
        let body: string;
        if (response.body.kind === 'complete') body = response.body.string;
        else {
          body = '';
          for await (const chunk of response.body.asyncIterator) body += chunk;
        }
        return { status: response.status ?? 200, headers: response.headers, body };
      } catch (error) {
        // What the subgraph's listener answers when its handler fails: a 500, logged there.
        logger.error({ err: error }, 'graphql request failed');
        return {
          status: 500,
          headers: new Map([['content-type', 'text/plain; charset=utf-8']]),
          body: 'Internal Server Error',
        };
      }
    });
}
