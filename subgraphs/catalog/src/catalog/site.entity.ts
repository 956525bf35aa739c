import { Entity, ManyToOne } from '@mikro-orm/postgresql';
import { BusinessKey, CatalogItem } from './catalog-item.entity.js';
import { Company } from './company.entity.js';

/** A site (`ST…` like systems, as in the legacy data) of one company; a permission scope. */
@Entity({ tableName: 'site' })
export class Site extends CatalogItem {
  @BusinessKey('site')
  key!: string;

  @ManyToOne(() => Company, { index: true })
  company!: Company;
}
