import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/postgresql';

/**
 * A token signing key of one algorithm. The newest active key of an algorithm signs; every key that
 * has not retired is published in the JWKS so tokens signed before a rotation keep verifying until
 * they expire.
 */
@Entity({ tableName: 'signing_key' })
export class SigningKey {
  [OptionalProps]?: 'createdAt' | 'activatesAt' | 'retiresAt' | 'withdrawnAt';

  /** The JWK `kid`. */
  @PrimaryKey({ type: 'text' })
  kid!: string;

  /** The JWS `alg` it signs with: ES256 (access and ID tokens) or RS256 (ID tokens only). */
  @Property({ type: 'text' })
  algorithm!: string;

  @Property({ type: 'jsonb' })
  publicJwk!: Record<string, unknown>;

  /** Private JWK, sealed with SECRET_KEY (lib/crypto/secret-box). */
  @Property({ type: 'text', lazy: true })
  privateJwkSealed!: string;

  @Property({ type: 'timestamptz' })
  @Index()
  createdAt: Date = new Date();

  /**
   * Signing starts here. A rotated-in key is published first and signs only once every verifier's
   * JWKS cache has had time to learn it, so no fresh token carries an unknown `kid`.
   */
  @Property({ type: 'timestamptz' })
  activatesAt: Date = new Date();

  /** Set on rotation: after this instant the key is neither used nor published. */
  @Property({ type: 'timestamptz', nullable: true })
  retiresAt?: Date | null;

  /**
   * Set when an operator withdrew the key in an emergency (it leaked): it retired that instant, and
   * every verifier refuses its tokens from then on, not only once their key sets are re-read
   * (lib/auth/withdrawn-keys.ts). Identity's revocation feed lists it.
   */
  @Property({ type: 'timestamptz', nullable: true })
  withdrawnAt?: Date | null;
}
