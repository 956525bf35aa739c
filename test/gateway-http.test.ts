import { once } from 'node:events';
import { request, type IncomingMessage } from 'node:http';
import { Writable } from 'node:stream';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../lib/http/listen.js';
import { startTestStack, type TestStack } from './support/stack.js';

const logLines: Record<string, unknown>[] = [];
const logSink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean))
      logLines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

let stack: TestStack;
beforeAll(async () => {
  // debug: the subgraphs' per-operation lines, which the request id tests below follow, are debug lines.
  stack = await startTestStack(
    { LOG_LEVEL: 'debug', MAX_QUERY_DEPTH: '5', MAX_QUERY_ALIASES: '3' },
    { logDestination: logSink },
  );
});
afterAll(async () => {
  await stack?.stop();
});

describe('gateway HTTP surface', () => {
  it('serves liveness, and readiness of every subgraph and the database', async () => {
    expect(await (await fetch(`${stack.gatewayUrl}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${stack.gatewayUrl}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      subgraphs: { identity: 'ready', member: 'ready', catalog: 'ready', admin: 'ready' },
    });
  });

  it('serves Prometheus metrics that count what it served', async () => {
    await stack.graphql('{ __typename }');
    const response = await fetch(`${stack.gatewayUrl}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(
      /membergraph_http_request_duration_seconds_count\{service="gateway",method="POST",route="\/graphql",status="200"\} [1-9]/,
    );
    expect(text).toMatch(
      /membergraph_graphql_operation_duration_seconds_count\{service="gateway",operation="other",operation_type="query"\} [1-9]/,
    );
  });

  it('serves Apollo Sandbox to a browser on GET /graphql', async () => {
    const response = await fetch(`${stack.gatewayUrl}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toMatch(/embeddable-sandbox|EmbeddedSandbox/);
  });

  it('blocks cross-site simple requests (CSRF prevention)', async () => {
    const simple = await fetch(`${stack.gatewayUrl}/graphql?query=${encodeURIComponent('{ __typename }')}`);
    expect(simple.status).toBe(400);
    const preflighted = await fetch(`${stack.gatewayUrl}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(preflighted.status).toBe(200);
  });

  it('passes the request id from the caller through the gateway to the subgraphs', async () => {
    const user = await stack.createUser();
    const requestId = `trace-${Date.now()}`;
    const response = await fetch(`${stack.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}`, 'x-request-id': requestId },
      body: JSON.stringify({ query: '{ me { id memberProfile { language } } }' }),
    });
    expect(response.headers.get('x-request-id')).toBe(requestId);
    expect(response.status).toBe(200);
    const components = logLines
      .filter((l) => l['requestId'] === requestId && l['msg'] === 'graphql operation')
      .map((l) => l['component']);
    expect(components).toEqual(expect.arrayContaining(['identity', 'member']));
  });

  it('makes up one request id when the caller sends none, and uses it end to end', async () => {
    const user = await stack.createUser();
    const response = await fetch(`${stack.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
      body: JSON.stringify({ query: '{ me { id memberProfile { language } } }' }),
    });
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const components = logLines
      .filter((l) => l['requestId'] === requestId && l['msg'] === 'graphql operation')
      .map((l) => l['component']);
    expect(components).toEqual(expect.arrayContaining(['identity', 'member']));
  });

  it('publishes discovery metadata whose key set verifies our tokens', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const metadata = (await (await fetch(`${stack.gatewayUrl}${path}`)).json()) as Record<string, unknown>;
      expect(metadata).toMatchObject({
        issuer: 'http://127.0.0.1:0',
        access_token_signing_alg_values_supported: ['ES256'],
      });
      // An OpenID Provider too (test/oidc has the flows): its provider values are in both documents.
      expect(metadata).toMatchObject({
        id_token_signing_alg_values_supported: ['ES256', 'RS256'],
        subject_types_supported: ['public'],
        userinfo_endpoint: 'http://127.0.0.1:0/oauth/userinfo',
      });
      expect(metadata['claims_supported']).toEqual(expect.arrayContaining(['sub', 'email', 'phone_number']));
    }
    const metadata = (await (await fetch(`${stack.gatewayUrl}/.well-known/openid-configuration`)).json()) as {
      jwks_uri: string;
    };
    // The issuer names port 0 in tests (PUBLIC_URL defaults to it); the path is what matters here.
    const jwks = createLocalJWKSet(
      (await (await fetch(`${stack.gatewayUrl}${new URL(metadata.jwks_uri).pathname}`)).json()) as JSONWebKeySet,
    );
    const user = await stack.createUser();
    await expect(jwtVerify(user.token, jwks, { issuer: 'http://127.0.0.1:0' })).resolves.toBeDefined();
  });

  it('lets anyone introspect in development', async () => {
    const response = await stack.graphql('{ __schema { queryType { name } } }');
    expect(response.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('answers a GraphQL body that is too large with 413, and one that is not JSON with 400', async () => {
    const post = (body: string) =>
      fetch(`${stack.gatewayUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const huge = await post(JSON.stringify({ query: `{ me { id } } # ${'x'.repeat(8 * 1024 * 1024)}` }));
    expect(huge.status).toBe(413);
    expect(await huge.json()).toEqual({
      errors: [
        { message: 'The request body is too large', extensions: { code: 'PAYLOAD_TOO_LARGE', http: { status: 413 } } },
      ],
    });
    const broken = await post('{"query": ');
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('answers plain GraphQL POSTs, which skip express (plain-post.ts), exactly as express does', async () => {
    // The express app alone on a port of its own: what every request got before the plain path.
    const viaExpress = await listen(stack.gateway.app, 0, '127.0.0.1', { component: 'express', variable: 'PORT' });
    try {
      const user = await stack.createUser();
      const query = JSON.stringify({ query: '{ me { id email } }' });
      const cases: { body: string; headers?: Record<string, string>; path?: string }[] = [
        { body: query, headers: { authorization: `Bearer ${user.token}` } },
        { body: query },
        { body: query, headers: { authorization: 'Bearer not-a-token' } },
        { body: query, headers: { 'content-type': 'application/json; charset=UTF-8' } },
        { body: JSON.stringify({ query: '{ nope }' }) },
        { body: JSON.stringify({ query: 'mutation { logout }', operationName: 'Nope' }) },
        // Bodies express.json refuses or reads its own way: the plain path must agree.
        { body: '{"query": ' },
        { body: '"{ me { id } }"' },
        { body: ' \n[]' },
        { body: '\ufeff' },
        { body: `\ufeff${query}` },
        // Not plain: express answers these on both ports.
        { body: query, headers: { 'content-type': 'application/json; charset=latin1' } },
        { body: query, headers: { 'content-type': 'text/plain' } },
        { body: query, path: '/graphql?x=1' },
        { body: query, path: '/GraphQL' },
      ];
      // Raw headers: names as written, in order, as well as values.
      const answer = async (base: string, { body, headers, path }: (typeof cases)[number]) => {
        const sent = request(`${base}${path ?? '/graphql'}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': 'plain-post-test', ...headers },
        }).end(body);
        const [response] = (await once(sent, 'response')) as [IncomingMessage];
        const chunks: Buffer[] = [];
        for await (const chunk of response) chunks.push(chunk as Buffer);
        const raw = response.rawHeaders.flatMap((value, index, all) => (index % 2 ? [] : [[value, all[index + 1]]]));
        const kept = raw.filter(([name]) => !/^(date|ratelimit-(remaining|reset))$/i.test(name ?? ''));
        return { status: response.statusCode, headers: kept, body: Buffer.concat(chunks).toString() };
      };
      for (const asked of cases) {
        const expected = await answer(`http://127.0.0.1:${viaExpress.port}`, asked);
        expect({ asked, ...(await answer(stack.gatewayUrl, asked)) }).toEqual({ asked, ...expected });
      }
    } finally {
      await viaExpress.close();
    }
  });

  it('reports a subgraph that stopped answering as not ready', async () => {
    await stack.subgraphs.admin.close();
    const ready = await fetch(`${stack.gatewayUrl}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      status: 'unavailable',
      subgraphs: { admin: 'unreachable', identity: 'ready' },
    });
  });
});

describe('gateway in production', () => {
  let production: TestStack;
  beforeAll(async () => {
    production = await startTestStack({
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://id.example.com',
      MAX_QUERY_DEPTH: '5',
      MAX_QUERY_ALIASES: '3',
    });
  });
  afterAll(async () => {
    await production?.stop();
  });

  it('allows introspection to system admins only', async () => {
    const query = '{ __schema { queryType { name } } }';
    const anonymous = await production.graphql(query);
    expect(anonymous.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    const user = await production.createUser();
    expect((await production.graphql(query, { token: user.token })).errors?.[0]?.extensions?.['code']).toBe(
      'FORBIDDEN',
    );
    const admin = await production.createUser({ role: 'SYSTEM_ADMIN' });
    expect((await production.graphql(query, { token: admin.token })).data).toEqual({
      __schema: { queryType: { name: 'Query' } },
    });
  });

  it('hides introspection behind fragments too', async () => {
    const user = await production.createUser();
    const sneaky = await production.graphql('query { ...F } fragment F on Query { __type(name: "User") { name } }', {
      token: user.token,
    });
    expect(sneaky.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });

  it('rejects documents beyond the depth and alias limits before planning', async () => {
    const user = await production.createUser();
    const deep = await production.graphql(
      '{ me { ...U } } fragment U on User { memberProfile { ...P } } fragment P on MemberProfile { language }',
      { token: user.token },
    );
    expect(deep.errors?.[0]?.message).toMatch(/depth/i);
    const aliases = await production.graphql('{ a: me { id } b: me { id } c: me { id } d: me { id } }', {
      token: user.token,
    });
    expect(aliases.errors?.[0]?.message).toMatch(/alias/i);
  });

  it('still serves ordinary queries', async () => {
    const user = await production.createUser();
    expect((await production.graphql('{ me { id } }', { token: user.token })).data).toEqual({ me: { id: user.id } });
  });

  it('serves the REST routes at the lowest depth the configuration accepts: their operations are within it', async () => {
    const user = await production.createUser();
    // Its operation is 5 deep; at MAX_QUERY_DEPTH=4 it answered 500, and that value is now refused at start.
    const me = await fetch(`${production.gatewayUrl}/api/v1/users/me`, {
      headers: { authorization: `Bearer ${user.token}` },
    });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { email?: unknown }).email).toBe(user.email);
  });
});
