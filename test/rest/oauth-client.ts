import { expect } from 'vitest';
import { goodPassword, register, uniqueEmail } from '../identity/auth-helpers.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/** The seed 004 error body: exactly these three keys. */
export interface OAuthError {
  readonly error: string;
  readonly message: string;
  readonly details: Record<string, unknown>;
}

export interface RestResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

/**
 * A stack for the seed 004 tests. Test stacks raise the per-client rate limits (test/support/stack.ts),
 * so only the per-account sign-in throttle, which these tests exercise on purpose, answers 429.
 */
export function startOAuthStack(): Promise<TestStack> {
  return startTestStack();
}

/** A real HTTP request to the gateway's REST layer. `body` is sent as JSON unless it is a string. */
export async function call(
  stack: TestStack,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<RestResponse> {
  const raw = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const response = await fetch(`${stack.gatewayUrl}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: raw } : {}),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** Status and body only, for `toEqual` against an exact expectation. */
export async function answer(...args: Parameters<typeof call>) {
  const { status, body } = await call(...args);
  return { status, body };
}

export function refusal(status: number, error: string, message: string, details: Record<string, unknown> = {}) {
  return { status, body: { error, message, details } satisfies OAuthError };
}

/** A refusal of the REST layer's own validation: one problem per field, named `<part>.<field>`. */
export function invalid(...fields: string[]) {
  return {
    status: 422,
    body: {
      error: 'validation_failed',
      message: expect.stringMatching(/^Invalid request: /) as string,
      details: { fields: fields.map((field) => ({ field, message: expect.any(String) as string })) },
    },
  };
}

/** An account with a password, made through GraphQL sign-up (fixture accounts have none). */
export async function signUp(stack: TestStack, label: string, extra: Record<string, unknown> = {}) {
  const email = uniqueEmail(label);
  const response = await register(stack, { email, password: goodPassword, ...extra });
  expect(response.errors).toBeUndefined();
  const tokens = response.data!.register;
  return { email, password: goodPassword, id: tokens.user.id, accessToken: tokens.accessToken };
}

export const isoTimestamp = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/) as string;

/**
 * The statuses /openapi.json documents for a seed 004 route, ascending: those every route here
 * answers (400, 413, 415 and 422 for a malformed request, 401, 405 for another method, 429, 500,
 * 503) and the route's own (403, 404, 409...).
 */
export function documentedStatuses(...own: string[]): string[] {
  return [...new Set(['200', '400', '401', '405', '413', '415', '422', '429', '500', '503', ...own])].sort();
}
