import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

/**
 * Goal 2's yardstick: `@apollo/gateway` exactly as Apollo's docs set it up, untuned (default fetcher,
 * no APQ, default plugins), forwarding the caller's `authorization` to every subgraph. Run by the
 * bench as a process of its own: STOCK_PORT, STOCK_SUPERGRAPH (the supergraph file) and
 * STOCK_SUBGRAPH_URLS (JSON, subgraph name → URL: the supergraph names docker-compose hosts).
 */
interface Context {
  readonly authorization: string | undefined;
}

class AuthenticatedDataSource extends RemoteGraphQLDataSource<Context> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<Context>) {
    // Health checks and schema loading run without a request context.
    const { authorization } = context as Partial<Context>;
    if (authorization) request.http?.headers.set('authorization', authorization);
  }
}

const subgraphUrls = JSON.parse(process.env['STOCK_SUBGRAPH_URLS'] ?? '{}') as Record<string, string>;
const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(process.env['STOCK_SUPERGRAPH'] ?? 'schema/supergraph.graphql', 'utf8'),
  buildService: ({ name, url }) => new AuthenticatedDataSource({ url: subgraphUrls[name] ?? url }),
});
const server = new ApolloServer<Context>({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(process.env['STOCK_PORT']), host: '127.0.0.1' },
  context: async ({ req }) => ({ authorization: req.headers.authorization }),
});
console.log(`stock @apollo/gateway at ${url}`);
