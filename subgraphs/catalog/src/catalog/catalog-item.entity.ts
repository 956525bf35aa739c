import { Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { CatalogStatus } from './catalog-status.js';

/**
 * The columns every catalog kind's table has. A kind is an `@Entity` subclass that adds its key
 * column and, for modules and sites, its parent (catalog-kinds.ts declares the rest of it).
 */
export abstract class CatalogItem {
  [OptionalProps]?: 'id' | 'status' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Business key, unique among items of its kind; never changes. Declared per kind: see BusinessKey. */
  abstract key: string;

  @Property({ type: 'text' })
  name!: string;

  @Enum({ items: () => CatalogStatus, nativeEnumName: 'catalog_status' })
  status: CatalogStatus = CatalogStatus.ACTIVE;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/** The business-key column of a kind's table: `system_key`, `module_key`... (the legacy names). */
export const BusinessKey = (table: string) => Property({ type: 'text', fieldName: `${table}_key`, unique: true });
