import { z } from 'zod';
import { MEMBER_SUCCESS, type RestFamily } from './families.js';
import type { RouteDefinition } from './route.js';

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

/** OpenAPI 3.1 for the REST layer, generated from the very declarations that serve it. */
export function buildOpenApiDocument(routes: readonly RouteDefinition[], serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
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
    const responses: Record<string, unknown> = {
      [String(route.successStatus ?? 200)]: {
        description: 'Success',
        content: { 'application/json': { schema: successBody } },
      },
    };
    for (const [status, description] of Object.entries(route.errors)) {
      responses[status] = { description, content: { 'application/json': { schema: errorSchemas[route.family] } } };
    }
    (paths[path] ??= {})[route.method] = {
      summary: route.summary,
      tags: route.tags ?? [route.family],
      security: securityFor[route.auth],
      parameters: [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')],
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
            },
          }
        : {}),
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
        clientKey: { type: 'apiKey', in: 'header', name: 'X-Client-Key' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
    paths,
  };
}
