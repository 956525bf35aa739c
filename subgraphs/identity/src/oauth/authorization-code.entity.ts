import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { Session } from '../session/session.entity.js';
import { UserAccount } from '../user/user.entity.js';
import { OAuthApplication } from './application.entity.js';

/**
 * An authorization code: single use, short lived, and bound to everything its request named. Only its
 * SHA-256 is stored. Used rows are kept: presenting one again revokes the session it opened.
 */
@Entity({ tableName: 'oauth_authorization_code' })
@Index({ properties: ['user', 'application'] })
export class AuthorizationCode {
  [OptionalProps]?: 'id' | 'createdAt' | 'codeChallenge' | 'nonce' | 'claims' | 'usedAt' | 'issuedSessionId';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text', unique: true })
  codeHash!: string;

  // Indexed, as every foreign key: deleting the referenced row finds this one without a full scan.
  @ManyToOne(() => OAuthApplication, { ref: true, deleteRule: 'cascade', index: true })
  application!: Ref<OAuthApplication>;

  @ManyToOne(() => UserAccount, { ref: true, deleteRule: 'cascade' })
  user!: Ref<UserAccount>;

  /** The user's session that approved it: once that session ends, the code is worthless. */
  @ManyToOne(() => Session, { ref: true, deleteRule: 'cascade', index: true })
  approvedIn!: Ref<Session>;

  @Property({ type: 'text' })
  redirectUri!: string;

  @Property({ type: 'text[]' })
  scopes!: string[];

  /**
   * OpenID Connect: the profile claims the user approved (the consent page listed them). Released only
   * while the member's sharing flags allow them too (lib/oidc/claims.ts).
   */
  @Property({ type: 'text[]', default: '{}' })
  claims: string[] = [];

  /** S256 challenge (PKCE), when the request carried one. */
  @Property({ type: 'text', nullable: true })
  codeChallenge?: string | null;

  /** OpenID Connect: the request's nonce, echoed exactly in the ID token its exchange issues. */
  @Property({ type: 'text', nullable: true })
  nonce?: string | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz' })
  // The retention sweep (lib/db/retention.ts) finds what is due through it, not by reading the table.
  @Index()
  expiresAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  usedAt?: Date | null;

  /** The session its exchange opened; written with usedAt, in the transaction that opens it. */
  @Property({ type: 'uuid', nullable: true })
  issuedSessionId?: string | null;
}
