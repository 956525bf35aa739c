import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { Role } from '../../../../lib/auth/principal.js';
import { Tenant } from '../tenant/tenant.entity.js';

/** An account. Secret columns live here and never leave the identity service. */
@Entity({ tableName: 'user_account' })
// Every admin change that could leave no system admin counts them (UserAdminService): a handful of
// rows, found without reading every account.
@Index({
  name: 'user_account_system_admin_index',
  expression: (table, columns, name) =>
    `create index "${name}" on ${table.toString()} ("${columns.isActive}") where "${columns.role}" = 'SYSTEM_ADMIN'`,
})
export class UserAccount {
  [OptionalProps]?:
    | 'id'
    | 'createdAt'
    | 'updatedAt'
    | 'isActive'
    | 'role'
    | 'lastLoginAt'
    | 'passwordHash'
    | 'externalSub'
    | 'failedLoginCount'
    | 'throttledUntil'
    | 'emailVerifiedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Tenant, { ref: true, deleteRule: 'restrict' })
  @Index()
  tenant!: Ref<Tenant>;

  /** Stored lower-cased; unique across the platform. */
  @Property({ type: 'text', unique: true })
  email!: string;

  /**
   * When the person proved they receive mail at `email` (a verification link or code, or a password
   * reset link sent there); null until then, and for accounts made before verification existed.
   */
  @Property({ type: 'timestamptz', nullable: true })
  emailVerifiedAt?: Date | null;

  @Property({ type: 'text', nullable: true, unique: true })
  username?: string | null;

  @Property({ type: 'text', nullable: true })
  displayName?: string | null;

  /** argon2id PHC string; null for accounts provisioned without a password. */
  @Property({ type: 'text', nullable: true, hidden: true, lazy: true })
  passwordHash?: string | null;

  @Enum({ items: ['SYSTEM_ADMIN', 'GROUP_ADMIN', 'USER'], nativeEnumName: 'role' })
  role: Role = 'USER';

  @Property({ type: 'boolean' })
  isActive: boolean = true;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  lastLoginAt?: Date | null;

  /** Subject at an external identity provider (seed 000's `user_sub`); `sub` is this or the id. */
  @Property({ type: 'text', nullable: true, unique: true })
  externalSub?: string | null;

  /** Consecutive failed sign-ins; reset by a success. */
  @Property({ type: 'integer', default: 0 })
  failedLoginCount: number = 0;

  /** Sign-in is refused until then, whatever the password (brute-force throttle). */
  @Property({ type: 'timestamptz', nullable: true })
  throttledUntil?: Date | null;

  /**
   * Deleted by an administrator: the row stays (audit entries and grants refer to its id) but its
   * personal data and credentials are gone, and no query finds it.
   */
  @Property({ type: 'timestamptz', nullable: true })
  @Index()
  deletedAt?: Date | null;
}
