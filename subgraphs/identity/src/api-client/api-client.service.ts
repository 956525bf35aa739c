import { createHash, randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../../../../lib/crypto/constant-time.js';
import type { UserPrincipal } from '../../../../lib/auth/principal.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { AppError } from '../../../../lib/errors/index.js';
import { recordEvent } from '../../../../lib/events/record.js';
import type { RequestOrigin } from '../../../../lib/http/origin.js';
import { parseCidr } from '../../../../lib/http/address-match.js';
import { ApiClient } from './api-client.entity.js';

export interface ApiClientInput {
  readonly name: string;
  readonly expiresAt?: Date | null;
  readonly allowedOrigins?: readonly string[] | null;
  readonly allowedIps?: readonly string[] | null;
  readonly allowedPaths?: readonly string[] | null;
  readonly scopes?: readonly string[] | null;
}

export interface IssuedCredentials {
  readonly client: ApiClient;
  readonly clientKey: string;
  /** Shown once; only its hash is kept. */
  readonly apiKey: string;
}

/** What the gateway needs to decide on a request, once the keys are right. */
export interface VerifiedClient {
  readonly id: string;
  readonly name: string;
  readonly expiresAt: string | null;
  readonly allowedOrigins: string[];
  readonly allowedIps: string[];
  readonly allowedPaths: string[];
  readonly scopes: string[];
}

export type Verification =
  | { readonly outcome: 'ok'; readonly client: VerifiedClient }
  | { readonly outcome: 'invalid_client' | 'invalid_api_key' };

const hashKey = (apiKey: string) => createHash('sha256').update(apiKey, 'utf8').digest();

/** A new 256-bit API key, with what is stored of it: its hash and a short prefix to tell keys apart. */
function mintApiKey() {
  const apiKey = `mgk_${randomBytes(32).toString('base64url')}`;
  return { apiKey, stored: { apiKeyHash: hashKey(apiKey).toString('hex'), apiKeyPrefix: apiKey.slice(0, 8) } };
}
const scopePattern = /^[a-z][a-z0-9_.:-]{0,63}$/;

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field} ${message}`, { details: { fields: [{ field, message }] } });
}

/** Checks the policy lists an admin submits; a typo must not silently allow or deny everything. */
function normalisePolicy(input: ApiClientInput) {
  const allowedOrigins = [...new Set(input.allowedOrigins ?? [])].map((origin) => {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw invalid('allowedOrigins', `has an entry that is not an origin: ${origin}`);
    }
    if (!/^https?:$/.test(url.protocol) || url.origin !== origin.replace(/\/$/, '')) {
      throw invalid('allowedOrigins', `entries must be bare origins like https://app.example.com: ${origin}`);
    }
    return url.origin;
  });
  const allowedIps = [...new Set(input.allowedIps ?? [])].map((entry) => {
    if (!parseCidr(entry))
      throw invalid('allowedIps', `has an entry that is not an IP address or CIDR range: ${entry}`);
    return entry.trim();
  });
  const allowedPaths = [...new Set(input.allowedPaths ?? [])].map((pattern) => {
    if (!pattern.startsWith('/internal/') || pattern.length > 200) {
      throw invalid('allowedPaths', `entries must be globs under /internal/: ${pattern}`);
    }
    return pattern;
  });
  const scopes = [...new Set(input.scopes ?? [])].map((scope) => {
    if (!scopePattern.test(scope)) throw invalid('scopes', `has a malformed scope: ${scope}`);
    return scope;
  });
  const name = input.name.trim();
  if (name.length < 1 || name.length > 200) throw invalid('name', 'must be 1 to 200 characters');
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw invalid('expiresAt', 'must be in the future');
  return { name, allowedOrigins, allowedIps, allowedPaths, scopes, expiresAt: input.expiresAt ?? null };
}

/** API clients: created, rotated and disabled by system admins; verified for the gateway. */
export class ApiClientService {
  async create(em: EntityManager, admin: UserPrincipal, input: ApiClientInput, origin: RequestOrigin) {
    const policy = normalisePolicy(input);
    const { apiKey, stored } = mintApiKey();
    const client = em.create(ApiClient, {
      ...policy,
      clientKey: `mgc_${randomBytes(16).toString('base64url')}`,
      ...stored,
      createdBy: admin.userId,
    });
    recordEvent(em, {
      type: 'api_client.created',
      actorUserId: admin.userId,
      origin,
      payload: { clientId: client.id, name: client.name },
    });
    await em.flush();
    return { client, clientKey: client.clientKey, apiKey } satisfies IssuedCredentials;
  }

  list(em: EntityManager): Promise<ApiClient[]> {
    return em.find(ApiClient, {}, { orderBy: { createdAt: 'asc' } });
  }

  /** A new API key; the old one stops working at once (gateways re-check within seconds). */
  async rotate(em: EntityManager, admin: UserPrincipal, id: string, origin: RequestOrigin): Promise<IssuedCredentials> {
    const client = await this.find(em, id);
    if (client.disabledAt) throw new AppError('CONFLICT', 'A disabled client cannot get a new key');
    const { apiKey, stored } = mintApiKey();
    Object.assign(client, stored);
    client.rotatedAt = new Date();
    recordEvent(em, {
      type: 'api_client.rotated',
      actorUserId: admin.userId,
      origin,
      payload: { clientId: client.id },
    });
    await em.flush();
    return { client, clientKey: client.clientKey, apiKey };
  }

  async disable(em: EntityManager, admin: UserPrincipal, id: string, origin: RequestOrigin): Promise<ApiClient> {
    const client = await this.find(em, id);
    if (!client.disabledAt) {
      client.disabledAt = new Date();
      recordEvent(em, {
        type: 'api_client.disabled',
        actorUserId: admin.userId,
        origin,
        payload: { clientId: client.id },
      });
      await em.flush();
    }
    return client;
  }

  /**
   * Keys compared in constant time (hash against hash). A disabled or unknown client is
   * `invalid_client`; expiry, origin, address and path are the gateway's per-request checks.
   */
  async verify(em: EntityManager, clientKey: string, apiKey: string): Promise<Verification> {
    const client = await em.findOne(ApiClient, { clientKey }, { populate: ['apiKeyHash'] });
    if (!client || client.disabledAt) return { outcome: 'invalid_client' };
    if (!constantTimeEqual(Buffer.from(client.apiKeyHash, 'hex'), hashKey(apiKey)))
      return { outcome: 'invalid_api_key' };
    return {
      outcome: 'ok',
      client: {
        id: client.id,
        name: client.name,
        expiresAt: client.expiresAt?.toISOString() ?? null,
        allowedOrigins: client.allowedOrigins,
        allowedIps: client.allowedIps,
        allowedPaths: client.allowedPaths,
        scopes: client.scopes,
      },
    };
  }

  private async find(em: EntityManager, id: string): Promise<ApiClient> {
    const client = /^[0-9a-f-]{36}$/i.test(id) ? await em.findOne(ApiClient, { id }) : null;
    if (!client) throw new AppError('NOT_FOUND', 'No such API client');
    return client;
  }
}
