import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { startTestStack, type TestStack, type TestStackOptions } from '../support/stack.js';
import { call } from './oauth-client.js';

/**
 * A stack for the seed 003 tests; `env` adds or overrides variables (NODE_ENV=development, ...). Test
 * stacks raise the per-client rate limits, so only what a test exercises on purpose answers 429.
 */
export function startMemberStack(env: Record<string, string> = {}, options: TestStackOptions = {}): Promise<TestStack> {
  return startTestStack(env, options);
}

/** A real HTTP request to the gateway's `/api/v1/members/*` routes (the REST layer's one client). */
export const callMember = call;

/** Status and body only, for `toEqual` against `memberOk` or `memberError`. */
export async function memberAnswer(...args: Parameters<typeof callMember>) {
  const { status, body } = await callMember(...args);
  return { status, body };
}

/** The success envelope (HTTP 200, code 102000). */
export function memberOk(data: unknown) {
  return { status: 200, body: { code: 102000, message: 'SUCCESS', data } };
}

/** A refusal: exactly `{code, message}`, with the code and status exact and any message. */
export function memberError(status: number, code: number) {
  return { status, body: { code, message: expect.any(String) as string } };
}

/**
 * A signed access token for an account, on a session the gateway has not heard is revoked: what a
 * gateway following identity's revocation feed (no Redis) still accepts until its next poll.
 */
export async function unrevokedToken(stack: TestStack, account: { id: string; tenantId: string }): Promise<string> {
  const { token } = await stack.identity.signingKeys.signAccessToken({
    userId: account.id,
    tenantId: account.tenantId,
    role: 'USER',
    sessionId: randomUUID(),
    scopes: [],
    amr: ['pwd'],
    authTime: Math.floor(Date.now() / 1000),
  });
  return token;
}

/** Deletes the member as a system administrator does (GraphQL deleteUser), through the gateway. */
export async function deleteMember(stack: TestStack, member: { id: string }): Promise<void> {
  const admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
  const deleted = await stack.graphql<{ deleteUser: boolean }>('mutation ($u: ID!) { deleteUser(userId: $u) }', {
    token: admin.token,
    variables: { u: member.id },
  });
  expect(deleted.errors).toBeUndefined();
  expect(deleted.data).toEqual({ deleteUser: true });
}
