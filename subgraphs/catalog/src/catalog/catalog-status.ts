import { registerEnumType } from 'type-graphql';

/** Lower-case values as the legacy API and the PostgreSQL enum `catalog.catalog_status` spell them. */
export enum CatalogStatus {
  ACTIVE = 'active',
  INACTIVE = 'inactive',
}
registerEnumType(CatalogStatus, { name: 'CatalogStatus', description: 'Whether a catalog item is in use' });
