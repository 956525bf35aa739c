import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { UserAccount } from '../user/user.entity.js';

/**
 * One password reset request. Written for unknown addresses too (no user, a token nobody receives):
 * the request does the same work either way, and the per-address limits count them. The address is
 * kept only as a keyed hash, so the table is no list of who tried which address; only the token's
 * SHA-256 is stored.
 */
@Entity({ tableName: 'password_reset_ticket' })
@Index({ properties: ['addressHash', 'createdAt'] })
@Index({ properties: ['user', 'createdAt'] })
export class PasswordResetTicket {
  [OptionalProps]?: 'id' | 'createdAt' | 'usedAt' | 'supersededAt' | 'user' | 'sent';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => UserAccount, { ref: true, nullable: true, deleteRule: 'cascade' })
  user?: Ref<UserAccount> | null;

  @Property({ type: 'text' })
  addressHash!: string;

  @Property({ type: 'text', unique: true, hidden: true })
  tokenHash!: string;

  /** False when the limits held the mail back (or there was nobody to send it to). */
  @Property({ type: 'boolean', default: false })
  sent: boolean = false;

  @Property({ type: 'timestamptz' })
  // The retention sweep (lib/db/retention.ts) finds what is due through it, not by reading the table.
  @Index()
  expiresAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  usedAt?: Date | null;

  /** A newer request for the account voided this one. */
  @Property({ type: 'timestamptz', nullable: true })
  supersededAt?: Date | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
