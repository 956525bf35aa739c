import { resolverContainer } from '../../../lib/graphql/container.js';
import { selfOrAdminOfUser, signedIn } from '../../../lib/graphql/shield.js';
import { buildFederatedSubgraph, type SubgraphSchema } from '../../../lib/graphql/subgraph-schema.js';
import { UserResolver, userReferenceResolver } from './user/user.resolver.js';
import { UserDirectory } from './user/user.service.js';

export interface IdentitySchemaServices {
  readonly users: UserDirectory;
}

export function buildIdentitySchema(
  services: IdentitySchemaServices = { users: new UserDirectory() },
): Promise<SubgraphSchema> {
  return buildFederatedSubgraph({
    resolvers: [UserResolver],
    referenceResolvers: userReferenceResolver(services.users),
    container: resolverContainer([[UserResolver, () => new UserResolver(services.users)]]),
    permissions: {
      Query: { me: signedIn },
      User: { '*': selfOrAdminOfUser },
    },
  });
}
