import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/postgresql';

/**
 * An access-token signing key. The newest active key signs; every key that has not retired is
 * published in the JWKS so tokens signed before a rotation keep verifying until they expire.
 */
@Entity({ tableName: 'signing_key' })
export class SigningKey {
  [OptionalProps]?: 'createdAt' | 'retiresAt';

  /** The JWK `kid`. */
  @PrimaryKey({ type: 'text' })
  kid!: string;

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

  /** Set on rotation: after this instant the key is neither used nor published. */
  @Property({ type: 'timestamptz', nullable: true })
  retiresAt?: Date | null;
}
