import { Entity } from '@mikro-orm/postgresql';
import { BusinessKey, CatalogItem } from './catalog-item.entity.js';

/** A company (`CP…`), owner of sites and a permission scope. */
@Entity({ tableName: 'company' })
export class Company extends CatalogItem {
  @BusinessKey('company')
  key!: string;
}
