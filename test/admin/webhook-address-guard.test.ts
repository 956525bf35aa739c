import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type GraphQLResponse, type TestStack, type TestUser } from '../support/stack.js';

/**
 * Production refuses webhook endpoints that reach a non-public address, whatever the URL's spelling
 * (security finding 6: IPv4-translated ::ffff:0:0/96 was accepted).
 */
let production: TestStack;
let admin: TestUser;

beforeAll(async () => {
  production = await startTestStack({ NODE_ENV: 'production', PUBLIC_URL: 'https://id.example.com' });
  admin = await production.createUser({ role: 'SYSTEM_ADMIN' });
});
afterAll(async () => {
  await production?.stop();
});

type Created = { createWebhookEndpoint: { endpoint: { id: string; url: string } } };

function createEndpoint(url: string): Promise<GraphQLResponse<Created>> {
  return production.graphql<Created>(
    `mutation ($input: CreateWebhookEndpointInput!) {
       createWebhookEndpoint(input: $input) { endpoint { id url } }
     }`,
    { token: admin.token, variables: { input: { url, events: ['user.login'] } } },
  );
}

describe('webhook endpoints in production (NODE_ENV=production, guard on by default)', () => {
  it.each([
    ['https://[::ffff:0:7f00:1]/hook', '::ffff:0:7f00:1 is loopback'],
    ['https://[::FFFF:0:127.0.0.1]/hook', '::ffff:0:7f00:1 is loopback'],
    ['https://[0:0:0:0:ffff:0:a9fe:a9fe]/latest/meta-data/', '::ffff:0:a9fe:a9fe is link-local'],
    ['https://[::ffff:0:a00:1]/hook', '::ffff:0:a00:1 is private'],
    ['https://[::ffff:0:808:808]/hook', '::ffff:0:808:808 is reserved'],
    ['https://[::ffff:7f00:1]/hook', '::ffff:7f00:1 is loopback'],
    ['https://[::ffff:127.0.0.1]/hook', '::ffff:7f00:1 is loopback'],
    ['https://[64:ff9b::10.0.0.1]/hook', '64:ff9b::a00:1 is private'],
    ['https://[64:ff9b:1::808:808]/hook', '64:ff9b:1::808:808 is reserved'],
    ['https://[2002:a9fe:a9fe::1]/hook', '2002:a9fe:a9fe::1 is link-local'],
    ['https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook', 'is reserved'],
    ['https://[fec0::1]/hook', 'fec0::1 is private'],
    ['https://[100::1]/hook', '100::1 is reserved'],
    ['https://[3fff::1]/hook', '3fff::1 is documentation'],
    ['https://2130706433/hook', '127.0.0.1 is loopback'],
    ['https://0x7f.1/hook', '127.0.0.1 is loopback'],
    ['https://017700000001/hook', '127.0.0.1 is loopback'],
    ['https://0/hook', '0.0.0.0 is unspecified'],
    ['https://192.0.0.170/hook', '192.0.0.170 is reserved'],
    ['https://localhost/hook', 'is loopback'],
  ])('refuses to register %s', async (url, reason) => {
    const response = await createEndpoint(url);
    expect(response.errors?.[0]?.extensions?.['code']).toBe('VALIDATION_FAILED');
    expect(response.errors?.[0]?.extensions?.['details']).toMatchObject({ fields: [{ field: 'url' }] });
    expect(response.errors?.[0]?.message).toContain(reason);
    expect(response.data?.createWebhookEndpoint ?? null).toBeNull();
  });

  it('still registers a public address (IPv4-mapped too)', async () => {
    for (const url of ['https://93.184.215.14/hook', 'https://[::ffff:93.184.215.14]/hook']) {
      const response = await createEndpoint(url);
      expect(response.errors).toBeUndefined();
      expect(response.data?.createWebhookEndpoint.endpoint.url).toBe(new URL(url).toString());
    }
  });
});
