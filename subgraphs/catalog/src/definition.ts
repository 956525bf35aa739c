import { resolverContainer } from '../../../lib/graphql/container.js';
import { allow, selfOrAdminOfUser } from '../../../lib/graphql/shield.js';
import { buildFederatedSubgraph, type SubgraphSchema } from '../../../lib/graphql/subgraph-schema.js';
import type { SubgraphDefinition } from '../../../lib/http/subgraph-definition.js';
import { migrations } from './migrations/index.js';
import { PermissionGrant } from './permission/permission-grant.entity.js';
import { CatalogUserResolver, catalogReferenceResolvers } from './permission/permission.resolver.js';
import { CatalogUser } from './permission/permission.types.js';

function buildCatalogSchema(): Promise<SubgraphSchema> {
  return buildFederatedSubgraph({
    resolvers: [CatalogUserResolver],
    orphanedTypes: [CatalogUser],
    referenceResolvers: catalogReferenceResolvers,
    container: resolverContainer([[CatalogUserResolver, () => new CatalogUserResolver()]]),
    permissions: {
      User: { '*': selfOrAdminOfUser },
      // Reached only through User.permissions, which is guarded above.
      Permission: allow,
    },
  });
}

export const catalogSubgraph: SubgraphDefinition<Record<string, never>> = {
  name: 'catalog',
  entities: [PermissionGrant],
  migrations,
  buildSchema: buildCatalogSchema,
  async create() {
    return { schema: await buildCatalogSchema(), services: {} };
  },
};
