import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { CatalogStatus } from './catalog-status.js';

/** A company (`CP…`), owner of sites and a permission scope. */
@Entity({ tableName: 'company' })
export class Company {
  [OptionalProps]?: 'id' | 'status' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Business key, unique among companys; never changes. */
  @Property({ type: 'text', fieldName: 'company_key', unique: true })
  key!: string;

  @Property({ type: 'text' })
  name!: string;

  @Enum({ items: () => CatalogStatus, nativeEnumName: 'catalog_status' })
  status: CatalogStatus = CatalogStatus.ACTIVE;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
