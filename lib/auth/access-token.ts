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
 * A token naming a key the cached set lacks makes the set be read again, at most this often. After
 * an emergency rollover (signing-key.service.ts rotateOnRequest) the new key signs at once, so a
 * verifier that read the set just before refuses the first new tokens for at most this long; tokens
 * with made-up kids cost identity one JWKS read a second per verifier at most.
 */
const UNKNOWN_KID_COOLDOWN_MS = 1_000;

/**
 * Verifies a bearer access token and turns its claims into a Principal. Only the identity key set and
 * the one asymmetric algorithm are accepted, so `alg: none`, HMAC confusion and foreign keys fail.
 */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const keys =
    options.jwks instanceof URL
      ? createRemoteJWKSet(options.jwks, { cooldownDuration: UNKNOWN_KID_COOLDOWN_MS, cacheMaxAge: 10 * 60_000 })
      : options.jwks;
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
    // The key set resolved it by this `kid`, so it is a string here.
    const keyId = protectedHeader.kid ?? '';
    // A service token (an API client's, minted by identity for the gateway's calls downstream).
    if (typeof payload['client_id'] === 'string' && payload['sid'] === undefined) {
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
