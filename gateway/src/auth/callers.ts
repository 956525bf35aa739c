import type { Request } from 'express';
import { createAccessTokenVerifier, VERIFIED_TOKEN_CACHE } from '../../../lib/auth/access-token.js';
import { withdrawnKeyEntry } from '../../../lib/auth/withdrawn-keys.js';
import type { Principal } from '../../../lib/auth/principal.js';
import type { SessionRevocations } from '../../../lib/auth/revocation.js';
import type { AppConfig, SubgraphName } from '../../../lib/config/env.js';
import { addressMatcher } from '../../../lib/http/address-match.js';
import { originAtGateway, type RequestOrigin } from '../../../lib/http/origin.js';
import type { Logger } from '../../../lib/logging/logger.js';
import { notePrincipal } from '../observability/metrics.js';
import { createApiClientAuthenticator } from './api-clients.js';
import type { Authenticated, Authenticator } from './authenticated.js';
import { authenticate } from './authenticate.js';
import { createMemberAuthenticator } from './development-fallback.js';

export interface CallerOptions {
  readonly config: Pick<AppConfig, 'env' | 'publicUrl' | 'trustedProxies'>;
  readonly logger: Logger;
  /** identity answers the key and token checks (its private routes, its JWKS). */
  readonly subgraphUrls: Readonly<Record<SubgraphName, string>>;
  /** Sessions that ended early: their access tokens are refused here. */
  readonly revocations: SessionRevocations;
}

/** The ways the gateway tells who is calling; each request's credential is verified once (oncePerRequest). */
export interface Callers {
  /** The client's address and user agent, as far as TRUSTED_PROXIES lets the gateway believe them. */
  readonly originOf: (req: Request) => RequestOrigin;
  /** `X-Client-Key` + `X-API-Key` (seed 000); a bearer token is not accepted in their place. */
  readonly asApiClient: Authenticator;
  /** A user's bearer token; an invalid one is refused (RFC 6750), never downgraded to anonymous. */
  readonly asBearer: Authenticator;
  /** seed 003: a bearer token; in development only, X-Tenant-ID + X-UID without one. */
  readonly asMember: Authenticator;
  /** `/graphql` and the rate limits: services call with their client keys, people with a bearer token. */
  readonly asKeysOrBearer: Authenticator;
  /** The principal of an access token (a page's session cookie), or undefined when it is invalid or ended. */
  readonly authenticateToken: (token: string) => Promise<Principal | undefined>;
}

/**
 * A request's credential is verified once, whoever asks first (the rate limiter, then the route);
 * a refusal is remembered too, so the route answers it.
 */
function oncePerRequest(work: Authenticator): Authenticator {
  const done = new WeakMap<Request, Promise<Authenticated>>();
  return (req) => {
    let result = done.get(req);
    if (!result) {
      result = work(req);
      // Who it is goes in the request's log line. Whoever awaits it handles a refusal; this only
      // keeps an unawaited one from being unhandled.
      result.then(
        (caller) => notePrincipal(req, caller.principal),
        () => undefined,
      );
      done.set(req, result);
    }
    return result;
  };
}

export function createCallers(options: CallerOptions): Callers {
  const { config, logger, subgraphUrls, revocations } = options;
  const trustedProxy = addressMatcher(config.trustedProxies);
  // Asked by the rate limiter and again for the operation's context: worked out once per request.
  const origins = new WeakMap<Request, RequestOrigin>();
  const originOf = (req: Request) => {
    let origin = origins.get(req);
    if (!origin) {
      origin = originAtGateway(req.socket.remoteAddress, req.headers, trustedProxy);
      origins.set(req, origin);
    }
    return origin;
  };
  const verifier = createAccessTokenVerifier({
    issuer: config.publicUrl,
    jwks: new URL('/.well-known/jwks.json', subgraphUrls.identity),
    // The signature of a token seen before is not checked again (jose was 10% of the gateway's CPU).
    cache: VERIFIED_TOKEN_CACHE,
  });

  const authenticateClient = createApiClientAuthenticator({
    verifyUrl: new URL('/api-clients/verify', subgraphUrls.identity).toString(),
    keyWithdrawn: (kid) => revocations.isRevoked(withdrawnKeyEntry(kid)),
  });
  const asApiClient = oncePerRequest((req) =>
    authenticateClient({ headers: req.headers, clientAddress: originOf(req).ipAddress }),
  );
  const asBearer = oncePerRequest(async (req) => {
    const principal = await authenticate(req.headers, verifier, revocations);
    return principal.kind === 'anonymous' ? { principal } : { principal, forward: req.headers.authorization };
  });
  const asMember = createMemberAuthenticator({
    env: config.env,
    logger,
    bearer: asBearer,
    tokenUrl: new URL('/development/member-token', subgraphUrls.identity).toString(),
    verifier,
    revocations,
    originOf,
  });

  return {
    originOf,
    asApiClient,
    asBearer,
    asMember,
    asKeysOrBearer: (req) => (req.headers['x-client-key'] ? asApiClient(req) : asBearer(req)),
    authenticateToken: async (token) => {
      try {
        return await authenticate({ authorization: `Bearer ${token}` }, verifier, revocations);
      } catch {
        return undefined;
      }
    },
  };
}
