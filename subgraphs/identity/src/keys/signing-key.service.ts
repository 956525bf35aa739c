import { randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_TTL_SECONDS,
  API_AUDIENCE,
  SERVICE_TOKEN_TTL_SECONDS,
} from '../../../../lib/auth/access-token.js';
import type { Role } from '../../../../lib/auth/principal.js';
import type { SealedSecretSample } from '../../../../lib/crypto/sealed-secrets.js';
import type { SecretBox } from '../../../../lib/crypto/secret-box.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { es256PrivateKey, signCompactJws } from './compact-jws.js';
import { SigningKey } from './signing-key.entity.js';

export interface AccessTokenClaims {
  readonly userId: string;
  readonly tenantId: string;
  readonly role: Role;
  readonly sessionId: string;
  readonly scopes: readonly string[];
  readonly amr: readonly string[];
  readonly authTime: number;
  /** An OAuth application's token: the application it was issued to (RFC 9068 `client_id`). */
  readonly clientId?: string;
  /** When the session ends unless refreshed (SessionService.endsAt): the token expires by then. */
  readonly sessionEndsAt?: Date;
}

/** OpenID Connect Core §2: what an ID token says of a sign-in, for one application (`aud`). */
export interface IdTokenClaims {
  readonly userId: string;
  readonly clientId: string;
  /** The application's session (the `sid` of its access tokens): what end-session ends. */
  readonly sessionId: string;
  readonly authTime: number;
  readonly amr: readonly string[];
  /** Echoed exactly; absent on refresh (OIDC Core §12.2) and when the request sent none. */
  readonly nonce?: string | null;
  /** OIDC Core §3.1.3.6: the left half of the access token's SHA-256, base64url. */
  readonly accessTokenHash: string;
  /** The released profile claims (lib/oidc/claims.ts), already filtered by scope, flags and consent. */
  readonly profile?: Readonly<Record<string, string | number | boolean>>;
}

/** As long as an access token, so the keys' rollover (which waits for the last access token) covers it too. */
export const ID_TOKEN_TTL_SECONDS = ACCESS_TOKEN_TTL_SECONDS;

export interface IssuedAccessToken {
  readonly token: string;
  readonly tokenId: string;
  readonly expiresIn: number;
}

interface ActiveKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly loadedAt: number;
}

/** How long a replica trusts its cached active key before re-reading (another replica may rotate). */
const ACTIVE_KEY_CACHE_MS = 30_000;
/**
 * Between publishing a rotated-in key and signing with it: longer than the gateway's JWKS response
 * cache (5 min) and jose's remote key-set cache in every verifier (10 min).
 */
export const KEY_PROPAGATION_MS = 15 * 60_000;
/** A verifier meeting an unknown `kid` re-reads the key set at most this often. */
const UNKNOWN_KID_RELOAD_MS = 1_000;

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
   * Rolls the key over: the new key is published at once and signs from `activatesAt` (after the
   * propagation delay); the current keys keep signing until then, and stay published until every
   * token they signed has expired (TTL plus a minute of clock skew).
   */
  async rotate(options: { activateAfterMs?: number } = {}): Promise<string> {
    const em = this.em();
    const activatesAt = new Date(Date.now() + (options.activateAfterMs ?? KEY_PROPAGATION_MS));
    const retiresAt = new Date(activatesAt.getTime() + (ACCESS_TOKEN_TTL_SECONDS + 60) * 1000);
    await em.nativeUpdate(SigningKey, { retiresAt: null }, { retiresAt });
    const kid = await this.createKey(em, activatesAt);
    this.active = undefined;
    return kid;
  }

  /**
   * Identity's own verifier reads the key set from the database, not over HTTP; cached briefly so a
   * rotation on another replica is seen within seconds.
   */
  keyResolver(): JWTVerifyGetKey {
    let cached: { resolve: JWTVerifyGetKey; kids: Set<string | undefined>; at: number } | undefined;
    const load = async () => {
      const set = await this.jwks();
      cached = { resolve: createLocalJWKSet(set), kids: new Set(set.keys.map((k) => k.kid)), at: Date.now() };
      return cached;
    };
    return async (header, token) => {
      let current = cached && Date.now() - cached.at <= ACTIVE_KEY_CACHE_MS ? cached : await load();
      if (!current.kids.has(header.kid) && Date.now() - current.at > UNKNOWN_KID_RELOAD_MS) current = await load();
      return current.resolve(header, token);
    };
  }

  /** The newest private key as stored, for the start-up check that SECRET_KEY opens it. */
  async newestSealedSecret(): Promise<SealedSecretSample | undefined> {
    const [newest] = await this.em().find(
      SigningKey,
      {},
      { orderBy: { createdAt: 'desc' }, limit: 1, populate: ['privateJwkSealed'] },
    );
    if (!newest) return undefined;
    return { kind: 'signing keys', sealedAt: newest.createdAt, sealed: newest.privateJwkSealed, box: this.box };
  }

  async jwks(): Promise<JSONWebKeySet> {
    const keys = await this.em().find(
      SigningKey,
      { $or: [{ retiresAt: null }, { retiresAt: { $gt: new Date() } }] },
      { orderBy: { createdAt: 'desc' } },
    );
    return { keys: keys.map((k) => ({ ...k.publicJwk, kid: k.kid, alg: k.algorithm, use: 'sig' })) };
  }

  /** `issuedAt` backdates issuance (seconds since the epoch); tokens are otherwise issued now. */
  async signAccessToken(claims: AccessTokenClaims, issuedAt?: number): Promise<IssuedAccessToken> {
    const key = await this.activeKey();
    const iat = issuedAt ?? Math.floor(Date.now() / 1000);
    // A session that ends sooner than the usual lifetime takes its tokens with it: nothing need be
    // revoked at its absolute or idle end. Whole seconds, rounded up, and at least one: a session
    // judged live a moment ago gets a token, not an error.
    const sessionEnd = claims.sessionEndsAt ? Math.ceil(claims.sessionEndsAt.getTime() / 1000) : Infinity;
    const exp = Math.max(iat + 1, Math.min(iat + ACCESS_TOKEN_TTL_SECONDS, sessionEnd));
    const tokenId = randomUUID();
    const token = signCompactJws(
      { alg: ACCESS_TOKEN_ALGORITHM, kid: key.kid, typ: 'at+jwt' },
      {
        sid: claims.sessionId,
        tid: claims.tenantId,
        role: claims.role,
        scope: claims.scopes.join(' '),
        amr: [...claims.amr],
        auth_time: claims.authTime,
        ...(claims.clientId ? { client_id: claims.clientId } : {}),
        iss: this.issuer,
        sub: claims.userId,
        aud: API_AUDIENCE,
        iat,
        exp,
        jti: tokenId,
      },
      key.privateKey,
    );
    return { token, tokenId, expiresIn: exp - iat };
  }

  /**
   * An OpenID Connect ID token: the same keys and `kid` as access tokens, `typ: JWT` and the
   * application as audience, so it is never accepted as an access token (whose audience is the API).
   */
  async signIdToken(claims: IdTokenClaims): Promise<string> {
    const key = await this.activeKey();
    const iat = Math.floor(Date.now() / 1000);
    return signCompactJws(
      { alg: ACCESS_TOKEN_ALGORITHM, kid: key.kid, typ: 'JWT' },
      {
        ...claims.profile,
        auth_time: claims.authTime,
        ...(claims.nonce ? { nonce: claims.nonce } : {}),
        amr: [...claims.amr],
        sid: claims.sessionId,
        at_hash: claims.accessTokenHash,
        iss: this.issuer,
        sub: claims.userId,
        aud: claims.clientId,
        iat,
        exp: iat + ID_TOKEN_TTL_SECONDS,
      },
      key.privateKey,
    );
  }

  /** A short-lived token standing for an API client, for the gateway's calls to subgraphs. */
  async signServiceToken(client: { id: string; scopes: readonly string[] }): Promise<IssuedAccessToken> {
    const key = await this.activeKey();
    const tokenId = randomUUID();
    const iat = Math.floor(Date.now() / 1000);
    const token = signCompactJws(
      { alg: ACCESS_TOKEN_ALGORITHM, kid: key.kid, typ: 'at+jwt' },
      {
        client_id: client.id,
        scope: client.scopes.join(' '),
        iss: this.issuer,
        sub: `client:${client.id}`,
        aud: API_AUDIENCE,
        iat,
        exp: iat + SERVICE_TOKEN_TTL_SECONDS,
        jti: tokenId,
      },
      key.privateKey,
    );
    return { token, tokenId, expiresIn: SERVICE_TOKEN_TTL_SECONDS };
  }

  private async activeKey(): Promise<ActiveKey> {
    if (this.active && Date.now() - this.active.loadedAt < ACTIVE_KEY_CACHE_MS) return this.active;
    const em = this.em();
    const now = new Date();
    const newest = await em.findOne(
      SigningKey,
      { activatesAt: { $lte: now }, $or: [{ retiresAt: null }, { retiresAt: { $gt: now } }] },
      { orderBy: { activatesAt: 'desc' }, populate: ['privateJwkSealed'] },
    );
    if (!newest) {
      await this.createKey(em);
      return this.activeKey();
    }
    const jwk = JSON.parse(this.box.open(newest.privateJwkSealed)) as JsonWebKey;
    this.active = { kid: newest.kid, privateKey: es256PrivateKey(jwk), loadedAt: Date.now() };
    return this.active;
  }

  private async createKey(em: EntityManager, activatesAt = new Date()): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { extractable: true });
    const kid = randomUUID();
    const key = em.create(SigningKey, {
      kid,
      algorithm: ACCESS_TOKEN_ALGORITHM,
      publicJwk: { ...(await exportJWK(publicKey)) },
      privateJwkSealed: this.box.seal(JSON.stringify(await exportJWK(privateKey))),
      activatesAt,
    });
    await em.persistAndFlush(key);
    return kid;
  }
}
