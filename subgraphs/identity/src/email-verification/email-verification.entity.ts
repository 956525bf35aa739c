import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { UserAccount } from '../user/user.entity.js';

/** What a verification proves: the account's own address, or a new one that is to replace it. */
export enum EmailVerificationPurpose {
  PRIMARY = 'PRIMARY',
  NEW_ADDRESS = 'NEW_ADDRESS',
}

/**
 * One verification message: a link (its token's SHA-256 is stored) and a 6-digit code (its keyed
 * hash: 10^6 codes fall to an offline search of a plain hash). Rows stay after use, because cooldown
 * and daily limits count them; an account's deletion takes them with it.
 */
@Entity({ tableName: 'email_verification' })
@Index({ properties: ['user', 'createdAt'] })
@Index({ properties: ['target', 'createdAt'] })
export class EmailVerification {
  [OptionalProps]?: 'id' | 'failedAttempts' | 'createdAt' | 'consumedAt' | 'supersededAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => UserAccount, { ref: true, deleteRule: 'cascade' })
  user!: Ref<UserAccount>;

  @Enum({ items: () => EmailVerificationPurpose, nativeEnumName: 'email_verification_purpose' })
  purpose!: EmailVerificationPurpose;

  /** The address the message went to, lower-cased. */
  @Property({ type: 'text' })
  target!: string;

  @Property({ type: 'text', unique: true, hidden: true })
  tokenHash!: string;

  @Property({ type: 'text', hidden: true })
  codeHash!: string;

  @Property({ type: 'integer', default: 0 })
  failedAttempts: number = 0;

  @Property({ type: 'timestamptz' })
  // The retention sweep (lib/db/retention.ts) finds what is due through it, not by reading the table.
  @Index()
  expiresAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  consumedAt?: Date | null;

  /** A newer message of the same purpose arrived: this one's link and code no longer work. */
  @Property({ type: 'timestamptz', nullable: true })
  supersededAt?: Date | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
