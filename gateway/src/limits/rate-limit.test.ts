import type { AddressInfo } from 'node:net';
import express, { type Request } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { anonymous, type Principal, type UserPrincipal } from '../../../lib/auth/principal.js';
import { createLogger } from '../../../lib/logging/logger.js';
import { refuseByPath } from '../rest/router.js';
import { legacyRoutes } from '../rest/routes.js';
import { declaredRoutes } from '../routes.js';
import type { RateLimitOutcome, RateLimitPolicy } from './rate-limit-gcra.js';
import type { RateLimitStore } from './rate-limit-store.js';
import { MemoryRateLimitStore } from './rate-limit-store.js';
import { clientKeyOf, createRateLimiter, effectiveClass, ipv6Prefix64 } from './rate-limit.js';

const user = (role: UserPrincipal['role'], userId = 'u-1'): UserPrincipal => ({
  kind: 'user',
  userId,
  tenantId: 't',
  role,
  scopes: [],
  sessionId: 's',
  tokenId: 'j',
  amr: ['pwd'],
  authTime: 0,
  issuedAt: 0,
  expiresAt: 0,
});

describe('client keys', () => {
  it('are the user, the API client, else the address', () => {
    expect(clientKeyOf(user('USER'), '10.0.0.1')).toBe('user:u-1');
    expect(clientKeyOf({ kind: 'service', clientId: 'c-1', scopes: [] }, '10.0.0.1')).toBe('client:c-1');
    expect(clientKeyOf(anonymous, '10.0.0.1')).toBe('ip:10.0.0.1');
    expect(clientKeyOf(anonymous, '::ffff:10.0.0.1')).toBe('ip:10.0.0.1');
    expect(clientKeyOf(anonymous, null)).toBe('ip:unknown');
  });

  it('take an IPv6 address by its /64, however it is written', () => {
    expect(clientKeyOf(anonymous, '2001:db8:0:1::5')).toBe('ip:2001:db8:0:1::/64');
    expect(clientKeyOf(anonymous, '2001:0DB8:0000:0001:ffff:0:0:9')).toBe('ip:2001:db8:0:1::/64');
    expect(clientKeyOf(anonymous, 'fe80::1%eth0')).toBe('ip:fe80:0:0:0::/64');
    expect(ipv6Prefix64('::1')).toBe('0:0:0:0::/64');
    expect(ipv6Prefix64('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0::/64');
  });
});

describe('the admin budget', () => {
  it('is for admins and API clients; others draw on their general budget', () => {
    expect(effectiveClass('admin', user('SYSTEM_ADMIN'))).toBe('admin');
    expect(effectiveClass('admin', user('GROUP_ADMIN'))).toBe('admin');
    expect(effectiveClass('admin', { kind: 'service', clientId: 'c', scopes: [] })).toBe('admin');
    expect(effectiveClass('admin', user('USER'))).toBe('general');
    expect(effectiveClass('admin', anonymous)).toBe('general');
    expect(effectiveClass('auth', anonymous)).toBe('auth');
  });
});

describe('the internal budget', () => {
  it('is for API clients; anyone else on /internal/* draws on the general budget', () => {
    expect(effectiveClass('internal', { kind: 'service', clientId: 'c', scopes: [] })).toBe('internal');
    expect(effectiveClass('internal', user('SYSTEM_ADMIN'))).toBe('general');
    expect(effectiveClass('internal', anonymous)).toBe('general');
  });
});

describe('the middleware', () => {
  const servers: { close(): void }[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) server.close();
  });

  async function serve(store: RateLimitStore, identify: (req: Request) => Promise<Principal> = async () => anonymous) {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ logLevel: 'warn' }, 'test', {
      write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>),
    });
    const limiter = createRateLimiter({
      limits: { general: 2, auth: 1, admin: 5, internal: 50 },
      store,
      logger,
      maxQueryTokens: 2000,
      identify,
      clientAddress: () => '192.0.2.7',
      routes: declaredRoutes(legacyRoutes),
      refuseHttp: refuseByPath,
    });
    const app = express();
    app.use(limiter.http);
    app.get('/health', (_req, res) => res.json({ ok: true }));
    app.get('/api/v1/users/me', (_req, res) => res.json({ ok: true }));
    app.use('/graphql', express.json(), limiter.graphql, (_req, res) => res.json({ data: {} }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    servers.push(server);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url, lines };
  }

  it('fails open with a warning when the store is down, and sends no RateLimit headers then', async () => {
    const broken: RateLimitStore = {
      hit: async () => {
        throw new Error('connect ECONNREFUSED');
      },
      close: async () => undefined,
    };
    const { url, lines } = await serve(broken);
    for (let i = 0; i < 5; i += 1) {
      const answer = await fetch(`${url}/api/v1/users/me`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('ratelimit-limit')).toBeNull();
    }
    // One warning for the burst, not one per request.
    expect(lines.filter((line) => line['level'] === 40)).toHaveLength(1);
    expect(lines[0]?.['msg']).toMatch(/fail open/);
  });

  it('never counts the unlimited paths', async () => {
    const counted: string[] = [];
    const store = new MemoryRateLimitStore();
    const { url } = await serve({
      hit: (key: string, policy: RateLimitPolicy): Promise<RateLimitOutcome> => {
        counted.push(key);
        return store.hit(key, policy);
      },
      close: async () => undefined,
    });
    for (let i = 0; i < 5; i += 1) expect((await fetch(`${url}/health`)).status).toBe(200);
    expect(counted).toEqual([]);
    await fetch(`${url}/api/v1/users/me`);
    expect(counted).toEqual(['general:ip:192.0.2.7']);
  });

  it('counts a credential that fails verification against the address', async () => {
    const { url } = await serve(new MemoryRateLimitStore(), async () => {
      throw new Error('INVALID_TOKEN');
    });
    expect((await fetch(`${url}/api/v1/users/me`)).status).toBe(200);
    expect((await fetch(`${url}/api/v1/users/me`)).status).toBe(200);
    expect((await fetch(`${url}/api/v1/users/me`)).status).toBe(429);
  });

  it('classifies GraphQL GET requests from the query string', async () => {
    const { url } = await serve(new MemoryRateLimitStore());
    const get = (query: string) => fetch(`${url}/graphql?query=${encodeURIComponent(query)}`);
    expect((await get('{ me { id } }')).headers.get('ratelimit-limit')).toBe('2');
    expect((await get('mutation { login(input: {}) { accessToken } }')).headers.get('ratelimit-limit')).toBe('1');
  });
});
