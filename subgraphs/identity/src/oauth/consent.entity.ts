import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { UserAccount } from '../user/user.entity.js';
import { OAuthApplication } from './application.entity.js';

/** What a user allowed an application: one row per user and application, widened as it asks for more. */
@Entity({ tableName: 'oauth_consent' })
@Unique({ properties: ['user', 'application'] })
export class ApplicationConsent {
  [OptionalProps]?: 'id' | 'authorizedAt' | 'lastUsedAt' | 'claims';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => UserAccount, { ref: true, deleteRule: 'cascade' })
  user!: Ref<UserAccount>;

  @ManyToOne(() => OAuthApplication, { ref: true, deleteRule: 'cascade' })
  @Index()
  application!: Ref<OAuthApplication>;

  @Property({ type: 'text[]' })
  scopes!: string[];

  /**
   * OpenID Connect: every profile claim a consent page showed and the user allowed (widened like the
   * scopes). A claim the user was never shown sends the next request to the consent page again.
   */
  @Property({ type: 'text[]', default: '{}' })
  claims: string[] = [];

  /** When the consent was given, or last widened. */
  @Property({ type: 'timestamptz' })
  authorizedAt: Date = new Date();

  /** The application's last code exchange or refresh for this user. */
  @Property({ type: 'timestamptz', nullable: true })
  lastUsedAt?: Date | null;
}
