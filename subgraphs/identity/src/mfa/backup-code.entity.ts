import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { UserAccount } from '../user/user.entity.js';

/** A single-use recovery code for when the authenticator is out of reach. */
@Entity({ tableName: 'backup_code' })
@Index({ properties: ['user', 'codeHash'] })
export class BackupCode {
  [OptionalProps]?: 'id' | 'createdAt' | 'usedAt' | 'keyId';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => UserAccount, { ref: true, deleteRule: 'cascade' })
  user!: Ref<UserAccount>;

  /** HMAC-SHA256 keyed from SECRET_KEY (see backup-codes.ts), hex. */
  @Property({ type: 'text', hidden: true })
  codeHash!: string;

  /**
   * Which SECRET_KEY hashed it (KeyedHasher.keyId): a code whose key is no longer set can never match
   * again, and is not counted as remaining. Null for codes made before key ids were kept.
   */
  @Property({ type: 'text', nullable: true })
  keyId?: string | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  usedAt?: Date | null;
}
