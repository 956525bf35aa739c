import { randomUUID } from 'node:crypto';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
  type JWK,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose';
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_TTL_SECONDS,
  API_AUDIENCE,
} from '../../../../lib/auth/access-token.js';
import type { Role } from '../../../../lib/auth/principal.js';
import type { SecretBox } from '../../../../lib/crypto/secret-box.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { SigningKey } from './signing-key.entity.js';

export interface AccessTokenClaims {
  readonly userId: string;
  readonly tenantId: string;
  readonly role: Role;
  readonly sessionId: string;
  readonly scopes: readonly string[];
  readonly amr: readonly string[];
  readonly authTime: number;
}

export interface IssuedAccessToken {
  readonly token: string;
  readonly tokenId: string;
  readonly expiresIn: number;
}

interface ActiveKey {
  readonly kid: string;
  readonly privateKey: Awaited<ReturnType<typeof importJWK>>;
  readonly loadedAt: number;
}

/** How long a replica trusts its cached active key before re-reading (another replica may rotate). */
const ACTIVE_KEY_CACHE_MS = 30_000;

/**
 * Owns the rotating ES256 key set: creates the first key, rotates, publishes the JWKS and signs
 * access tokens with claims `iss sub aud exp iat jti sid tid role scope amr auth_time`.
 */
export class SigningKeyService {
  private active: ActiveKey | undefined;

  constructor(
    private readonly em: () => EntityManager,
    private readonly box: SecretBox,
    private readonly issuer: string,
  ) {}

  /** At start: make sure one usable key exists. */
  async ensureKey(): Promise<void> {
    const em = this.em();
    const usable = await em.count(SigningKey, { $or: [{ retiresAt: null }, { retiresAt: { $gt: new Date() } }] });
    if (usable === 0) await this.createKey(em);
  }

  /**
   * New key signs from now on; the previous ones stay published until every token they signed has
   * expired (TTL plus a minute of clock skew), then drop out of the JWKS.
   */
  async rotate(): Promise<string> {
    const em = this.em();
    const retiresAt = new Date(Date.now() + (ACCESS_TOKEN_TTL_SECONDS + 60) * 1000);
    await em.nativeUpdate(SigningKey, { retiresAt: null }, { retiresAt });
    const kid = await this.createKey(em);
    this.active = undefined;
    return kid;
  }

  /**
   * Identity's own verifier reads the key set from the database, not over HTTP; cached briefly so a
   * rotation on another replica is seen within seconds.
   */
  keyResolver(): JWTVerifyGetKey {
    let cached: { resolve: JWTVerifyGetKey; at: number } | undefined;
    return async (header, token) => {
      if (!cached || Date.now() - cached.at > ACTIVE_KEY_CACHE_MS) {
        cached = { resolve: createLocalJWKSet(await this.jwks()), at: Date.now() };
      }
      return cached.resolve(header, token);
    };
  }

  async jwks(): Promise<JSONWebKeySet> {
    const keys = await this.em().find(
      SigningKey,
      { $or: [{ retiresAt: null }, { retiresAt: { $gt: new Date() } }] },
      { orderBy: { createdAt: 'desc' } },
    );
    return { keys: keys.map((k) => ({ ...k.publicJwk, kid: k.kid, alg: k.algorithm, use: 'sig' }) as JWK) };
  }

  async signAccessToken(claims: AccessTokenClaims): Promise<IssuedAccessToken> {
    const key = await this.activeKey();
    const tokenId = randomUUID();
    const token = await new SignJWT({
      sid: claims.sessionId,
      tid: claims.tenantId,
      role: claims.role,
      scope: claims.scopes.join(' '),
      amr: [...claims.amr],
      auth_time: claims.authTime,
    })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: key.kid, typ: 'at+jwt' })
      .setIssuer(this.issuer)
      .setSubject(claims.userId)
      .setAudience(API_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ACCESS_TOKEN_TTL_SECONDS}s`)
      .setJti(tokenId)
      .sign(key.privateKey);
    return { token, tokenId, expiresIn: ACCESS_TOKEN_TTL_SECONDS };
  }

  private async activeKey(): Promise<ActiveKey> {
    if (this.active && Date.now() - this.active.loadedAt < ACTIVE_KEY_CACHE_MS) return this.active;
    const em = this.em();
    const newest = await em.findOne(
      SigningKey,
      { retiresAt: null },
      { orderBy: { createdAt: 'desc' }, populate: ['privateJwkSealed'] },
    );
    if (!newest) {
      await this.createKey(em);
      return this.activeKey();
    }
    const jwk = JSON.parse(this.box.open(newest.privateJwkSealed)) as JWK;
    this.active = { kid: newest.kid, privateKey: await importJWK(jwk, newest.algorithm), loadedAt: Date.now() };
    return this.active;
  }

  private async createKey(em: EntityManager): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { extractable: true });
    const kid = randomUUID();
    const key = em.create(SigningKey, {
      kid,
      algorithm: ACCESS_TOKEN_ALGORITHM,
      publicJwk: { ...(await exportJWK(publicKey)) },
      privateJwkSealed: this.box.seal(JSON.stringify(await exportJWK(privateKey))),
    });
    await em.persistAndFlush(key);
    return kid;
  }
}
