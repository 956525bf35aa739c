import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../lib/errors/index.js';
import { defineRoute, type RouteDefinition } from '../../gateway/src/rest/route.js';
import { UNDECLARED_STATUS_MESSAGE } from '../../gateway/src/rest/router.js';
import { legacyRoutes } from '../../gateway/src/rest/routes.js';
import { FUZZ_UUID, validSample, type JsonSchema } from '../security/fuzz-probes.js';
import { createClient, type ClientKeys } from './internal-client.js';
import { startTestStack, type TestStack, type TestUser } from '../support/stack.js';

/**
 * Issue 13 point 8: /openapi.json is exact. It is valid OpenAPI 3.1, names every operation, and lists
 * every status a route answers; the router flags any other (koaGuard's status check).
 */
interface Operation {
  readonly operationId?: string;
  readonly security: readonly Record<string, unknown>[];
  readonly parameters?: readonly { name: string; in: string; schema: JsonSchema }[];
  readonly requestBody?: { readonly content: Record<string, { schema: JsonSchema }> };
  readonly responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
}
type Document = { paths: Record<string, Record<string, Operation>> } & Record<string, unknown>;

/** A route whose handler answers a status it never declared: the guard must say so. */
const undeclaredProbe = defineRoute({
  method: 'get',
  path: '/api/v1/probe/undeclared',
  family: 'oauth',
  auth: 'none',
  summary: 'Answers 409, which it does not declare',
  response: z.object({}),
  errors: {},
  async handle() {
    throw new AppError('CONFLICT');
  },
});
const routes: RouteDefinition[] = [...legacyRoutes, undeclaredProbe];

const logLines: string[] = [];
let stack: TestStack;
let doc: Document;
let keys: ClientKeys;
let applicationId: string;
let member: TestUser;

beforeAll(async () => {
  stack = await startTestStack(
    { LOG_LEVEL: 'error' },
    { routes, logDestination: { write: (line: string) => void logLines.push(line) } },
  );
  const admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
  member = await stack.createUser();
  keys = await createClient(stack, admin, ['catalog:read', 'users:read', 'users:write']);
  const created = await fetch(`${stack.gatewayUrl}/api/v1/applications`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ app_name: 'Documented', redirect_uris: ['https://app.example.com/callback'] }),
  });
  expect(created.status).toBe(201);
  applicationId = ((await created.json()) as { id: string }).id;
  doc = (await (await fetch(`${stack.gatewayUrl}/openapi.json`)).json()) as Document;
});
afterAll(async () => {
  await stack?.stop();
});

const templateOf = (route: RouteDefinition) => route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
const operationOf = (route: RouteDefinition) => doc.paths[templateOf(route)]![route.method]!;
const declared = (route: RouteDefinition) => Object.keys(operationOf(route).responses).map(Number);
const undeclaredLogs = () => logLines.filter((line) => line.includes(UNDECLARED_STATUS_MESSAGE));

describe('the OpenAPI document (issue 13 point 8)', () => {
  it('passes an OpenAPI 3.1 schema validator', async () => {
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc['openapi']).toBe('3.1.0');
  });

  it('gives every operation a unique operationId derived from method and path', () => {
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.paths['/api/v1/admin/users/{user_id}']?.['get']?.operationId).toBe('getApiV1AdminUsersByUserId');
  });

  it('documents the picture upload as multipart/form-data with a binary file part', () => {
    const upload = doc.paths['/api/v1/users/me/profile-picture']!['post']!;
    expect(Object.keys(upload.requestBody!.content)).toEqual(['multipart/form-data']);
    expect(upload.requestBody!.content['multipart/form-data']!.schema.properties?.['file']?.format).toBe('binary');
  });

  it("documents /internal 422s in FastAPI's list form", () => {
    for (const route of legacyRoutes.filter((r) => r.family === 'internal')) {
      const schema = operationOf(route).responses['422']!.content!['application/json']!.schema as {
        properties: { detail: { type: string; items: { required: string[] } } };
      };
      expect(schema.properties.detail.type, route.path).toBe('array');
      expect(schema.properties.detail.items.required).toEqual(['loc', 'msg', 'type']);
    }
  });

  it('declares the statuses the shared machinery answers on every route', () => {
    for (const route of legacyRoutes) {
      const statuses = declared(route);
      const label = `${route.method} ${route.path}`;
      const expected = [429, 500, 400, 405];
      if (route.family !== 'member') expected.push(413, 415, 422);
      if (route.auth !== 'none') expected.push(401);
      if (route.auth === 'bearer' || route.auth === 'member' || route.auth === 'api-client') expected.push(403);
      expect(statuses, label).toEqual(expect.arrayContaining(expected));
    }
  });

  it('documents /oauth/token and /oauth/authorize (form-encoded, Basic auth, RFC 6749 errors)', () => {
    const token = doc.paths['/oauth/token']!['post']!;
    expect(Object.keys(token.requestBody!.content)).toEqual(['application/x-www-form-urlencoded']);
    expect(token.security).toContainEqual({ basicAuth: [] });
    const error = token.responses['400']!.content!['application/json']!.schema as { properties: object };
    expect(Object.keys(error.properties)).toEqual(['error', 'error_description']);
    expect(Object.keys(doc.paths['/oauth/authorize']!).sort()).toEqual(['get', 'post']);
    expect(doc.paths['/oauth/authorize']!['post']!.requestBody!.content).toHaveProperty(
      'application/x-www-form-urlencoded',
    );
  });
});

describe('answered statuses (koaGuard)', () => {
  it('logs a status the route does not declare', async () => {
    const before = undeclaredLogs().length;
    const response = await fetch(`${stack.gatewayUrl}/api/v1/probe/undeclared`);
    expect(response.status).toBe(409);
    await expect.poll(() => undeclaredLogs().length).toBe(before + 1);
    expect(undeclaredLogs().at(-1)).toContain('"status":409');
  });

  it('answers only declared statuses on every route: success, no credentials, bad body, unknown id', async () => {
    const answered: string[] = [];
    const undocumented: string[] = [];
    const before = undeclaredLogs().length;
    await Promise.all(
      legacyRoutes.map(async (route) => {
        const operation = operationOf(route);
        const admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
        const credentials: Record<string, string> =
          route.auth === 'api-client'
            ? keys
            : { authorization: `Bearer ${route.family === 'member' ? (await stack.createUser()).token : admin.token}` };
        const pathWith = (known: boolean) =>
          templateOf(route).replace(/\{([A-Za-z0-9_]+)\}/g, (_m, name: string) => {
            if (known && (name === 'user_id' || name === 'user_sub')) return member.id;
            if (known && name === 'app_id') return applicationId;
            const schema = operation.parameters?.find((p) => p.name === name)?.schema ?? {};
            return encodeURIComponent(String(schema.format === 'uuid' ? FUZZ_UUID : validSample(schema, name)));
          });
        const bodySchema = operation.requestBody?.content['application/json']?.schema;
        const sample = bodySchema ? JSON.stringify(validSample(bodySchema, 'body')) : undefined;
        const attempts: { what: string; path: string; headers: Record<string, string>; body?: string }[] = [
          { what: 'no credentials', path: pathWith(true), headers: {}, ...(sample ? { body: sample } : {}) },
          // A body of the wrong shape; where the route reads none (GET), a query value it cannot store.
          bodySchema
            ? { what: 'bad body', path: pathWith(true), headers: credentials, body: '["not", "an", "object"]' }
            : { what: 'bad query', path: `${pathWith(true)}?bad=%00`, headers: credentials },
          { what: 'unknown id', path: pathWith(false), headers: credentials, ...(sample ? { body: sample } : {}) },
          { what: 'success', path: pathWith(true), headers: credentials, ...(sample ? { body: sample } : {}) },
        ];
        if (route.family === 'internal') attempts.push({ what: 'other method', path: pathWith(true), headers: {} });
        for (const attempt of attempts) {
          const method = attempt.what === 'other method' ? 'PATCH' : route.method.toUpperCase();
          const response = await fetch(`${stack.gatewayUrl}${attempt.path}`, {
            method,
            headers: { ...attempt.headers, ...(attempt.body ? { 'content-type': 'application/json' } : {}) },
            ...(attempt.body ? { body: attempt.body } : {}),
          });
          await response.arrayBuffer();
          const line = `${route.method.toUpperCase()} ${route.path} (${attempt.what}) → ${response.status}`;
          answered.push(line);
          if (!declared(route).includes(response.status)) undocumented.push(line);
        }
      }),
    );
    expect(undocumented).toEqual([]);
    expect(undeclaredLogs().slice(before)).toEqual([]);
    // The refusals did happen: a route table answering only 200s would prove nothing.
    expect(answered.some((line) => line.endsWith('→ 401'))).toBe(true);
    expect(answered.some((line) => line.endsWith('→ 422'))).toBe(true);
    expect(answered.some((line) => line.endsWith('→ 404'))).toBe(true);
    expect(answered.some((line) => line.endsWith('→ 405'))).toBe(true);
    expect(answered.some((line) => / → 20\d$/.test(line))).toBe(true);
  }, 60_000);
});
