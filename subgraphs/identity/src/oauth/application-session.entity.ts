import {
  Entity,
  Index,
  ManyToOne,
  OneToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  type Ref,
} from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { Session } from '../session/session.entity.js';
import { UserAccount } from '../user/user.entity.js';
import { OAuthApplication } from './application.entity.js';

/**
 * A session opened for an application by a code exchange. It is a real `Session` (the `sid` of the
 * application's access tokens), so revoking it reaches every gateway through the revocation feed.
 */
@Entity({ tableName: 'oauth_session' })
@Index({ properties: ['user', 'application'] })
export class ApplicationSession {
  [OptionalProps]?: 'id' | 'createdAt' | 'claims';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @OneToOne(() => Session, { owner: true, ref: true, deleteRule: 'cascade' })
  session!: Ref<Session>;

  @ManyToOne(() => OAuthApplication, { ref: true, deleteRule: 'cascade' })
  @Index()
  application!: Ref<OAuthApplication>;

  @ManyToOne(() => UserAccount, { ref: true, deleteRule: 'cascade' })
  user!: Ref<UserAccount>;

  /** What the code granted; a refresh may narrow its token's scope, never widen it. */
  @Property({ type: 'text[]' })
  scopes!: string[];

  /** The profile claims the code's approval covered (OpenID Connect); the flags still decide each release. */
  @Property({ type: 'text[]', default: '{}' })
  claims: string[] = [];

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}

/**
 * An application's refresh token. Kept apart from first-party refresh tokens, so that an
 * application's token can never be traded at `refreshToken` for a first-party (full-role) token.
 * Rotated on every use; presenting a rotated one again ends the session.
 */
@Entity({ tableName: 'oauth_refresh_token' })
export class ApplicationRefreshToken {
  [OptionalProps]?: 'id' | 'createdAt' | 'usedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => ApplicationSession, { ref: true, deleteRule: 'cascade' })
  @Index()
  grant!: Ref<ApplicationSession>;

  @Property({ type: 'text', unique: true })
  tokenHash!: string;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  usedAt?: Date | null;
}
