import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { defineRoute } from '../../gateway/src/rest/route.js';
import { legacyRoutes } from '../../gateway/src/rest/routes.js';
import { ApiClient } from '../../subgraphs/identity/src/api-client/api-client.entity.js';
import { startTestStack, type TestStack, type TestUser } from '../support/stack.js';

/** An /internal route that says which client called: the authentication layer under test. */
const whoAmI = defineRoute({
  method: 'get',
  path: '/internal/probe/whoami',
  family: 'internal',
  auth: 'api-client',
  summary: 'The calling API client',
  response: z.object({ client_id: z.string() }),
  errors: { 401: 'Bad client credentials', 403: 'Refused by the client policy' },
  async handle({ principal }) {
    return { body: { client_id: principal.kind === 'service' ? principal.clientId : '' } };
  },
});

let stack: TestStack;
let admin: TestUser;
beforeAll(async () => {
  stack = await startTestStack({}, { routes: [...legacyRoutes, whoAmI] });
  admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
});
afterAll(async () => {
  await stack?.stop();
});

interface Credentials {
  client: { id: string; clientKey: string; apiKeyPrefix: string };
  clientKey: string;
  apiKey: string;
}

async function createClient(input: Record<string, unknown> = {}): Promise<Credentials> {
  const response = await stack.graphql<{ createApiClient: Credentials }>(
    'mutation ($i: CreateApiClientInput!) { createApiClient(input: $i) { client { id clientKey apiKeyPrefix } clientKey apiKey } }',
    { token: admin.token, variables: { i: { name: 'legacy-service', ...input } } },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.createApiClient;
}

async function whoami(headers: Record<string, string>, path = '/internal/probe/whoami') {
  const response = await fetch(`${stack.gatewayUrl}${path}`, { headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const keys = (c: Credentials) => ({ 'x-client-key': c.clientKey, 'x-api-key': c.apiKey });

describe('API clients', () => {
  it('are created by system admins only; the key is shown once and stored hashed', async () => {
    const user = await stack.createUser();
    const refused = await stack.graphql('mutation { createApiClient(input: { name: "x" }) { apiKey } }', {
      token: user.token,
    });
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');

    const created = await createClient();
    expect(created.apiKey).toMatch(/^mgk_[A-Za-z0-9_-]{43}$/);
    expect(created.client.apiKeyPrefix).toBe(created.apiKey.slice(0, 8));
    const row = await stack.subgraphs.identity.database
      .fork()
      .findOneOrFail(ApiClient, { id: created.client.id }, { populate: ['apiKeyHash'] });
    expect(row.apiKeyHash).not.toContain(created.apiKey);
    expect(JSON.stringify(row)).not.toContain(created.apiKey);
  });

  it('refuse malformed policies', async () => {
    for (const input of [
      { allowedIps: ['10.0.0.0/33'] },
      { allowedOrigins: ['https://a.example.com/path'] },
      { allowedPaths: ['/api/v1/*'] },
    ]) {
      const response = await stack.graphql(
        'mutation ($i: CreateApiClientInput!) { createApiClient(input: $i) { apiKey } }',
        {
          token: admin.token,
          variables: { i: { name: 'bad', ...input } },
        },
      );
      expect(response.errors?.[0]?.extensions?.['code'], JSON.stringify(input)).toBe('VALIDATION_FAILED');
    }
  });
});

describe('/internal authentication (seed 000 refusals)', () => {
  it('admits a client with the right keys', async () => {
    const client = await createClient();
    expect(await whoami(keys(client))).toEqual({ status: 200, body: { client_id: client.client.id } });
  });

  it('invalid_client: no key, an unknown key, or only a user bearer token', async () => {
    expect(await whoami({})).toEqual({ status: 401, body: { detail: 'invalid_client' } });
    expect(await whoami({ 'x-client-key': 'mgc_unknown', 'x-api-key': 'whatever' })).toEqual({
      status: 401,
      body: { detail: 'invalid_client' },
    });
    expect(await whoami({ authorization: `Bearer ${admin.token}` })).toEqual({
      status: 401,
      body: { detail: 'invalid_client' },
    });
  });

  it('invalid_api_key: the right client with a wrong or missing key', async () => {
    const client = await createClient();
    expect(await whoami({ 'x-client-key': client.clientKey, 'x-api-key': `${client.apiKey}x` })).toEqual({
      status: 401,
      body: { detail: 'invalid_api_key' },
    });
    expect(await whoami({ 'x-client-key': client.clientKey })).toEqual({
      status: 401,
      body: { detail: 'invalid_api_key' },
    });
  });

  it('client_expired', async () => {
    const client = await createClient({ expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    await stack.subgraphs.identity.database
      .fork()
      .nativeUpdate(ApiClient, { id: client.client.id }, { expiresAt: new Date(Date.now() - 1000) });
    expect(await whoami(keys(client))).toEqual({ status: 401, body: { detail: 'client_expired' } });
  });

  it('origin_not_allowed when an Origin header is not on the list', async () => {
    const client = await createClient({ allowedOrigins: ['https://ops.example.com'] });
    expect((await whoami(keys(client))).status).toBe(200);
    expect((await whoami({ ...keys(client), origin: 'https://ops.example.com' })).status).toBe(200);
    expect(await whoami({ ...keys(client), origin: 'https://evil.example.com' })).toEqual({
      status: 403,
      body: { detail: 'origin_not_allowed' },
    });
  });

  it('ip_not_allowed outside the CIDR list (the address is the socket, not X-Forwarded-For)', async () => {
    const elsewhere = await createClient({ allowedIps: ['10.0.0.0/8', '2001:db8::/32'] });
    expect(await whoami({ ...keys(elsewhere), 'x-forwarded-for': '10.1.2.3' })).toEqual({
      status: 403,
      body: { detail: 'ip_not_allowed' },
    });
    const local = await createClient({ allowedIps: ['127.0.0.0/8', '::1'] });
    expect((await whoami(keys(local))).status).toBe(200);
  });

  it('path_not_allowed outside the path globs', async () => {
    const narrow = await createClient({ allowedPaths: ['/internal/systems', '/internal/permissions/*/snapshot'] });
    expect(await whoami(keys(narrow))).toEqual({ status: 403, body: { detail: 'path_not_allowed' } });
    const wide = await createClient({ allowedPaths: ['/internal/probe/**'] });
    expect((await whoami(keys(wide))).status).toBe(200);
  });

  it('a rotated key and a disabled client stop working within seconds', async () => {
    const client = await createClient();
    expect((await whoami(keys(client))).status).toBe(200);
    const rotated = await stack.graphql<{ rotateApiClientKey: Credentials }>(
      `mutation { rotateApiClientKey(id: "${client.client.id}") { clientKey apiKey client { id clientKey apiKeyPrefix } } }`,
      { token: admin.token },
    );
    const fresh = rotated.data!.rotateApiClientKey;
    expect((await whoami(keys(fresh))).status).toBe(200);
    await vi.waitFor(
      async () => expect(await whoami(keys(client))).toEqual({ status: 401, body: { detail: 'invalid_api_key' } }),
      {
        timeout: 8_000,
        interval: 500,
      },
    );
    await stack.graphql(`mutation { disableApiClient(id: "${client.client.id}") { disabledAt } }`, {
      token: admin.token,
    });
    await vi.waitFor(
      async () => expect(await whoami(keys(fresh))).toEqual({ status: 401, body: { detail: 'invalid_client' } }),
      {
        timeout: 8_000,
        interval: 500,
      },
    );
  });
});

describe('GraphQL as a service', () => {
  it('runs with a service principal whose scopes shield checks', async () => {
    const reader = await createClient({ scopes: ['users:read'] });
    const plain = await createClient();
    const query = `{ user(id: "${admin.id}") { id email } }`;
    const asReader = await stack.graphql<{ user: { id: string; email: string } }>(query, { headers: keys(reader) });
    expect(asReader.data?.user).toEqual({ id: admin.id, email: admin.email });
    const asPlain = await stack.graphql(query, { headers: keys(plain) });
    expect(asPlain.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const badKey = await stack.graphql(query, { headers: { 'x-client-key': reader.clientKey, 'x-api-key': 'nope' } });
    expect(badKey.status).toBe(401);
  });
});
