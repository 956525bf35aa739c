import type { Request } from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import type { AccessTokenVerifier } from '../../../lib/auth/access-token.js';
import { anonymous } from '../../../lib/auth/principal.js';
import type { SessionRevocations } from '../../../lib/auth/revocation.js';
import type { AppConfig } from '../../../lib/config/env.js';
import { AppError } from '../../../lib/errors/index.js';
import type { RequestOrigin } from '../../../lib/http/origin.js';
import { CLIENT_IP_HEADER } from '../../../lib/http/origin.js';
import type { Logger } from '../../../lib/logging/logger.js';
import type { Authenticated, Authenticator } from './authenticated.js';
import { authenticate } from './authenticate.js';

export const TENANT_HEADER = 'x-tenant-id';
export const UID_HEADER = 'x-uid';

/** A cached token is renewed this long before it expires, so none expires between here and a subgraph. */
const RENEW_BEFORE_MS = 2 * 60_000;
const MAX_CACHED_MEMBERS = 10_000;

export interface MemberAuthenticatorOptions {
  readonly env: AppConfig['env'];
  readonly logger: Logger;
  /** The usual bearer authenticator: always tried first, and all there is outside development. */
  readonly bearer: Authenticator;
  /** identity's `POST /development/member-token` (only registered there in development). */
  readonly tokenUrl: string;
  readonly verifier: AccessTokenVerifier;
  readonly revocations: SessionRevocations;
  readonly originOf: (req: Request) => RequestOrigin;
}

interface CachedToken {
  readonly token: string;
  readonly renewAt: number;
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
}

const unknownMember = () => new AppError('UNAUTHENTICATED', 'No active member with this X-Tenant-ID and X-UID');

/**
 * seed 003's `member` scheme. A bearer token as usual; with NODE_ENV=development only, and only when
 * no Authorization header is sent, `X-Tenant-ID` + `X-UID` name the member instead. Subgraphs trust
 * nothing but signed tokens, so identity opens a real session for that member and the gateway
 * forwards its access token, cached per member until shortly before it expires. Each use still
 * passes the revocation check; a revoked token is replaced once (the member may have signed out).
 */
export function createMemberAuthenticator(options: MemberAuthenticatorOptions): Authenticator {
  if (options.env !== 'development') return options.bearer;
  options.logger.warn(
    'Development fallback active: /api/v1/members/* accept X-Tenant-ID + X-UID without a token (NODE_ENV=development)',
  );

  const cache = new Map<string, Promise<CachedToken>>();

  async function fetchToken(tenantId: string, userId: string, origin: RequestOrigin): Promise<CachedToken> {
    const answer = await fetch(options.tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(origin.ipAddress ? { [CLIENT_IP_HEADER]: origin.ipAddress } : {}),
        ...(origin.userAgent ? { 'user-agent': origin.userAgent } : {}),
      },
      body: JSON.stringify({ tenantId, userId }),
      signal: AbortSignal.timeout(5_000),
    }).catch((error: unknown) => {
      throw new AppError('SERVICE_UNAVAILABLE', 'Member token issuance is unavailable', { cause: error });
    });
    if (answer.status === 400 || answer.status === 401) throw unknownMember();
    const body = (await answer.json().catch(() => ({}))) as { accessToken?: unknown; expiresIn?: unknown };
    if (!answer.ok || typeof body.accessToken !== 'string' || typeof body.expiresIn !== 'number') {
      throw new AppError('SERVICE_UNAVAILABLE', `Member token issuance answered ${answer.status}`);
    }
    return { token: body.accessToken, renewAt: Date.now() + body.expiresIn * 1000 - RENEW_BEFORE_MS };
  }

  /** One issuance per member at a time: concurrent first requests share it (and its session). */
  async function tokenFor(key: string, tenantId: string, userId: string, origin: RequestOrigin): Promise<string> {
    const hit = cache.get(key);
    if (hit) {
      const cached = await hit;
      if (cached.renewAt > Date.now()) return cached.token;
      if (cache.get(key) === hit) cache.delete(key);
    }
    const current = cache.get(key);
    if (current) return (await current).token;
    if (cache.size >= MAX_CACHED_MEMBERS) cache.clear();
    const pending = fetchToken(tenantId, userId, origin);
    cache.set(key, pending);
    // Refusals and failures are not cached.
    pending.catch(() => {
      if (cache.get(key) === pending) cache.delete(key);
    });
    return (await pending).token;
  }

  async function asNamedMember(tenantId: string, userId: string, origin: RequestOrigin): Promise<Authenticated> {
    const key = `${tenantId}\u0000${userId}`;
    for (let attempt = 0; ; attempt += 1) {
      const token = await tokenFor(key, tenantId, userId, origin);
      const authorization = `Bearer ${token}`;
      try {
        const principal = await authenticate({ authorization }, options.verifier, options.revocations);
        if (principal.kind !== 'user' || principal.tenantId !== tenantId || principal.userId !== userId) {
          throw unknownMember();
        }
        return { principal, forward: authorization };
      } catch (error) {
        cache.delete(key);
        if (attempt > 0 || !(error instanceof AppError && error.code === 'INVALID_TOKEN')) throw error;
      }
    }
  }

  return async (req) => {
    if (req.headers.authorization !== undefined) return options.bearer(req);
    // Ids are UUIDs, which tokens carry in lower case: one cache entry and one match per member.
    const tenantId = header(req.headers, TENANT_HEADER).toLowerCase();
    const userId = header(req.headers, UID_HEADER).toLowerCase();
    if (!tenantId && !userId) return { principal: anonymous };
    if (!tenantId || !userId) throw new AppError('UNAUTHENTICATED', 'X-Tenant-ID and X-UID are required together');
    return asNamedMember(tenantId, userId, options.originOf(req));
  };
}
