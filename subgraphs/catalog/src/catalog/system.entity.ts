import { Entity } from '@mikro-orm/postgresql';
import { BusinessKey, CatalogItem } from './catalog-item.entity.js';

/** A legacy system (`ST…`), whose modules permissions are granted on. */
@Entity({ tableName: 'system' })
export class System extends CatalogItem {
  @BusinessKey('system')
  key!: string;
}
