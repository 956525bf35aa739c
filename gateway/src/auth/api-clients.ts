import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { decodeProtectedHeader } from 'jose';
import type { ServicePrincipal } from '../../../lib/auth/principal.js';
import { AppError } from '../../../lib/errors/index.js';
import { addressMatcher, globMatcher } from '../../../lib/http/address-match.js';

/** The seed 000 refusals, in the order they are checked. */
export type ClientRefusal =
  | 'invalid_client'
  | 'invalid_api_key'
  | 'client_expired'
  | 'origin_not_allowed'
  | 'ip_not_allowed'
  | 'path_not_allowed';

function refuse(detail: ClientRefusal): AppError {
  const unauthenticated = detail === 'invalid_client' || detail === 'invalid_api_key' || detail === 'client_expired';
  return new AppError(unauthenticated ? 'UNAUTHENTICATED' : 'FORBIDDEN', detail.replace(/_/g, ' '), {
    details: { detail },
  });
}

interface VerifiedClient {
  readonly id: string;
  readonly expiresAt: string | null;
  readonly allowedOrigins: string[];
  readonly allowedIps: string[];
  readonly allowedPaths: string[];
  readonly scopes: string[];
}

interface CachedClient {
  readonly client: VerifiedClient;
  readonly serviceToken: string;
  /** The `kid` that signed the service token. */
  readonly keyId: string | undefined;
  readonly ipAllowed: (address: string) => boolean;
  readonly pathAllowed: (path: string) => boolean;
  readonly at: number;
}

export interface AuthenticatedClient {
  readonly principal: ServicePrincipal;
  /** `Bearer <service token>`: how the subgraphs learn who is calling. */
  readonly forward: string;
  /**
   * The last refusal (`path_not_allowed`), applied by whoever knows the path as routed (the REST
   * router, rest/router.ts routedPath), not to the raw request path: a trailing slash or `%2F` must
   * neither slip past a rule nor be refused by one that allows the route.
   */
  readonly authorizePath: (path: string) => void;
}

export interface ApiClientCheck {
  readonly headers: IncomingHttpHeaders;
  readonly clientAddress: string | null;
}

export interface ApiClientAuthenticatorOptions {
  readonly verifyUrl: string;
  readonly cacheMs?: number;
  /**
   * Whether the key that signed a kept service token has been withdrawn (lib/auth/withdrawn-keys.ts):
   * the subgraphs refuse its tokens from then on, so the client's next request gets a new one rather
   * than a refusal until the answer would have expired anyway.
   */
  readonly keyWithdrawn?: (kid: string) => Promise<boolean>;
}

/**
 * Verifies `X-Client-Key` + `X-API-Key` with identity (which compares keys in constant time) and
 * applies the client's policy to each request. A positive answer is reused for at most `cacheMs`,
 * so a disabled client or a rotated key stops working within seconds; refusals are never cached.
 */
export function createApiClientAuthenticator(options: ApiClientAuthenticatorOptions) {
  const cacheMs = options.cacheMs ?? 5_000;
  const cache = new Map<string, CachedClient>();
  const stillSigned = async (entry: CachedClient) =>
    entry.keyId === undefined || !options.keyWithdrawn || !(await options.keyWithdrawn(entry.keyId));

  async function lookup(clientKey: string, apiKey: string): Promise<CachedClient> {
    const cacheKey = `${clientKey}\u0000${createHash('sha256').update(apiKey).digest('base64url')}`;
    const hit = cache.get(cacheKey);
    if (hit && Date.now() - hit.at < cacheMs && (await stillSigned(hit))) return hit;
    cache.delete(cacheKey);
    const answer = await fetch(options.verifyUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientKey, apiKey }),
      signal: AbortSignal.timeout(5_000),
    }).catch((error: unknown) => {
      throw new AppError('SERVICE_UNAVAILABLE', 'Client verification is unavailable', { cause: error });
    });
    const body = (await answer.json()) as { outcome: string; client?: VerifiedClient; serviceToken?: string };
    if (body.outcome === 'invalid_client' || body.outcome === 'invalid_api_key') throw refuse(body.outcome);
    if (!answer.ok || body.outcome !== 'ok' || !body.client || !body.serviceToken) {
      throw new AppError('SERVICE_UNAVAILABLE', 'Client verification failed');
    }
    const entry: CachedClient = {
      client: body.client,
      serviceToken: body.serviceToken,
      keyId: decodeProtectedHeader(body.serviceToken).kid,
      ipAllowed: addressMatcher(body.client.allowedIps),
      pathAllowed: globMatcher(body.client.allowedPaths),
      at: Date.now(),
    };
    if (cache.size > 10_000) cache.clear();
    cache.set(cacheKey, entry);
    return entry;
  }

  return async function authenticateClient(request: ApiClientCheck): Promise<AuthenticatedClient> {
    const header = (name: string) => {
      const value = request.headers[name];
      return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
    };
    const clientKey = header('x-client-key');
    if (!clientKey) throw refuse('invalid_client');
    const { client, serviceToken, ipAllowed, pathAllowed } = await lookup(clientKey, header('x-api-key'));
    if (client.expiresAt && Date.parse(client.expiresAt) <= Date.now()) throw refuse('client_expired');
    const origin = header('origin');
    if (origin && client.allowedOrigins.length > 0 && !client.allowedOrigins.includes(origin)) {
      throw refuse('origin_not_allowed');
    }
    if (client.allowedIps.length > 0 && !(request.clientAddress && ipAllowed(request.clientAddress))) {
      throw refuse('ip_not_allowed');
    }
    return {
      principal: { kind: 'service', clientId: client.id, scopes: client.scopes },
      forward: `Bearer ${serviceToken}`,
      authorizePath(path) {
        if (client.allowedPaths.length > 0 && !pathAllowed(path)) throw refuse('path_not_allowed');
      },
    };
  };
}
