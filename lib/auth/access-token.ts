import { setTimeout as sleep } from 'node:timers/promises';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { AppError } from '../errors/index.js';
import { isRole, type ServicePrincipal, type UserPrincipal } from './principal.js';
import { VerifiedTokenCache, type VerifiedTokenCacheOptions } from './verified-tokens.js';

/** Audience of first-party access tokens: the membergraph API itself. */
export const API_AUDIENCE = 'membergraph';
export const ACCESS_TOKEN_ALGORITHM = 'ES256';
export const ACCESS_TOKEN_TTL_SECONDS = 1800;
/** Service tokens live only inside the gateway → subgraph hop; the gateway re-checks keys far more often. */
export const SERVICE_TOKEN_TTL_SECONDS = 300;
/**
 * How far ahead of this process's clock a token's `iat` may be: the drift tolerated between the
 * machine that signed it and this one. A token from further in the future was not issued by a
 * healthy identity (a clock gone wrong, or a key used outside it) and is refused.
 */
export const CLOCK_SKEW_SECONDS = 60;

export interface AccessTokenVerifier {
  verify(token: string): Promise<UserPrincipal | ServicePrincipal>;
}

export interface AccessTokenVerifierOptions {
  readonly issuer: string;
  /** Identity's JWKS. A URL is fetched (and cached by jose); a function is used as is. */
  readonly jwks: URL | JWTVerifyGetKey;
  /**
   * Remember verified tokens until they expire (verified-tokens.ts) instead of checking the signature
   * of the same token at every request. Off unless given.
   */
  readonly cache?: VerifiedTokenCacheOptions;
}

/**
 * What the gateway and the subgraphs remember: a token is reused for at most 5 minutes (half of
 * jose's key-set cache age), and 10,000 tokens (a few MB) cover every user active in that time on
 * most deployments. Whether its session still lives is checked at every request all the same.
 */
export const VERIFIED_TOKEN_CACHE: VerifiedTokenCacheOptions = { maxEntries: 10_000, maxAgeMs: 5 * 60_000 };

type TokenPrincipal = UserPrincipal | ServicePrincipal;

/**
 * A token naming a key the cached set lacks makes the set be read again, at most this often: tokens
 * with made-up kids cost identity one JWKS read a second per verifier at most. Such a token that
 * arrives sooner waits for the next read (patientKeySet).
 */
const UNKNOWN_KID_COOLDOWN_MS = 1_000;
/** How often a waiting lookup checks whether the set may be read again. */
const COOLDOWN_POLL_MS = 25;

/**
 * The longest lifetime (`exp - iat`) of each kind of token identity signs. Verifiers refuse a longer
 * one: the revocation horizon (session.service.ts) and a withdrawn key's entry (withdrawn-keys.ts)
 * lapse on the assumption that no token outlives them, so one that would is not identity's.
 */
const LONGEST_LIFETIME_SECONDS = { user: ACCESS_TOKEN_TTL_SECONDS, service: SERVICE_TOKEN_TTL_SECONDS } as const;

/**
 * Identity's remote key set, patient with a kid it lacks while it may not read the set again. After
 * an emergency rollover (signing-key.service.ts rotateOnRequest) the new key signs at once; a
 * verifier that read the set in the second before would refuse its first tokens. Such a lookup
 * waits for the cooldown to end (at most UNKNOWN_KID_COOLDOWN_MS; every waiter shares one timer)
 * and asks once more, which reads the set again for all of them. A made-up kid is refused after
 * that wait.
 */
function patientKeySet(url: URL): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(url, { cooldownDuration: UNKNOWN_KID_COOLDOWN_MS, cacheMaxAge: 10 * 60_000 });
  let cooldownOver: Promise<void> | undefined;
  const waitForCooldown = () =>
    (cooldownOver ??= (async () => {
      const deadline = Date.now() + UNKNOWN_KID_COOLDOWN_MS + COOLDOWN_POLL_MS;
      while (remote.coolingDown && Date.now() < deadline) await sleep(COOLDOWN_POLL_MS);
    })().finally(() => {
      cooldownOver = undefined;
    }));
  return async (protectedHeader, token) => {
    try {
      return await remote(protectedHeader, token);
    } catch (error) {
      if (!(error instanceof joseErrors.JWKSNoMatchingKey) || !remote.coolingDown) throw error;
      await waitForCooldown();
      return remote(protectedHeader, token);
    }
  };
}

/**
 * Verifies a bearer access token and turns its claims into a Principal. Only the identity key set and
 * the one asymmetric algorithm are accepted, so `alg: none`, HMAC confusion and foreign keys fail.
 */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const keys = options.jwks instanceof URL ? patientKeySet(options.jwks) : options.jwks;
  const verified = options.cache ? new VerifiedTokenCache<TokenPrincipal>(options.cache) : undefined;
  return {
    async verify(token) {
      const known = verified?.get(token);
      if (known) return known;
      const { principal, expiresAt } = await verifySignedToken(token, keys, options.issuer);
      verified?.set(token, principal, expiresAt);
      return principal;
    },
  };
}

/** The signature, issuer, audience, lifetime and claims of one token; the Principal they make. */
async function verifySignedToken(
  token: string,
  keys: JWTVerifyGetKey,
  issuer: string,
): Promise<{ principal: TokenPrincipal; expiresAt: number }> {
  try {
    const { payload, protectedHeader } = await jwtVerify(token, keys, {
      issuer,
      audience: API_AUDIENCE,
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      requiredClaims: ['sub', 'exp', 'iat', 'jti'],
    });
    if (typeof payload.iat !== 'number' || payload.iat > Date.now() / 1000 + CLOCK_SKEW_SECONDS) {
      throw new AppError('INVALID_TOKEN', 'The token was issued in the future');
    }
    // Required above, so a number: jose has refused a token without one, or with one in the past.
    const expiresAt = payload.exp ?? 0;
    const kind = typeof payload['client_id'] === 'string' && payload['sid'] === undefined ? 'service' : 'user';
    if (expiresAt - payload.iat > LONGEST_LIFETIME_SECONDS[kind]) {
      throw new AppError('INVALID_TOKEN', 'The token lives longer than identity issues tokens for');
    }
    // The key set resolved it by this `kid`, so it is a string here.
    const keyId = protectedHeader.kid ?? '';
    // A service token (an API client's, minted by identity for the gateway's calls downstream).
    if (kind === 'service' && typeof payload['client_id'] === 'string') {
      const scope = typeof payload['scope'] === 'string' ? payload['scope'] : '';
      const principal: ServicePrincipal = {
        kind: 'service',
        clientId: payload['client_id'],
        scopes: Object.freeze(scope.split(' ').filter(Boolean)),
        keyId,
      };
      // Frozen: one verified principal may serve many requests (the cache above).
      return { principal: Object.freeze(principal), expiresAt };
    }
    const role = payload['role'];
    const tenantId = payload['tid'];
    const sessionId = payload['sid'];
    if (!isRole(role) || typeof tenantId !== 'string' || typeof sessionId !== 'string' || !payload.sub) {
      throw new AppError('INVALID_TOKEN');
    }
    const scope = typeof payload['scope'] === 'string' ? payload['scope'] : '';
    const amr = Array.isArray(payload['amr']) ? payload['amr'].filter((m) => typeof m === 'string') : [];
    const principal: UserPrincipal = {
      kind: 'user',
      userId: payload.sub,
      tenantId,
      role,
      scopes: Object.freeze(scope.split(' ').filter(Boolean)),
      sessionId,
      tokenId: payload.jti ?? '',
      amr: Object.freeze(amr),
      authTime: typeof payload['auth_time'] === 'number' ? payload['auth_time'] : payload.iat,
      issuedAt: payload.iat,
      expiresAt,
      ...(typeof payload['client_id'] === 'string' ? { clientId: payload['client_id'] } : {}),
      keyId,
    };
    return { principal: Object.freeze(principal), expiresAt };
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (error instanceof joseErrors.JWKSTimeout) {
      throw new AppError('SERVICE_UNAVAILABLE', 'Token keys are unavailable', { cause: error });
    }
    if (error instanceof joseErrors.JOSEError) throw new AppError('INVALID_TOKEN');
    // JWKS unreachable and the like: not the caller's fault, and not a reason to let them in.
    throw new AppError('SERVICE_UNAVAILABLE', 'Token keys are unavailable', { cause: error });
  }
}

/** Reads `Authorization: Bearer <token>`; undefined when absent, INVALID_TOKEN when malformed. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined || authorization === '') return undefined;
  const match = /^Bearer\s+([A-Za-z0-9\-_.~+/]+=*)$/i.exec(authorization.trim());
  if (!match?.[1]) throw new AppError('INVALID_TOKEN', 'Authorization must be "Bearer <token>"');
  return match[1];
}
