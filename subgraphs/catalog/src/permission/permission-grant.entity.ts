import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';

export type ScopeType = 'SITE' | 'COMPANY';

/** A user may perform `actions` on a system module within a site or a company. */
@Entity({ tableName: 'permission_grant' })
export class PermissionGrant {
  [OptionalProps]?: 'id' | 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  @Index()
  userId!: string;

  @Enum({ items: ['SITE', 'COMPANY'], nativeEnumName: 'scope_type' })
  scopeType!: ScopeType;

  /** Business key of the site or company. */
  @Property({ type: 'text' })
  scopeKey!: string;

  @Property({ type: 'text' })
  systemKey!: string;

  @Property({ type: 'text' })
  moduleKey!: string;

  @Property({ type: 'text[]' })
  actions!: string[];

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
