import { Entity, Enum, OptionalProps, PrimaryKey, Property, ManyToOne } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { CatalogStatus } from './catalog-status.js';
import { System } from './system.entity.js';
/** A module (`MD…`) of one system. */
@Entity({ tableName: 'module' })
export class Module {
  [OptionalProps]?: 'id' | 'status' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Business key, unique among modules; never changes. */
  @Property({ type: 'text', fieldName: 'module_key', unique: true })
  key!: string;

  @ManyToOne(() => System, { index: true })
  system!: System;

  @Property({ type: 'text' })
  name!: string;

  @Enum({ items: () => CatalogStatus, nativeEnumName: 'catalog_status' })
  status: CatalogStatus = CatalogStatus.ACTIVE;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
