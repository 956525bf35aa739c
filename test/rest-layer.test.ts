import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ViewerDocument } from '../gateway/src/generated/graphql.js';
import { defineRoute, type RouteDefinition } from '../gateway/src/rest/route.js';
import { startTestStack, type TestStack, type TestUser } from './support/stack.js';

/**
 * Route declarations of each legacy family, exercising the machinery that the domain routes use:
 * authentication, validation before anything runs, in-process GraphQL, response shaping, errors.
 */
const routes: RouteDefinition[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/probe/me',
    family: 'oauth',
    auth: 'public',
    summary: 'The caller, through the federated graph',
    response: z.object({ id: z.string(), email: z.string() }),
    errors: { 401: 'Not signed in' },
    async handle({ graphql }) {
      const { me } = await graphql(ViewerDocument);
      // The extra field must not leave: responses are stripped to what is declared.
      if (!me) throw new Error('me is resolved or an error was thrown');
      return { body: Object.assign({ secretColumn: 'never-leaks' }, me) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/members/probe/echo',
    family: 'member',
    auth: 'bearer',
    summary: 'Echoes a display name in the seed 003 envelope',
    body: z.object({ display_name: z.string().min(1).max(20) }),
    response: z.object({ display_name: z.string(), uid: z.string() }),
    errors: { 400: 'Bad input', 401: 'No bearer' },
    async handle({ body, principal }) {
      return { body: { display_name: body.display_name, uid: principal.kind === 'user' ? principal.userId : '' } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/internal/probe/items/:item_key',
    family: 'internal',
    auth: 'public',
    summary: 'A paged listing in the seed 000 shape',
    params: z.object({ item_key: z.string().regex(/^IT\d{4}$/) }),
    query: z.object({
      limit: z.coerce.number().int().min(1).max(500).default(500),
      offset: z.coerce.number().int().min(0).default(0),
    }),
    response: z.object({ items: z.array(z.string()), total: z.number(), limit: z.number(), offset: z.number() }),
    errors: { 422: 'Malformed paging' },
    async handle({ params, query }) {
      return { body: { items: [params.item_key], total: 1, limit: query.limit, offset: query.offset } };
    },
  }),
];

let stack: TestStack;
let user: TestUser;
beforeAll(async () => {
  stack = await startTestStack({}, { routes });
  user = await stack.createUser();
});
afterAll(async () => {
  await stack?.stop();
});

async function call(method: string, path: string, options: { token?: string; body?: string } = {}) {
  const response = await fetch(`${stack.gatewayUrl}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('REST compatibility layer machinery', () => {
  describe('seed 004 family', () => {
    it('runs the GraphQL operation as the caller and strips undeclared fields', async () => {
      expect(await call('GET', '/api/v1/probe/me', { token: user.token })).toEqual({
        status: 200,
        body: { id: user.id, email: user.email },
      });
    });

    it('turns GraphQL errors into {error, message, details} with the status of the code', async () => {
      expect(await call('GET', '/api/v1/probe/me')).toEqual({
        status: 401,
        body: { error: 'unauthenticated', message: 'Authentication is required', details: {} },
      });
      expect(await call('GET', '/api/v1/probe/me', { token: 'not.a.token' })).toEqual({
        status: 401,
        body: { error: 'invalid_token', message: 'The token is invalid or expired', details: {} },
      });
    });

    it('answers unknown paths with 404 in the same shape', async () => {
      expect(await call('GET', '/api/v1/nowhere')).toEqual({
        status: 404,
        body: { error: 'not_found', message: 'No route for GET /api/v1/nowhere', details: {} },
      });
    });
  });

  describe('seed 003 family', () => {
    it('wraps success in {code: 102000, message: SUCCESS, data}', async () => {
      const response = await call('POST', '/api/v1/members/probe/echo', {
        token: user.token,
        body: JSON.stringify({ display_name: 'Chris' }),
      });
      expect(response).toEqual({
        status: 200,
        body: { code: 102000, message: 'SUCCESS', data: { display_name: 'Chris', uid: user.id } },
      });
    });

    it('refuses a missing bearer with 401 / 29501000', async () => {
      expect(await call('POST', '/api/v1/members/probe/echo', { body: '{"display_name":"x"}' })).toMatchObject({
        status: 401,
        body: { code: 29501000 },
      });
    });

    it('tells a missing field (29104000) from a malformed one (10101000), both 400', async () => {
      const missing = await call('POST', '/api/v1/members/probe/echo', { token: user.token, body: '{}' });
      expect(missing).toMatchObject({ status: 400, body: { code: 29104000 } });
      const malformed = await call('POST', '/api/v1/members/probe/echo', {
        token: user.token,
        body: JSON.stringify({ display_name: 'x'.repeat(21) }),
      });
      expect(malformed).toMatchObject({ status: 400, body: { code: 10101000 } });
      expect(malformed.body['message']).toMatch(/display_name/);
      const notJson = await call('POST', '/api/v1/members/probe/echo', { token: user.token, body: '{"display_name":' });
      expect(notJson).toMatchObject({ status: 400, body: { code: 10101000 } });
    });
  });

  describe('seed 000 family', () => {
    it('applies declared defaults and coerces query strings', async () => {
      expect(await call('GET', '/internal/probe/items/IT0001?offset=5')).toEqual({
        status: 200,
        body: { items: ['IT0001'], total: 1, limit: 500, offset: 5 },
      });
    });

    it('answers malformed or out-of-range paging with 422 {detail: [...]}', async () => {
      const tooBig = await call('GET', '/internal/probe/items/IT0001?limit=501');
      expect(tooBig.status).toBe(422);
      expect(tooBig.body).toEqual({
        detail: [{ loc: ['query', 'limit'], msg: expect.stringMatching(/500/) as string, type: 'too_big' }],
      });
      expect((await call('GET', '/internal/probe/items/IT0001?offset=-1')).status).toBe(422);
      expect((await call('GET', '/internal/probe/items/IT0001?limit=abc')).status).toBe(422);
      expect((await call('GET', '/internal/probe/items/bad-key')).status).toBe(422);
    });

    it('answers unknown paths with {"detail": "Not Found"}, as FastAPI did', async () => {
      expect(await call('GET', '/internal/nowhere')).toEqual({ status: 404, body: { detail: 'Not Found' } });
    });
  });

  it('documents every declared route in /openapi.json (OpenAPI 3.1)', async () => {
    const doc = (await (await fetch(`${stack.gatewayUrl}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            parameters: { name: string; in: string }[];
            security: unknown[];
            responses: Record<string, unknown>;
            requestBody?: unknown;
          }
        >
      >;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/api/v1/members/probe/echo',
        '/api/v1/probe/me',
        '/internal/probe/items/{item_key}',
        // Raw routes (rest/raw-route.ts): declared beside the route table, documented from their declarations.
        '/oauth/authorize',
        '/oauth/token',
        // The self-service pages (pages/self-service).
        '/oauth/forgot-password',
        '/oauth/reset-password',
        '/oauth/sign-up',
        '/oauth/verify-email',
        '/oauth/revoke',
        '/oauth/introspect',
        '/oauth/logout',
        '/oauth/userinfo',
      ].sort(),
    );
    const listing = doc.paths['/internal/probe/items/{item_key}']!['get']!;
    expect(listing.parameters.map((p) => `${p.in}:${p.name}`)).toEqual([
      'path:item_key',
      'query:limit',
      'query:offset',
    ]);
    // Its own 422, and what the shared machinery answers on every route (statuses.ts).
    expect(Object.keys(listing.responses)).toEqual([
      '200',
      '400',
      '401',
      '405',
      '413',
      '415',
      '422',
      '429',
      '500',
      '503',
    ]);
    const echo = doc.paths['/api/v1/members/probe/echo']!['post']!;
    expect(echo.security).toEqual([{ bearerAuth: [] }]);
    expect(echo.requestBody).toBeDefined();
    expect(JSON.stringify(echo.responses['200'])).toContain('102000');
  });
});
