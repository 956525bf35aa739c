import { randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import {
  createLocalJWKSet,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose';
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_TTL_SECONDS,
  API_AUDIENCE,
  SERVICE_TOKEN_TTL_SECONDS,
} from '../../../../lib/auth/access-token.js';
import type { Role } from '../../../../lib/auth/principal.js';
import type { RevocationFeedEntry, SessionRevocations } from '../../../../lib/auth/revocation.js';
import { withdrawalHorizon, withdrawnKeyEntry } from '../../../../lib/auth/withdrawn-keys.js';
import type { SecretBox } from '../../../../lib/crypto/secret-box.js';
import { afterCommit } from '../../../../lib/db/after-commit.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import {
  DEFAULT_ID_TOKEN_SIGNING_ALGORITHM,
  ID_TOKEN_SIGNING_ALGORITHMS,
  type IdTokenSigningAlgorithm,
} from '../../../../lib/oidc/id-token-algorithms.js';
import { jwsPrivateKey, RSA_MODULUS_BITS, signCompactJws, type JwsAlgorithm } from './compact-jws.js';
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
  /** The application's registered algorithm; ES256 unless it chose RS256. */
  readonly algorithm?: IdTokenSigningAlgorithm;
}

/** As long as an access token, so the keys' rollover (which waits for the last access token) covers it too. */
export const ID_TOKEN_TTL_SECONDS = ACCESS_TOKEN_TTL_SECONDS;

export interface IssuedAccessToken {
  readonly token: string;
  readonly tokenId: string;
  readonly expiresIn: number;
}

/** Every algorithm identity signs with, one rotating key each: access tokens' and ID tokens'. */
export const SIGNING_ALGORITHMS: readonly JwsAlgorithm[] = [
  ...new Set<JwsAlgorithm>([ACCESS_TOKEN_ALGORITHM, ...ID_TOKEN_SIGNING_ALGORITHMS]),
];

/** What a rollover did: the new key, from when it signs, and the keys an emergency one withdrew. */
export interface KeyRotation {
  readonly algorithm: JwsAlgorithm;
  readonly kid: string;
  readonly activatesAt: Date;
  readonly withdrawn: readonly string[];
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
/** Between scheduled rollovers of each algorithm's key, unless SIGNING_KEY_ROTATION_DAYS says otherwise. */
export const DEFAULT_KEY_ROTATION_DAYS = 90;
const DAY_MS = 86_400_000;
/**
 * One replica at a time rolls keys over, on schedule or on request, until its transaction ends. Not
 * lib/db/transaction-lock.ts: its lock keeps the `hashtext` key replicas of the release that
 * introduced it take, so old and new replicas exclude each other during a deployment.
 */
async function lockRollovers(tx: EntityManager): Promise<void> {
  await tx.execute(`select pg_advisory_xact_lock(hashtext('membergraph:signing-key-rotation'))`);
}
/** A verifier meeting an unknown `kid` re-reads the key set at most this often. */
const UNKNOWN_KID_RELOAD_MS = 1_000;

/** Not retired: published, and signing once active. */
const unretired = (now = new Date()) => ({ $or: [{ retiresAt: null }, { retiresAt: { $gt: now } }] });

/**
 * Owns the rotating key sets, one per algorithm (ES256 signs access tokens and ID tokens by default,
 * RS256 the ID tokens of applications that ask for it): creates the first keys, rotates, publishes
 * the JWKS and signs access tokens with claims `iss sub aud exp iat jti sid tid role scope amr auth_time`.
 */
export class SigningKeyService {
  private readonly active = new Map<JwsAlgorithm, ActiveKey>();
  /** The published keys as identity's own verifiers read them (keyResolver). */
  private publishedKeys: { resolve: JWTVerifyGetKey; kids: Set<string | undefined>; at: number } | undefined;

  constructor(
    private readonly em: () => EntityManager,
    private readonly box: SecretBox,
    private readonly issuer: string,
    /** Where withdrawn keys are announced, and where this replica hears of another's withdrawal. */
    private readonly revocations: SessionRevocations,
  ) {}

  /**
   * At start: make sure every algorithm has a usable key, so the JWKS a verifier caches already
   * holds the key of any application's ID tokens. The keys are made side by side (an RSA key takes
   * 0.1 to 0.5 s), and only on a fresh database or after an algorithm is added.
   */
  async ensureKeys(): Promise<void> {
    const em = this.em();
    const usable = await em.find(SigningKey, unretired(), { fields: ['kid', 'algorithm'] });
    const missing = SIGNING_ALGORITHMS.filter((algorithm) => !usable.some((key) => key.algorithm === algorithm));
    await Promise.all(missing.map((algorithm) => this.addKey(em, algorithm)));
    await em.flush();
  }

  /**
   * Rolls one algorithm's key over (ES256 unless named): the new key is published at once and signs
   * from `activatesAt` (after the propagation delay); the current key keeps signing until then, and
   * stays published until every token it signed has expired (TTL plus a minute of clock skew).
   */
  async rotate(options: { algorithm?: JwsAlgorithm; activateAfterMs?: number } = {}): Promise<string> {
    const algorithm = options.algorithm ?? ACCESS_TOKEN_ALGORITHM;
    const em = this.em();
    const { kid } = await this.rollOver(em, algorithm, options.activateAfterMs ?? KEY_PROPAGATION_MS);
    await em.flush();
    this.active.delete(algorithm);
    return kid;
  }

  /**
   * The scheduled rollover: every algorithm whose newest key was made more than `rotationDays` ago
   * rolls over as `rotate` does (the new key signs after the propagation delay). Every replica may
   * run it: one decides at a time, and the next finds a fresh key. Answers the new keys' kids.
   */
  async rotateDue(rotationDays: number, now = new Date()): Promise<string[]> {
    const dueBefore = new Date(now.getTime() - rotationDays * DAY_MS);
    const rotated = await this.em().transactional(async (tx) => {
      await lockRollovers(tx);
      const keys = await tx.find(SigningKey, unretired(now), {
        fields: ['kid', 'algorithm', 'createdAt'],
        orderBy: { createdAt: 'desc' },
      });
      const due = SIGNING_ALGORITHMS.filter((algorithm) => {
        const newest = keys.find((key) => key.algorithm === algorithm);
        // None at all is ensureKeys' and activeKey's to mend, not a rollover.
        return newest !== undefined && newest.createdAt < dueBefore;
      });
      const kids: string[] = [];
      for (const algorithm of due) kids.push((await this.rollOver(tx, algorithm, KEY_PROPAGATION_MS)).kid);
      return { due, kids };
    });
    for (const algorithm of rotated.due) this.active.delete(algorithm);
    return rotated.kids;
  }

  /**
   * An operator's rollover of one algorithm's key, with `audit` recording it in the same transaction.
   * Planned (`immediately` false), as the schedule's: the new key is published now and signs after the
   * propagation delay. Immediately, for a key that leaked: every unretired key of the algorithm
   * retires now and is withdrawn, and the new key signs at once. Verifiers hear of a withdrawal
   * through the revocation store (lib/auth/withdrawn-keys.ts) and refuse the old keys' tokens at their
   * next request, though their key sets still hold them; sessions carry on, their next refresh signed
   * by the new key. Relying parties verifying ID tokens learn it from the JWKS (cacheable 5 minutes).
   */
  async rotateOnRequest(
    algorithm: JwsAlgorithm,
    immediately: boolean,
    audit: (tx: EntityManager, rotation: KeyRotation) => void,
  ): Promise<KeyRotation> {
    const rotation = await this.em().transactional(async (tx) => {
      await lockRollovers(tx);
      const result = immediately
        ? await this.withdrawCurrent(tx, algorithm)
        : { algorithm, ...(await this.rollOver(tx, algorithm, KEY_PROPAGATION_MS)), withdrawn: [] };
      audit(tx, result);
      return result;
    });
    this.active.delete(algorithm);
    if (immediately) this.publishedKeys = undefined;
    return rotation;
  }

  /** Every key, newest first: what an operator reads before and after a rollover. */
  list(em: EntityManager, limit = 100): Promise<SigningKey[]> {
    return em.find(SigningKey, {}, { orderBy: { createdAt: 'desc' }, limit });
  }

  /** Keys withdrawn after `since`, as entries of identity's revocation feed (withdrawn-keys.ts). */
  async withdrawnSince(em: EntityManager, since: Date): Promise<RevocationFeedEntry[]> {
    const keys = await em.find(
      SigningKey,
      { withdrawnAt: { $gt: since } },
      { orderBy: { withdrawnAt: 'asc' }, fields: ['kid', 'withdrawnAt'] },
    );
    return keys.map((key) => ({
      sessionId: withdrawnKeyEntry(key.kid),
      revokedAt: key.withdrawnAt!.toISOString(),
      until: withdrawalHorizon(key.withdrawnAt!),
    }));
  }

  /**
   * Identity's own verifiers (introspection, end-session's ID token hint, its GraphQL) read the key
   * set from the database, not over HTTP; cached briefly so a rotation on another replica is seen
   * within seconds, and at once for a key withdrawn anywhere.
   */
  keyResolver(): JWTVerifyGetKey {
    const load = async () => {
      const set = await this.jwks();
      this.publishedKeys = {
        resolve: createLocalJWKSet(set),
        kids: new Set(set.keys.map((k) => k.kid)),
        at: Date.now(),
      };
      return this.publishedKeys;
    };
    return async (header, token) => {
      if (header.kid !== undefined && (await this.isWithdrawn(header.kid))) throw new joseErrors.JWKSNoMatchingKey();
      const cached = this.publishedKeys;
      let current = cached && Date.now() - cached.at <= ACTIVE_KEY_CACHE_MS ? cached : await load();
      if (!current.kids.has(header.kid) && Date.now() - current.at > UNKNOWN_KID_RELOAD_MS) current = await load();
      return current.resolve(header, token);
    };
  }

  async jwks(): Promise<JSONWebKeySet> {
    const keys = await this.em().find(SigningKey, unretired(), { orderBy: { createdAt: 'desc' } });
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
    const algorithm = claims.algorithm ?? DEFAULT_ID_TOKEN_SIGNING_ALGORITHM;
    const key = await this.activeKey(algorithm);
    const iat = Math.floor(Date.now() / 1000);
    return signCompactJws(
      { alg: algorithm, kid: key.kid, typ: 'JWT' },
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

  private async activeKey(algorithm: JwsAlgorithm = ACCESS_TOKEN_ALGORITHM): Promise<ActiveKey> {
    const cached = this.active.get(algorithm);
    if (cached && Date.now() - cached.loadedAt < ACTIVE_KEY_CACHE_MS && !(await this.isWithdrawn(cached.kid)))
      return cached;
    const em = this.em();
    const now = new Date();
    const newest = await em.findOne(
      SigningKey,
      { algorithm, activatesAt: { $lte: now }, ...unretired(now) },
      { orderBy: { activatesAt: 'desc' }, populate: ['privateJwkSealed'] },
    );
    if (!newest) {
      await this.addKey(em, algorithm);
      await em.flush();
      return this.activeKey(algorithm);
    }
    const jwk = JSON.parse(this.box.open(newest.privateJwkSealed)) as JsonWebKey;
    const active = { kid: newest.kid, privateKey: jwsPrivateKey(algorithm, jwk), loadedAt: Date.now() };
    this.active.set(algorithm, active);
    return active;
  }

  /**
   * Whether another replica withdrew `kid` (this one forgets its own at once). Unknown counts as no:
   * the database, re-read within ACTIVE_KEY_CACHE_MS, says so anyway, and every verifier asks the
   * store itself.
   */
  private async isWithdrawn(kid: string): Promise<boolean> {
    return this.revocations.isRevoked(withdrawnKeyEntry(kid)).catch(() => false);
  }

  /** Retires `algorithm`'s current keys once the new one has signed a token's lifetime; flushed by the caller. */
  private async rollOver(
    em: EntityManager,
    algorithm: JwsAlgorithm,
    activateAfterMs: number,
  ): Promise<{ kid: string; activatesAt: Date }> {
    const activatesAt = new Date(Date.now() + activateAfterMs);
    const retiresAt = new Date(activatesAt.getTime() + (ACCESS_TOKEN_TTL_SECONDS + 60) * 1000);
    await em.nativeUpdate(SigningKey, { algorithm, retiresAt: null }, { retiresAt });
    return { kid: await this.addKey(em, algorithm, activatesAt), activatesAt };
  }

  /**
   * Retires and withdraws every unretired key of `algorithm` now, and adds one that signs at once;
   * the withdrawal is announced to the revocation store once the caller's transaction commits.
   */
  private async withdrawCurrent(tx: EntityManager, algorithm: JwsAlgorithm): Promise<KeyRotation> {
    const withdrawnAt = new Date();
    const current = await tx.find(SigningKey, { algorithm, ...unretired(withdrawnAt) }, { fields: ['kid'] });
    const withdrawn = current.map((key) => key.kid);
    await tx.nativeUpdate(SigningKey, { kid: { $in: withdrawn } }, { retiresAt: withdrawnAt, withdrawnAt });
    const kid = await this.addKey(tx, algorithm, withdrawnAt);
    // As an ended session is: a rolled-back withdrawal announces nothing.
    const until = withdrawalHorizon(withdrawnAt);
    afterCommit(tx, async () => {
      await Promise.all(withdrawn.map((old) => this.revocations.revoke(withdrawnKeyEntry(old), until)));
    });
    return { algorithm, kid, activatesAt: withdrawnAt, withdrawn };
  }

  /** A new key of `algorithm`, persisted with the caller's next flush. */
  private async addKey(em: EntityManager, algorithm: JwsAlgorithm, activatesAt = new Date()): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(algorithm, {
      extractable: true,
      ...(algorithm === 'RS256' ? { modulusLength: RSA_MODULUS_BITS } : {}),
    });
    const kid = randomUUID();
    em.persist(
      em.create(SigningKey, {
        kid,
        algorithm,
        publicJwk: { ...(await exportJWK(publicKey)) },
        privateJwkSealed: this.box.seal(JSON.stringify(await exportJWK(privateKey))),
        activatesAt,
      }),
    );
    return kid;
  }
}
