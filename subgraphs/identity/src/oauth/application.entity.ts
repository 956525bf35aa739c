import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_ID_TOKEN_SIGNING_ALGORITHM,
  ID_TOKEN_SIGNING_ALGORITHMS,
  type IdTokenSigningAlgorithm,
} from '../../../../lib/oidc/id-token-algorithms.js';

export const clientTypes = ['confidential', 'public'] as const;
/** Confidential clients authenticate with their secret; public ones (SPAs, native apps) have none and use PKCE. */
export type ClientType = (typeof clientTypes)[number];

/**
 * A third-party application registered by an administrator: users sign in to it through the
 * authorization code flow. The secret is shown once and kept only as a hash.
 */
@Entity({ tableName: 'oauth_application' })
export class OAuthApplication {
  [OptionalProps]?:
    | 'id'
    | 'description'
    | 'allowedOrigins'
    | 'postLogoutRedirectUris'
    | 'idTokenSigningAlgorithm'
    | 'clientType'
    | 'clientSecretHash'
    | 'clientSecretPrefix'
    | 'primaryColor'
    | 'secondaryColor'
    | 'logoUrl'
    | 'backgroundImageUrl'
    | 'createdAt'
    | 'updatedAt'
    | 'secretRotatedAt'
    | 'deletedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text', unique: true })
  clientId!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  description?: string | null;

  /** Compared character for character with the redirect_uri of each request. */
  @Property({ type: 'text[]' })
  redirectUris!: string[];

  /**
   * OpenID Connect RP-initiated logout: where the end-session endpoint may send the browser back,
   * compared character for character, under the redirect URIs' rules.
   */
  @Property({ type: 'text[]', default: '{}' })
  postLogoutRedirectUris: string[] = [];

  /** OpenID Connect Registration's `id_token_signed_response_alg`: how its ID tokens are signed. */
  @Enum({ items: [...ID_TOKEN_SIGNING_ALGORITHMS], default: DEFAULT_ID_TOKEN_SIGNING_ALGORITHM })
  idTokenSigningAlgorithm: IdTokenSigningAlgorithm = DEFAULT_ID_TOKEN_SIGNING_ALGORITHM;

  /** Bare origins of the application's web front end. */
  @Property({ type: 'text[]' })
  allowedOrigins: string[] = [];

  @Enum({ items: [...clientTypes] })
  clientType: ClientType = 'confidential';

  /** SHA-256 (hex) of the client secret; null for a public client. */
  @Property({ type: 'text', nullable: true, lazy: true, hidden: true })
  clientSecretHash?: string | null;

  /** The first characters of the secret, so admins can tell secrets apart. */
  @Property({ type: 'text', nullable: true })
  clientSecretPrefix?: string | null;

  /** Theme of the hosted sign-in and consent pages: `#rrggbb` colours and https image URLs. */
  @Property({ type: 'text', nullable: true })
  primaryColor?: string | null;

  @Property({ type: 'text', nullable: true })
  secondaryColor?: string | null;

  @Property({ type: 'text', nullable: true })
  logoUrl?: string | null;

  @Property({ type: 'text', nullable: true })
  backgroundImageUrl?: string | null;

  /** The administrator who registered it. */
  @Property({ type: 'uuid' })
  ownerId!: string;

  /** The owner's tenant: group admins manage the applications of their own tenant. */
  @Property({ type: 'uuid' })
  @Index()
  tenantId!: string;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  secretRotatedAt?: Date | null;

  /** Soft delete: a deleted application is unknown to every endpoint, and its tokens are revoked. */
  @Property({ type: 'timestamptz', nullable: true })
  deletedAt?: Date | null;
}
