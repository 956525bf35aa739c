import { resolverContainer } from '../../../lib/graphql/container.js';
import { allow, selfOrAdminOfUser } from '../../../lib/graphql/shield.js';
import { buildFederatedSubgraph, type SubgraphSchema } from '../../../lib/graphql/subgraph-schema.js';
import type { SubgraphDefinition } from '../../../lib/http/subgraph-definition.js';
import { AuditEntry } from './audit/audit-entry.entity.js';
import { AdminUserResolver, adminReferenceResolvers } from './audit/audit.resolver.js';
import { AdminUser } from './audit/audit.types.js';
import { migrations } from './migrations/index.js';

function buildAdminSchema(): Promise<SubgraphSchema> {
  return buildFederatedSubgraph({
    resolvers: [AdminUserResolver],
    orphanedTypes: [AdminUser],
    referenceResolvers: adminReferenceResolvers,
    container: resolverContainer([[AdminUserResolver, () => new AdminUserResolver()]]),
    permissions: {
      User: { '*': selfOrAdminOfUser },
      // Reached only through User.auditTrail, which is guarded above.
      AuditEntry: allow,
    },
  });
}

export const adminSubgraph: SubgraphDefinition<Record<string, never>> = {
  name: 'admin',
  entities: [AuditEntry],
  migrations,
  buildSchema: buildAdminSchema,
  async create() {
    return { schema: await buildAdminSchema(), services: {} };
  },
};
