import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { expect } from 'vitest';
import { OutboxEvent } from '../../lib/events/outbox-event.entity.js';
import type { Role } from '../../lib/auth/principal.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * Helpers for the OAuth tests: real HTTP through the gateway, the application registered by an
 * admin, the user approving with its bearer token (seed 004's POST endpoint).
 */
export const callback = 'https://app.example.com/callback';

/** A test stack; `pinned` serves on a known port so PUBLIC_URL (the issuer) is real. */
export async function startFlowStack(options: { pinned?: boolean } = {}): Promise<TestStack> {
  if (!options.pinned) return startTestStack();
  const port = await freePort();
  return startTestStack({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

/** A JSON request; redirects are never followed, so a 302 and its Location can be checked. */
export async function rest(
  stack: TestStack,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<Answer> {
  const response = await fetch(`${stack.gatewayUrl}${path}`, {
    method,
    redirect: 'manual',
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  return answerOf(response);
}

/** `POST /oauth/token`, form-encoded; `basic` sends the client's credentials in the Authorization header. */
export async function formToken(
  stack: TestStack,
  params: Record<string, string>,
  basic?: { clientId: string; clientSecret: string },
): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) {
    const pair = `${encodeURIComponent(basic.clientId)}:${encodeURIComponent(basic.clientSecret)}`;
    headers['authorization'] = `Basic ${Buffer.from(pair).toString('base64')}`;
  }
  const response = await fetch(`${stack.gatewayUrl}/oauth/token`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(params).toString(),
  });
  return answerOf(response);
}

export interface RegisteredApplication {
  readonly id: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly adminToken: string;
}

let counter = 0;

export async function createAdmin(stack: TestStack, role: Role = 'SYSTEM_ADMIN', tenantSlug?: string) {
  return stack.createUser({ role, ...(tenantSlug ? { tenantSlug } : {}) });
}

/** Registers an application through `POST /api/v1/applications` as a fresh system admin. */
export async function registerApplication(
  stack: TestStack,
  extra: Record<string, unknown> = {},
): Promise<RegisteredApplication> {
  const admin = await createAdmin(stack);
  counter += 1;
  const created = await rest(stack, 'POST', '/api/v1/applications', {
    token: admin.token,
    body: { app_name: `App ${counter}`, redirect_uris: [callback], ...extra },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return {
    id: created.body['id'] as string,
    clientId: created.body['client_id'] as string,
    clientSecret: created.body['client_secret'] as string,
    adminToken: admin.token,
  };
}

export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The query of seed 004's `POST /api/v1/auth/authorize`. */
export function authorizeQuery(params: Record<string, string | undefined>): string {
  const defined = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return `/api/v1/auth/authorize?${new URLSearchParams(defined).toString()}`;
}

/** The user (bearer token) approves; answers the redirect's query parameters. */
export async function authorize(
  stack: TestStack,
  userToken: string,
  params: Record<string, string | undefined>,
): Promise<URLSearchParams> {
  const answer = await rest(stack, 'POST', authorizeQuery({ response_type: 'code', ...params }), { token: userToken });
  expect(answer.status, JSON.stringify(answer.body)).toBe(302);
  const location = new URL(answer.headers.get('location')!);
  return location.searchParams;
}

/** A code for `app` approved by `userToken` (with PKCE), ready to exchange. */
export async function codeFor(
  stack: TestStack,
  app: { clientId: string },
  userToken: string,
  scope = 'read',
): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkcePair();
  const params = await authorize(stack, userToken, {
    client_id: app.clientId,
    redirect_uri: callback,
    scope,
    state: 'st',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const code = params.get('code');
  expect(code, params.toString()).toBeTruthy();
  return { code: code!, verifier };
}

export interface TokenPair {
  readonly access_token: string;
  readonly refresh_token: string;
}

/** Exchanges a code at `/oauth/token` with client_secret_post. */
export async function exchange(
  stack: TestStack,
  app: RegisteredApplication,
  grant: { code: string; verifier: string },
): Promise<TokenPair> {
  const answer = await formToken(stack, {
    grant_type: 'authorization_code',
    code: grant.code,
    redirect_uri: callback,
    code_verifier: grant.verifier,
    client_id: app.clientId,
    client_secret: app.clientSecret,
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as unknown as TokenPair;
}

/** What the gateway says of an access token: 200 when accepted. */
export async function meStatus(stack: TestStack, token: string): Promise<number> {
  return (await rest(stack, 'GET', '/api/v1/users/me', { token })).status;
}

/** Events identity recorded of a type (read from its outbox). */
export async function eventsOf(stack: TestStack, type: string): Promise<OutboxEvent[]> {
  return stack.subgraphs.identity.database.fork().find(OutboxEvent, { type }, { orderBy: { occurredAt: 'asc' } });
}
