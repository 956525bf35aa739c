import { expect } from 'vitest';
import type { TestStack, TestUser } from '../support/stack.js';

/** The headers of an API client (seed 000). */
export type ClientKeys = Readonly<Record<'x-client-key' | 'x-api-key', string>>;

/** Registers an API client with these scopes (through GraphQL, as a system admin) and returns its keys. */
export async function createClient(stack: TestStack, admin: TestUser, scopes: string[]): Promise<ClientKeys> {
  const response = await stack.graphql<{ createApiClient: { clientKey: string; apiKey: string } }>(
    'mutation ($i: CreateApiClientInput!) { createApiClient(input: $i) { clientKey apiKey } }',
    { token: admin.token, variables: { i: { name: `internal-${scopes.join('-') || 'none'}`, scopes } } },
  );
  expect(response.errors).toBeUndefined();
  const { clientKey, apiKey } = response.data!.createApiClient;
  return { 'x-client-key': clientKey, 'x-api-key': apiKey };
}

/** A real HTTP request to an `/internal` path; status and body only, for `toEqual`. */
export async function internal(
  stack: TestStack,
  method: 'GET' | 'POST',
  path: string,
  options: { keys?: ClientKeys | undefined; body?: unknown } = {},
) {
  const response = await fetch(`${stack.gatewayUrl}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.keys,
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Runs a GraphQL operation as `admin` and returns its data, failing on any error. */
export async function adminGraphQL<T>(
  stack: TestStack,
  admin: TestUser,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await stack.graphql<T>(query, { token: admin.token, variables });
  expect(response.errors, query).toBeUndefined();
  return response.data!;
}

/** A FastAPI-style validation refusal: `{"detail": [{loc, msg, type}]}` with these locations. */
export function invalid(...locs: (readonly string[])[]) {
  return {
    status: 422,
    body: {
      detail: locs.map((loc) => ({ loc, msg: expect.any(String) as string, type: expect.any(String) as string })),
    },
  };
}

export const invalidClient = { status: 401, body: { detail: 'invalid_client' } };
export const forbidden = { status: 403, body: { detail: 'forbidden' } };
