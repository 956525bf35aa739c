import { z } from 'zod';
import { MEMBER_SUCCESS, type RestFamily } from './families.js';
import type { RawRouteDeclaration } from './raw-route.js';
import type { RouteDefinition } from './route.js';
import { declaredStatuses } from './statuses.js';

const errorSchemas: Record<RestFamily, Record<string, unknown>> = {
  internal: {
    type: 'object',
    description: 'seed 000 error',
    properties: { detail: { type: 'string', examples: ['invalid_client'] } },
    required: ['detail'],
  },
  member: {
    type: 'object',
    description: 'seed 003 error',
    properties: { code: { type: 'integer', examples: [29501000] }, message: { type: 'string' } },
    required: ['code', 'message'],
  },
  oauth: {
    type: 'object',
    description: 'seed 004 error',
    properties: { error: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } },
    required: ['error', 'message', 'details'],
  },
};

/** FastAPI's validation error: `{"detail": [{"loc", "msg", "type"}]}` (router.ts validationError). */
const internalValidationError = {
  type: 'object',
  description: 'seed 000 validation error',
  properties: {
    detail: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          loc: { type: 'array', items: { type: ['string', 'integer'] } },
          msg: { type: 'string' },
          type: { type: 'string' },
        },
        required: ['loc', 'msg', 'type'],
      },
    },
  },
  required: ['detail'],
};

function errorSchema(family: RestFamily, status: number): Record<string, unknown> {
  return family === 'internal' && status === 422 ? internalValidationError : errorSchemas[family];
}

/** `GET /api/v1/admin/users/:user_id` → `getApiV1AdminUsersByUserId`: stable as long as the route is. */
export function operationIdOf(route: RouteDefinition): string {
  const words = route.path
    .split('/')
    .filter(Boolean)
    .flatMap((segment) =>
      segment.startsWith(':') ? ['by', ...segment.slice(1).split(/[^A-Za-z0-9]+/)] : segment.split(/[^A-Za-z0-9]+/),
    )
    .filter(Boolean);
  return route.operationId ?? route.method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

/** A body with a binary part (a file) can only be sent as multipart/form-data. */
function bodyMediaType(schema: Record<string, unknown>): 'application/json' | 'multipart/form-data' {
  const properties = (schema['properties'] ?? {}) as Record<string, { format?: unknown }>;
  return Object.values(properties).some((p) => p.format === 'binary') ? 'multipart/form-data' : 'application/json';
}

const securityFor = {
  bearer: [{ bearerAuth: [] }],
  // The X-Tenant-ID + X-UID fallback exists only in development; production documents the bearer.
  member: [{ bearerAuth: [] }],
  public: [{}, { bearerAuth: [] }],
  none: [{}],
  'api-client': [{ clientKey: [], apiKey: [] }],
} as const;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any' });
}

function parametersOf(schema: z.ZodType | undefined, location: 'path' | 'query') {
  if (!schema) return [];
  const doc = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(doc.properties ?? {}).map(([name, propertySchema]) => ({
    name,
    in: location,
    required: location === 'path' || (doc.required ?? []).includes(name),
    schema: propertySchema,
  }));
}

/** `/a/:b` → `/a/{b}`. */
const templateOf = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * OpenAPI 3.1 for the REST layer, generated from the very declarations that serve it: the raw
 * routes' written-out operations (the RFC 6749 endpoints), then every REST route.
 */
export function buildOpenApiDocument(
  routes: readonly RouteDefinition[],
  rawRoutes: readonly RawRouteDeclaration<never>[],
  serverUrl: string,
) {
  const paths: Record<string, Record<string, unknown>> = {};
  const operationIds = new Set<string>();
  for (const route of rawRoutes) {
    if (!route.openapi) continue;
    operationIds.add(route.openapi.operationId);
    (paths[templateOf(route.path)] ??= {})[route.method] = structuredClone(route.openapi);
  }
  for (const route of routes) {
    const operationId = operationIdOf(route);
    // Clients generate method names from these: two alike would be a broken SDK, so refuse to start.
    if (operationIds.has(operationId)) throw new Error(`Duplicate OpenAPI operationId ${operationId}`);
    operationIds.add(operationId);
    const path = templateOf(route.path);
    const success = jsonSchema(route.response, 'output');
    const successBody =
      route.family === 'member'
        ? {
            type: 'object',
            properties: {
              code: { const: MEMBER_SUCCESS.code },
              message: { const: MEMBER_SUCCESS.message },
              data: success,
            },
            required: ['code', 'message', 'data'],
          }
        : success;
    const successStatus = route.successStatus ?? 200;
    const responses: Record<string, unknown> = {};
    for (const [status, description] of declaredStatuses(route)) {
      const schema = status === successStatus ? successBody : errorSchema(route.family, status);
      responses[String(status)] = { description, content: { 'application/json': { schema } } };
    }
    const body = route.body && jsonSchema(route.body, 'input');
    (paths[path] ??= {})[route.method] = {
      operationId,
      summary: route.summary,
      tags: route.tags ?? [route.family],
      security: securityFor[route.auth],
      parameters: [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')],
      ...(body ? { requestBody: { required: true, content: { [bodyMediaType(body)]: { schema: body } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'membergraph REST compatibility layer',
      version: '1',
      description: 'The legacy /internal and /api/v1 contracts, served by the membergraph gateway.',
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        basicAuth: { type: 'http', scheme: 'basic', description: 'RFC 6749 §2.3.1 client_secret_basic' },
        clientKey: { type: 'apiKey', in: 'header', name: 'X-Client-Key' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
    paths,
  };
}
