import {
  BigIntType,
  Entity,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  type Ref,
} from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { UserAccount } from '../user/user.entity.js';

/**
 * A user's authenticator (TOTP). Pending (no `confirmedAt`) from enrollment start until the first
 * correct code, which must come before `pendingExpiresAt`.
 */
@Entity({ tableName: 'totp_factor' })
export class TotpFactor {
  [OptionalProps]?: 'id' | 'createdAt' | 'confirmedAt' | 'pendingExpiresAt' | 'lastUsedStep';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** One factor per user. */
  @ManyToOne(() => UserAccount, { ref: true, deleteRule: 'cascade', unique: true })
  user!: Ref<UserAccount>;

  /** Base32 secret sealed with SECRET_KEY (secret box of purpose 'totp'): never stored in clear. */
  @Property({ type: 'text', lazy: true, hidden: true })
  secretSealed!: string;

  /** Indexed: every start opens the newest secret (SECRET_KEY check) without reading them all. */
  @Property({ type: 'timestamptz' })
  @Index()
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  confirmedAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  pendingExpiresAt?: Date | null;

  /** Highest time step accepted so far: a step is accepted at most once (replay protection). */
  @Property({ type: new BigIntType('number'), default: 0 })
  lastUsedStep: number = 0;
}
