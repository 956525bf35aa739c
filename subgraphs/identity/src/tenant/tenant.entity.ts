import { Entity, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';

/** Every user belongs to one tenant; seed 003's `tenant_id` is this id. */
@Entity({ tableName: 'tenant' })
export class Tenant {
  [OptionalProps]?: 'id' | 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text' })
  @Unique()
  slug!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}

export const DEFAULT_TENANT_SLUG = 'default';
