import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';

/** What a challenge proves; a code sent for one purpose never confirms the other. */
export enum VerificationPurpose {
  BUSINESS_EMAIL = 'BUSINESS_EMAIL',
  BUSINESS_PHONE = 'BUSINESS_PHONE',
}

/**
 * One code sent to one address. The code itself is never stored: only its keyed hash. Rows are kept
 * after use (consumed, locked or expired) because cooldown and daily limits count them.
 */
@Entity({ tableName: 'verification_challenge' })
@Index({ properties: ['userId', 'createdAt'] })
@Index({ properties: ['target', 'createdAt'] })
export class VerificationChallenge {
  [OptionalProps]?: 'id' | 'failedAttempts' | 'createdAt' | 'consumedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'uuid' })
  tenantId!: string;

  @Enum({ items: () => VerificationPurpose, nativeEnumName: 'verification_purpose' })
  purpose!: VerificationPurpose;

  /** Normalized address: lower-case email or E.164 number. */
  @Property({ type: 'text' })
  target!: string;

  /** HMAC-SHA256 under the server's key: a database dump alone cannot brute-force 10^6 codes. */
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

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
