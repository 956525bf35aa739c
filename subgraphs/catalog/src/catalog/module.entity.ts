import { Entity, ManyToOne } from '@mikro-orm/postgresql';
import { BusinessKey, CatalogItem } from './catalog-item.entity.js';
import { System } from './system.entity.js';

/** A module (`MD…`) of one system. */
@Entity({ tableName: 'module' })
export class Module extends CatalogItem {
  @BusinessKey('module')
  key!: string;

  @ManyToOne(() => System, { index: true })
  system!: System;
}
