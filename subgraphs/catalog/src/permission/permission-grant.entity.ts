import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';

export type ScopeType = 'SITE' | 'COMPANY';

/**
 * A user may perform `actions` on a system module within a site or a company. Users are named by
 * their subject (`sub`: the external IdP subject, else identity's user id), as the legacy API's
 * `user_sub`. Grants refer to catalog items by business key; the catalog refuses to deactivate an
 * item that a grant names (see catalog/catalog.service.ts).
 */
@Entity({ tableName: 'permission_grant' })
@Unique({
  name: 'permission_grant_target_unique',
  properties: ['userSub', 'scopeType', 'scopeKey', 'systemKey', 'moduleKey'],
})
@Index({ properties: ['systemKey'] })
@Index({ properties: ['moduleKey'] })
@Index({ properties: ['scopeType', 'scopeKey'] })
export class PermissionGrant {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Looked up through the unique constraint's index, which leads with it. */
  @Property({ type: 'text' })
  userSub!: string;

  @Enum({ items: ['SITE', 'COMPANY'], nativeEnumName: 'scope_type' })
  scopeType!: ScopeType;

  /** Business key of the site or company. */
  @Property({ type: 'text' })
  scopeKey!: string;

  @Property({ type: 'text' })
  systemKey!: string;

  @Property({ type: 'text' })
  moduleKey!: string;

  /** Non-empty, distinct, each `^[a-z][a-z0-9_.-]{0,63}$`. */
  @Property({ type: 'text[]' })
  actions!: string[];

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
