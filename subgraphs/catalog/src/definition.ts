import { eventConsumerRoute } from '../../../lib/events/consume-route.js';
import { OutboxEvent } from '../../../lib/events/outbox-event.entity.js';
import { resolverContainer } from '../../../lib/graphql/container.js';
import { limited } from '../../../lib/graphql/root-field-policy.js';
import { allow, or, roleIn, scopeIn, selfOrAdminOfUser } from '../../../lib/graphql/shield.js';
import { buildFederatedSubgraph, type SubgraphSchema } from '../../../lib/graphql/subgraph-schema.js';
import type { SubgraphDefinition } from '../../../lib/subgraph-runtime/subgraph-definition.js';
import { CatalogResolver } from './catalog/catalog.resolver.js';
import { Company } from './catalog/company.entity.js';
import { Module } from './catalog/module.entity.js';
import { Site } from './catalog/site.entity.js';
import { System } from './catalog/system.entity.js';
import { revokeDeletedAccounts } from './events/revoke-deleted-accounts.js';
import { migrations } from './migrations/index.js';
import { PermissionGrant } from './permission/permission-grant.entity.js';
import {
  CatalogUserResolver,
  PermissionAdminResolver,
  catalogReferenceResolvers,
} from './permission/permission.resolver.js';
import { CatalogUser } from './permission/permission.types.js';

const admins = roleIn('SYSTEM_ADMIN', 'GROUP_ADMIN');
const systemAdmins = roleIn('SYSTEM_ADMIN');
/** Services (API clients) that read the catalog and permission snapshots: the legacy /internal API. */
export const CATALOG_READ_SCOPE = 'catalog:read';
const catalogReaders = scopeIn(CATALOG_READ_SCOPE);

function buildCatalogSchema(): Promise<SubgraphSchema> {
  return buildFederatedSubgraph({
    resolvers: [CatalogUserResolver, CatalogResolver, PermissionAdminResolver],
    orphanedTypes: [CatalogUser],
    referenceResolvers: catalogReferenceResolvers,
    container: resolverContainer([
      [CatalogUserResolver, () => new CatalogUserResolver()],
      [CatalogResolver, () => new CatalogResolver()],
      [PermissionAdminResolver, () => new PermissionAdminResolver()],
    ]),
    permissions: {
      // The catalog itself is not tenant data: every admin may read it. Admins and API clients only:
      // the admin rate-limit class.
      Query: {
        systems: limited('admin', or(admins, catalogReaders)),
        modules: limited('admin', or(admins, catalogReaders)),
        companies: limited('admin', or(admins, catalogReaders)),
        sites: limited('admin', or(admins, catalogReaders)),
        // Grants are keyed by subject, not tenant: a group admin could not be scoped to its own users.
        permissionSnapshot: limited('admin', or(systemAdmins, catalogReaders)),
      },
      Mutation: { '*': limited('admin', systemAdmins) },
      User: { '*': selfOrAdminOfUser },
      // Reached only through the fields guarded above.
      Permission: allow,
      PermissionSnapshot: allow,
      System: allow,
      Module: allow,
      Company: allow,
      Site: allow,
      SystemPage: allow,
      ModulePage: allow,
      CompanyPage: allow,
      SitePage: allow,
    },
  });
}

export const catalogSubgraph: SubgraphDefinition<Record<string, never>> = {
  name: 'catalog',
  // The outbox: catalog changes reach admin's audit log and webhooks (its relay starts with it).
  entities: [System, Module, Company, Site, PermissionGrant, OutboxEvent],
  migrations,
  buildSchema: buildCatalogSchema,
  async create({ database, secretKeys, logger }) {
    return {
      schema: await buildCatalogSchema(),
      routes(app) {
        eventConsumerRoute(app, { secretKeys, logger, handle: revokeDeletedAccounts(database) });
      },
      services: {},
    };
  },
};
