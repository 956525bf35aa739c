import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizationCode } from '../../subgraphs/identity/src/oauth/authorization-code.entity.js';
import { hashOpaqueToken } from '../../subgraphs/identity/src/oauth/client-credentials.js';
import { callback, codeFor, formToken, registerApplication, rest, type RegisteredApplication } from '../oauth/flow.js';
import { startTestStack, type TestStack, type TestUser } from '../support/stack.js';
import { adminGraphQL } from './internal-client.js';
import { answer, call, signUp } from './oauth-client.js';

/**
 * HTTP as the legacy services spoke it, through the gateway: uncached secrets (RFC 6749 §5.1), the
 * token statuses of RFC 6749 §5.2, CORS for registered browser origins, and FastAPI's 404/405.
 */
let stack: TestStack;
let admin: TestUser;
let app: RegisteredApplication;
let spa: RegisteredApplication;
const spaOrigin = 'https://spa.example.com';
const evilOrigin = 'https://evil.example.com';

beforeAll(async () => {
  stack = await startTestStack();
  admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
  app = await registerApplication(stack);
  spa = await registerApplication(stack, { client_type: 'public', allowed_origins: [spaOrigin] });
});
afterAll(async () => {
  await stack?.stop();
});

function expectUncached(headers: Headers, what: string) {
  expect(headers.get('cache-control'), what).toBe('no-store');
  expect(headers.get('pragma'), what).toBe('no-cache');
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${stack.gatewayUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

describe('Cache-Control: no-store on every answer that carries a token or a secret', () => {
  it('POST /api/v1/auth/login and /api/v1/auth/refresh', async () => {
    const account = await signUp(stack, 'nostore');
    const login = await post('/api/v1/auth/login', { email: account.email, password: account.password });
    expect(login.status).toBe(200);
    expectUncached(login.headers, 'login');
    const { refresh_token } = (await login.json()) as { refresh_token: string };
    const refreshed = await post('/api/v1/auth/refresh', { refresh_token });
    expect(refreshed.status).toBe(200);
    expectUncached(refreshed.headers, 'refresh');
  });

  it('POST /api/v1/auth/token and /oauth/token', async () => {
    const user = await stack.createUser();
    const grant = await codeFor(stack, app, user.token);
    const json = await post('/api/v1/auth/token', {
      grant_type: 'authorization_code',
      code: grant.code,
      redirect_uri: callback,
      code_verifier: grant.verifier,
      client_id: app.clientId,
      client_secret: app.clientSecret,
    });
    expect(json.status).toBe(200);
    expectUncached(json.headers, '/api/v1/auth/token');
    const form = await formToken(stack, { grant_type: 'authorization_code', code: 'nope', client_id: app.clientId });
    expectUncached(form.headers, '/oauth/token');
  });

  it('application create and regenerate-secret', async () => {
    const created = await fetch(`${stack.gatewayUrl}/api/v1/applications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
      body: JSON.stringify({ app_name: 'Uncached', redirect_uris: [callback] }),
    });
    expect(created.status).toBe(201);
    expectUncached(created.headers, 'create');
    const { id } = (await created.json()) as { id: string };
    const regenerated = await fetch(`${stack.gatewayUrl}/api/v1/applications/${id}/regenerate-secret`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(regenerated.status).toBe(200);
    expectUncached(regenerated.headers, 'regenerate-secret');
  });

  it('seed 003 TOTP enrollment (the otpauth URL carries the secret)', async () => {
    const user = await stack.createUser();
    const started = await fetch(`${stack.gatewayUrl}/api/v1/members/me/totp/enroll-start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}` },
    });
    expect(started.status).toBe(200);
    expectUncached(started.headers, 'enroll-start');
  });

  it('every GraphQL POST: API client create and rotate, sign-in', async () => {
    const graphql = (query: string) =>
      post('/graphql', { query }, { authorization: `Bearer ${admin.token}` }).then(async (response) => ({
        headers: response.headers,
        body: (await response.json()) as { data?: Record<string, { client: { id: string } }> },
      }));
    const created = await graphql('mutation { createApiClient(input: { name: "uncached" }) { apiKey client { id } } }');
    expectUncached(created.headers, 'createApiClient');
    const id = created.body.data!['createApiClient']!.client.id;
    expectUncached((await graphql(`mutation { rotateApiClientKey(id: "${id}") { apiKey } }`)).headers, 'rotate');
    expectUncached((await graphql('{ __typename }')).headers, 'a query');
  });
});

describe('ETags', () => {
  it('tags answers to GET, which a conditional GET revalidates, and never an answer to a POST or PUT', async () => {
    const account = await signUp(stack, 'etags');
    const login = await post('/api/v1/auth/login', { email: account.email, password: account.password });
    const { access_token } = (await login.clone().json()) as { access_token: string };
    const bearer = { authorization: `Bearer ${access_token}` };
    // A platform route and a REST route: tagged, and a matching If-None-Match is a 304.
    for (const [path, headers] of [
      ['/health', {}],
      ['/api/v1/users/me', bearer],
    ] as const) {
      const first = await fetch(`${stack.gatewayUrl}${path}`, { headers });
      const etag = first.headers.get('etag');
      expect({ path, status: first.status, etag }).toEqual({
        path,
        status: 200,
        etag: expect.stringMatching(/^W\/".+"$/) as string,
      });
      // fetch would add `Cache-Control: no-cache` to a conditional request, which rules out a 304.
      const again = await fetch(`${stack.gatewayUrl}${path}`, {
        headers: { ...headers, 'if-none-match': etag!, 'cache-control': 'max-age=0' },
      });
      expect({ path, status: again.status }).toEqual({ path, status: 304 });
    }

    const me = JSON.stringify({ query: '{ me { id } }' });
    const answers = [
      { answer: login, what: 'POST /api/v1/auth/login', status: 200 },
      { answer: await post('/api/v1/auth/login', { email: 'nobody' }), what: 'a refused sign-in', status: 422 },
      {
        answer: await fetch(`${stack.gatewayUrl}/api/v1/users/me`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json', ...bearer },
          body: JSON.stringify({ full_name: 'Tag Less' }),
        }),
        what: 'PUT /api/v1/users/me',
        status: 200,
      },
      // The plain GraphQL path (plain-post.ts), and express's (a query string makes a POST not plain).
      { answer: await post('/graphql', JSON.parse(me), bearer), what: 'POST /graphql', status: 200 },
      { answer: await post('/graphql?x=1', JSON.parse(me), bearer), what: 'POST /graphql?x=1', status: 200 },
    ];
    for (const { answer, what, status } of answers) {
      const text = await answer.text();
      expect({ what, status: answer.status, etag: answer.headers.get('etag') }).toEqual({ what, status, etag: null });
      expect(answer.headers.get('content-type'), what).toBe('application/json; charset=utf-8');
      expect(Number(answer.headers.get('content-length')), what).toBe(Buffer.byteLength(text));
      expect(() => JSON.parse(text) as unknown, what).not.toThrow();
    }
  });
});

describe('seed 004 POST /api/v1/auth/token speaks the RFC 6749 §5.2 statuses', () => {
  const exchange = (grant: { code: string; verifier: string }, extra: Record<string, string> = {}) =>
    rest(stack, 'POST', '/api/v1/auth/token', {
      body: {
        grant_type: 'authorization_code',
        code: grant.code,
        redirect_uri: callback,
        code_verifier: grant.verifier,
        client_id: app.clientId,
        client_secret: app.clientSecret,
        ...extra,
      },
    });
  const invalidGrant = { status: 400, body: { error: 'invalid_grant', details: { error: 'invalid_grant' } } };

  it('answers invalid_grant with 400: a wrong verifier or redirect URI, a bad, expired or replayed code', async () => {
    const user = await stack.createUser();
    const grant = await codeFor(stack, app, user.token);
    expect(await exchange(grant, { code_verifier: `${grant.verifier.slice(0, -2)}AA` })).toMatchObject(invalidGrant);
    expect(await exchange(grant, { redirect_uri: `${callback}/` })).toMatchObject(invalidGrant);
    expect(await exchange(grant, { code: 'nope' })).toMatchObject(invalidGrant);
    expect((await exchange(grant)).status).toBe(200);
    expect(await exchange(grant)).toMatchObject(invalidGrant);

    const stale = await codeFor(stack, app, user.token);
    await stack.subgraphs.identity.database
      .fork()
      .nativeUpdate(
        AuthorizationCode,
        { codeHash: hashOpaqueToken(stale.code) },
        { expiresAt: new Date(Date.now() - 1000) },
      );
    expect(await exchange(stale)).toMatchObject(invalidGrant);
  });

  it('answers only invalid_client with 401, and the other RFC errors with 400', async () => {
    const user = await stack.createUser();
    const grant = await codeFor(stack, app, user.token);
    expect(await exchange(grant, { client_secret: 'mgs_wrong' })).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
    expect(await exchange(grant, { grant_type: 'password' })).toMatchObject({
      status: 400,
      body: { error: 'unsupported_grant_type' },
    });
    const missing = await rest(stack, 'POST', '/api/v1/auth/token', {
      body: { grant_type: 'authorization_code', client_id: app.clientId, client_secret: app.clientSecret },
    });
    expect(missing).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });
});

describe('CORS for the origins applications registered', () => {
  const preflight = (path: string, origin: string, method = 'POST') =>
    fetch(`${stack.gatewayUrl}${path}`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': method,
        'access-control-request-headers': 'authorization, content-type',
      },
    });

  it('answers a preflight of a registered origin with that origin, the methods and the headers', async () => {
    for (const [path, method, methods] of [
      ['/api/v1/auth/token', 'POST', ['POST']],
      ['/oauth/token', 'POST', ['POST']],
      ['/api/v1/users/me', 'GET', ['GET', 'PUT']],
      ['/api/v1/members/me', 'PATCH', ['GET', 'PATCH']],
    ] as const) {
      const answer = await preflight(path, spaOrigin, method);
      expect(answer.status, path).toBe(204);
      expect(answer.headers.get('access-control-allow-origin'), path).toBe(spaOrigin);
      expect(answer.headers.get('access-control-allow-methods')?.split(/,\s*/).sort(), path).toEqual([...methods]);
      expect(answer.headers.get('access-control-allow-headers')?.toLowerCase(), path).toMatch(/authorization/);
      expect(answer.headers.get('access-control-allow-headers')?.toLowerCase(), path).toMatch(/content-type/);
      expect(answer.headers.get('access-control-allow-credentials'), path).toBeNull();
      expect(answer.headers.get('vary'), path).toMatch(/Origin/);
    }
  });

  it('gives an origin no application registered no CORS headers at all', async () => {
    for (const path of ['/api/v1/auth/token', '/oauth/token', '/api/v1/users/me']) {
      const answer = await preflight(path, evilOrigin);
      expect(answer.headers.get('access-control-allow-origin'), path).toBeNull();
      expect(answer.headers.get('access-control-allow-methods'), path).toBeNull();
    }
    const user = await stack.createUser();
    const me = await fetch(`${stack.gatewayUrl}/api/v1/users/me`, {
      headers: { origin: evilOrigin, authorization: `Bearer ${user.token}` },
    });
    expect(me.status).toBe(200);
    expect(me.headers.get('access-control-allow-origin')).toBeNull();
    expect(me.headers.get('vary')).toMatch(/Origin/);
  });

  it("lets the registered origin read the JSON token endpoint's answer and bearer routes' answers", async () => {
    const user = await stack.createUser();
    const grant = await codeFor(stack, spa, user.token);
    const token = await post(
      '/api/v1/auth/token',
      {
        grant_type: 'authorization_code',
        code: grant.code,
        redirect_uri: callback,
        code_verifier: grant.verifier,
        client_id: spa.clientId,
      },
      { origin: spaOrigin },
    );
    expect(token.status).toBe(200);
    expect(token.headers.get('access-control-allow-origin')).toBe(spaOrigin);
    expect(token.headers.get('vary')).toMatch(/Origin/);
    const { access_token } = (await token.json()) as { access_token: string };
    const me = await fetch(`${stack.gatewayUrl}/api/v1/users/me`, {
      headers: { origin: spaOrigin, authorization: `Bearer ${access_token}` },
    });
    expect(me.status).toBe(200);
    expect(me.headers.get('access-control-allow-origin')).toBe(spaOrigin);
    // A refusal is readable too, so the application can tell why.
    const anonymous = await fetch(`${stack.gatewayUrl}/api/v1/users/me`, { headers: { origin: spaOrigin } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('access-control-allow-origin')).toBe(spaOrigin);
  });

  it('answers a token only to an origin of the application it was issued to', async () => {
    // Registered, so CORS in general is open to it, but not for another application's tokens.
    await registerApplication(stack, { client_type: 'public', allowed_origins: ['https://other.example.com'] });
    const user = await stack.createUser();
    const grant = await codeFor(stack, spa, user.token);
    const token = await post(
      '/api/v1/auth/token',
      {
        grant_type: 'authorization_code',
        code: grant.code,
        redirect_uri: callback,
        code_verifier: grant.verifier,
        client_id: spa.clientId,
      },
      { origin: 'https://other.example.com' },
    );
    expect(token.status).toBe(200);
    expect(token.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('is not offered on sign-in or /internal', async () => {
    for (const path of ['/api/v1/auth/login', '/internal/systems']) {
      const answer = await preflight(path, spaOrigin);
      expect(answer.headers.get('access-control-allow-origin'), path).toBeNull();
    }
  });
});

describe('/internal/* routing as FastAPI answered it', () => {
  it('answers an unknown path 404 {"detail":"Not Found"}', async () => {
    for (const path of ['/internal/nope', '/internal', '/internal/sites/extra']) {
      const answer = await fetch(`${stack.gatewayUrl}${path}`);
      expect({ status: answer.status, body: await answer.json() }, path).toEqual({
        status: 404,
        body: { detail: 'Not Found' },
      });
    }
  });

  it('answers a wrong method 405 {"detail":"Method Not Allowed"} with an Allow header', async () => {
    for (const [method, path, allow] of [
      ['POST', '/internal/sites', 'GET'],
      ['DELETE', '/internal/permissions/alice/snapshot', 'GET'],
      ['GET', '/internal/users/upsert-by-sub', 'POST'],
    ] as const) {
      const answer = await fetch(`${stack.gatewayUrl}${path}`, { method });
      expect({ status: answer.status, body: await answer.json() }, `${method} ${path}`).toEqual({
        status: 405,
        body: { detail: 'Method Not Allowed' },
      });
      expect(answer.headers.get('allow'), `${method} ${path}`).toBe(allow);
    }
  });
});

describe('/api/v1/* routing as the legacy routers answered it (FastAPI for seed 004, go-zero for seed 003)', () => {
  const oauthRefusal = { error: 'method_not_allowed', message: 'Method Not Allowed', details: {} };
  const memberRefusal = { code: 10101000, message: 'Method Not Allowed' };

  it("answers a wrong method 405 with Allow in the path family's shape, before any credential is looked at", async () => {
    for (const [method, path, allow, body] of [
      ['GET', '/api/v1/auth/login', 'POST', oauthRefusal],
      ['DELETE', '/api/v1/users/me', 'GET, PUT', oauthRefusal],
      ['POST', '/api/v1/applications/some-app', 'GET, PUT, DELETE', oauthRefusal],
      ['PUT', '/api/v1/members/me', 'GET, PATCH', memberRefusal],
      ['GET', '/api/v1/members/me/totp/verify', 'POST', memberRefusal],
    ] as const) {
      const answer = await fetch(`${stack.gatewayUrl}${path}`, { method });
      expect({ status: answer.status, body: await answer.json() }, `${method} ${path}`).toEqual({ status: 405, body });
      expect(answer.headers.get('allow'), `${method} ${path}`).toBe(allow);
    }
  });

  it('changes nothing: a PUT where seed 003 takes PATCH leaves the member as it was', async () => {
    const user = await stack.createUser();
    const before = await call(stack, 'GET', '/api/v1/members/me', { token: user.token });
    const put = await call(stack, 'PUT', '/api/v1/members/me', {
      token: user.token,
      body: { display_name: 'Put Instead', language: 'fr' },
    });
    expect({ status: put.status, body: put.body }).toEqual({ status: 405, body: memberRefusal });
    expect((await call(stack, 'GET', '/api/v1/members/me', { token: user.token })).body).toEqual(before.body);
  });

  it("still serves HEAD from a GET route, and answers an unknown path 404 in its family's shape", async () => {
    const head = await fetch(`${stack.gatewayUrl}/api/v1/users/me`, { method: 'HEAD' });
    expect(head.status).toBe(401);
    expect(await answer(stack, 'GET', '/api/v1/nope')).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect(await answer(stack, 'GET', '/api/v1/members/nope')).toEqual({
      status: 404,
      body: { code: 29301000, message: 'No route for GET /api/v1/members/nope' },
    });
  });
});

describe('API client path rules match the path as routed', () => {
  const client = (allowedPaths: string[]) =>
    adminGraphQL<{ createApiClient: { clientKey: string; apiKey: string } }>(
      stack,
      admin,
      'mutation ($i: CreateApiClientInput!) { createApiClient(input: $i) { clientKey apiKey } }',
      { i: { name: 'paths', scopes: ['catalog:read', 'users:read'], allowedPaths } },
    ).then(({ createApiClient: c }) => ({ 'x-client-key': c.clientKey, 'x-api-key': c.apiKey }));
  const status = async (path: string, keys: Record<string, string>) =>
    (await fetch(`${stack.gatewayUrl}${path}`, { headers: keys })).status;

  it('a trailing slash or another spelling of an allowed route is not refused', async () => {
    const keys = await client(['/internal/members', '/internal/permissions/alice/snapshot']);
    expect(await status('/internal/members', keys)).toBe(200);
    expect(await status('/internal/members/', keys)).toBe(200);
    expect(await status('/internal/permissions/alic%65/snapshot', keys)).toBe(200);
  });

  it('a trailing slash or %2F does not slip past a rule', async () => {
    const keys = await client(['/internal/sites/**', '/internal/permissions/alice/**']);
    expect(await status('/internal/sites/', keys)).toBe(403);
    expect(await status('/internal/permissions/alice%2Fsnapshot/snapshot', keys)).toBe(403);
  });

  it('a %2F inside a path parameter stays inside its segment', async () => {
    const keys = await client(['/internal/permissions/*/snapshot']);
    expect(await status('/internal/permissions/a%2Fb/snapshot', keys)).toBe(200);
    const narrow = await client(['/internal/permissions/alice/snapshot']);
    expect(await status('/internal/permissions/alice%2Fx/snapshot', narrow)).toBe(403);
  });
});
