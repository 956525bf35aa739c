import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { UserAccount } from '../user/user.entity.js';

/**
 * A sign-in: the `sid` of every access token it issues and the family of its refresh tokens.
 * Revoking it (logout, reuse of a rotated refresh token, password change) ends them all.
 */
@Entity({ tableName: 'session' })
// Gateways without Redis poll for sessions revoked since a moment (`revoked_at > $1`). Only ended
// sessions are in it, so a sign-in adds no entry to it.
@Index({
  name: 'session_revoked_at_index',
  expression: (table, columns, name) =>
    `create index "${name}" on ${table.toString()} ("${columns.revokedAt}") where "${columns.revokedAt}" is not null`,
})
export class Session {
  [OptionalProps]?: 'id' | 'createdAt' | 'lastUsedAt' | 'revokedAt' | 'revokedReason' | 'stepUpAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => UserAccount, { ref: true, deleteRule: 'cascade' })
  @Index()
  user!: Ref<UserAccount>;

  /** RFC 8176 methods used at sign-in (pwd, otp, ...). */
  @Property({ type: 'text[]' })
  amr!: string[];

  @Property({ type: 'timestamptz' })
  authTime!: Date;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz' })
  lastUsedAt: Date = new Date();

  /** Absolute end: refreshing never extends a session past this. */
  @Property({ type: 'timestamptz' })
  // The retention sweep (lib/db/retention.ts) finds what is due through it, not by reading the table.
  @Index()
  expiresAt!: Date;

  /** Indexed (above) where set. */
  @Property({ type: 'timestamptz', nullable: true })
  revokedAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  revokedReason?: string | null;

  @Property({ type: 'text', nullable: true })
  ipAddress?: string | null;

  @Property({ type: 'text', nullable: true })
  userAgent?: string | null;

  /** Last second-factor check in this session (verifyTotp): sensitive changes require a recent one. */
  @Property({ type: 'timestamptz', nullable: true })
  stepUpAt?: Date | null;
}
