import type { FilterQuery } from '@mikro-orm/postgresql';
import type { PermissionGrant } from '../permission/permission-grant.entity.js';
import type { KeyPrefix } from './business-key.js';
import type { CatalogItem } from './catalog-item.entity.js';
import { Company } from './company.entity.js';
import { Module } from './module.entity.js';
import { Site } from './site.entity.js';
import { System } from './system.entity.js';

/** The entity's many-to-one property naming its parent item (`module.system`), if it has one. */
type ParentProperty<E> = { [P in keyof E]-?: E[P] extends CatalogItem ? P : never }[keyof E] & string;

/**
 * What tells one catalog kind from another. The service, the GraphQL types and the resolver derive
 * everything else from it (catalog.service.ts, catalog.types.ts, catalog.resolver.ts), so a kind is
 * its entity plus one entry in `catalogKinds`.
 */
export interface CatalogKindSpec<E extends CatalogItem> {
  readonly entity: new () => E;
  /** Names its GraphQL types (`System`, `SystemPage`, `CreateSystemInput`) and starts its messages. */
  readonly label: string;
  /** Names its list query (`systems`) and page ("One page of systems"). */
  readonly plural: string;
  readonly prefix: KeyPrefix;
  /** Its GraphQL type's description. */
  readonly description: string;
  /** A key of this kind, shown in the key field's description. */
  readonly keyExample: string;
  /**
   * The kind it belongs to, which is also its entity's property (`module.system`) and its parent key's
   * name (`systemKey`). It is created under a parent, lists filter by it and it is always handed out
   * with its parent loaded, for the key.
   */
  readonly parent?: ParentProperty<E>;
  /** The default page size of its list query. */
  readonly pageSize: number;
  /** Whether its list query filters by status too (systems only, as the legacy API does). */
  readonly statusFilter?: boolean;
  /** The grants that name an item of this key: it cannot be deactivated while there are any. */
  readonly grants: (key: string) => FilterQuery<PermissionGrant>;
}

const kind = <E extends CatalogItem>(spec: CatalogKindSpec<E>) => spec;

/** The catalog: systems, modules, companies and sites. Event types are `catalog.<kind>_<change>`. */
export const catalogKinds = {
  system: kind({
    entity: System,
    label: 'System',
    plural: 'systems',
    prefix: 'ST',
    description: 'A system whose modules permissions are granted on',
    keyExample: 'ST20260331X1234',
    pageSize: 200,
    statusFilter: true,
    grants: (key) => ({ systemKey: key }),
  }),
  module: kind({
    entity: Module,
    label: 'Module',
    plural: 'modules',
    prefix: 'MD',
    description: 'A module of one system',
    keyExample: 'MD20260331X5678',
    parent: 'system',
    pageSize: 500,
    grants: (key) => ({ moduleKey: key }),
  }),
  company: kind({
    entity: Company,
    label: 'Company',
    plural: 'companies',
    prefix: 'CP',
    description: 'A company: owner of sites, and a permission scope',
    keyExample: 'CP20260331X9999',
    pageSize: 500,
    // Sites and systems share `ST`: the scope type tells which a grant names.
    grants: (key) => ({ scopeType: 'COMPANY', scopeKey: key }),
  }),
  site: kind({
    entity: Site,
    label: 'Site',
    plural: 'sites',
    prefix: 'ST',
    description: 'A site of one company, and a permission scope',
    keyExample: 'ST20260331X1111 (sites share the ST prefix with systems)',
    parent: 'company',
    pageSize: 500,
    grants: (key) => ({ scopeType: 'SITE', scopeKey: key }),
  }),
};

export type CatalogKind = keyof typeof catalogKinds;
export type CatalogEntities = { [K in CatalogKind]: InstanceType<(typeof catalogKinds)[K]['entity']> };
export const catalogKindNames = Object.keys(catalogKinds) as CatalogKind[];

/** The loaded parent of an item (a module's system, a site's company); undefined for the others. */
export function parentOf(kind: CatalogKind, row: CatalogItem): CatalogItem | undefined {
  const { parent } = catalogKinds[kind];
  // `parent` names a many-to-one property of this kind's entity (ParentProperty).
  return parent ? (row as unknown as Record<string, CatalogItem>)[parent] : undefined;
}
