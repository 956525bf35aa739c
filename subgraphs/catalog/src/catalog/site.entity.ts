import { Entity, Enum, OptionalProps, PrimaryKey, Property, ManyToOne } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { CatalogStatus } from './catalog-status.js';
import { Company } from './company.entity.js';
/** A site (`ST…` like systems, as in the legacy data) of one company; a permission scope. */
@Entity({ tableName: 'site' })
export class Site {
  [OptionalProps]?: 'id' | 'status' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Business key, unique among sites; never changes. */
  @Property({ type: 'text', fieldName: 'site_key', unique: true })
  key!: string;

  @ManyToOne(() => Company, { index: true })
  company!: Company;

  @Property({ type: 'text' })
  name!: string;

  @Enum({ items: () => CatalogStatus, nativeEnumName: 'catalog_status' })
  status: CatalogStatus = CatalogStatus.ACTIVE;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
