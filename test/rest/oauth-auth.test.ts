import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TotpFactor } from '../../subgraphs/identity/src/mfa/totp-factor.entity.js';
import type { TestStack } from '../support/stack.js';
import { answer, call, documentedStatuses, invalid, refusal, signUp, startOAuthStack } from './oauth-client.js';

/** seed 004 `/api/v1/auth/*` through the gateway: exact legacy shapes, real HTTP. */
let stack: TestStack;
beforeAll(async () => {
  stack = await startOAuthStack();
});
afterAll(async () => {
  await stack?.stop();
});

const tokenBody = {
  access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/) as string,
  refresh_token: expect.stringMatching(/^[\w-]{86}$/) as string,
  token_type: 'bearer',
  expires_in: 1800,
};

async function restLogin(email: string, password: string) {
  const response = await answer(stack, 'POST', '/api/v1/auth/login', { body: { email, password } });
  expect(response).toEqual({ status: 200, body: tokenBody });
  return response.body as { access_token: string; refresh_token: string };
}

const meStatus = async (token: string) => (await call(stack, 'GET', '/api/v1/users/me', { token })).status;

describe('POST /api/v1/auth/login', () => {
  it('answers {access_token, refresh_token, token_type: "bearer", expires_in} and the token works', async () => {
    const account = await signUp(stack, 'login');
    const tokens = await restLogin(account.email.toUpperCase(), account.password);
    const me = await call(stack, 'GET', '/api/v1/users/me', { token: tokens.access_token });
    expect(me.status).toBe(200);
    expect(me.body['id']).toBe(account.id);
  });

  it('ignores a stale Authorization header that a legacy client still sends', async () => {
    const account = await signUp(stack, 'stale');
    const signedIn = await call(stack, 'POST', '/api/v1/auth/login', {
      token: 'expired.or.garbage',
      body: { email: account.email, password: account.password },
    });
    expect(signedIn.status).toBe(200);
    const refreshed = await call(stack, 'POST', '/api/v1/auth/refresh', {
      token: 'expired.or.garbage',
      body: { refresh_token: signedIn.body['refresh_token'] },
    });
    expect(refreshed.status).toBe(200);
  });

  it('asks an account with an authenticator for its code (401 mfa_required), then accepts it', async () => {
    const account = await signUp(stack, 'mfa');
    const token = (await restLogin(account.email, account.password)).access_token;
    const started = await stack.graphql<{ startTotpEnrollment: { otpauthUrl: string } }>(
      'mutation { startTotpEnrollment { otpauthUrl } }',
      { token },
    );
    const secret = new URL(started.data!.startTotpEnrollment.otpauthUrl).searchParams.get('secret')!;
    const confirmed = await stack.graphql(
      'mutation ($c: String!) { confirmTotpEnrollment(code: $c) { backupCodes } }',
      {
        token,
        variables: { c: await generate({ secret }) },
      },
    );
    expect(confirmed.errors).toBeUndefined();
    const credentials = { email: account.email, password: account.password };
    expect(await answer(stack, 'POST', '/api/v1/auth/login', { body: credentials })).toMatchObject({
      status: 401,
      body: { error: 'mfa_required' },
    });
    expect(
      await answer(stack, 'POST', '/api/v1/auth/login', { body: { ...credentials, totp_code: '000000' } }),
    ).toMatchObject({
      status: 403,
      body: { error: 'otp_invalid' },
    });
    // The confirming code's time step is spent; forget it rather than wait up to 30 s for the next.
    await stack.subgraphs.identity.database.fork().nativeUpdate(TotpFactor, { user: account.id }, { lastUsedStep: 0 });
    const fresh = await call(stack, 'POST', '/api/v1/auth/login', {
      body: { ...credentials, totp_code: await generate({ secret }) },
    });
    expect(fresh.status).toBe(200);
    const claims = JSON.parse(
      Buffer.from(String(fresh.body['access_token']).split('.')[1]!, 'base64url').toString(),
    ) as {
      amr: string[];
    };
    expect(claims.amr).toEqual(['pwd', 'otp']);
  });

  it('refuses a wrong password and an unknown email alike with 401 invalid_credentials', async () => {
    const account = await signUp(stack, 'wrong');
    const expected = refusal(401, 'invalid_credentials', 'Invalid email or password');
    expect(
      await answer(stack, 'POST', '/api/v1/auth/login', { body: { email: account.email, password: 'nope' } }),
    ).toEqual(expected);
    expect(
      await answer(stack, 'POST', '/api/v1/auth/login', { body: { email: 'nobody@example.com', password: 'nope' } }),
    ).toEqual(expected);
  });

  it('refuses missing fields, wrong types, out-of-range values and malformed JSON with 422', async () => {
    const login = (body: unknown) => answer(stack, 'POST', '/api/v1/auth/login', { body });
    expect(await login({})).toEqual(invalid('body.email', 'body.password'));
    expect(await login({ email: 'a@example.com' })).toEqual(invalid('body.password'));
    expect(await login({ email: 5, password: 'x' })).toEqual(invalid('body.email'));
    expect(await login({ email: 'a@example.com', password: '' })).toEqual(invalid('body.password'));
    expect(await login({ email: `${'a'.repeat(250)}@example.com`, password: 'x' })).toEqual(invalid('body.email'));
    expect(await login({ email: 'a@example.com', password: 'x'.repeat(257) })).toEqual(invalid('body.password'));
    expect(await login('{"email":')).toEqual(refusal(422, 'validation_failed', 'The request body is not valid JSON'));
  });

  it('answers 429 with Retry-After after 5 failed sign-ins of one account, even for the right password', async () => {
    const account = await signUp(stack, 'throttled');
    for (let i = 0; i < 5; i += 1) {
      const wrong = await call(stack, 'POST', '/api/v1/auth/login', {
        body: { email: account.email, password: `wrong-${i}` },
      });
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('retry-after')).toBeNull();
    }
    const throttled = await call(stack, 'POST', '/api/v1/auth/login', {
      body: { email: account.email, password: account.password },
    });
    expect(throttled.status).toBe(429);
    expect(throttled.body).toEqual({
      error: 'rate_limited',
      message: 'Too many failed sign-ins; try again later',
      details: { retryAfterSeconds: expect.any(Number) as number },
    });
    // The router sets Retry-After from the error's details; the first throttle lasts 30 s.
    const { retryAfterSeconds } = throttled.body['details'] as { retryAfterSeconds: number };
    expect(throttled.headers.get('retry-after')).toBe(String(retryAfterSeconds));
    expect(retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(retryAfterSeconds).toBeLessThanOrEqual(30);
  });

  it('refuses a disabled account with 403 forbidden', async () => {
    const account = await signUp(stack, 'disabled');
    const admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
    const disabled = await stack.graphql('mutation ($id: ID!) { setUserActive(userId: $id, isActive: false) { id } }', {
      variables: { id: account.id },
      token: admin.token,
    });
    expect(disabled.errors).toBeUndefined();
    expect(
      await answer(stack, 'POST', '/api/v1/auth/login', { body: { email: account.email, password: account.password } }),
    ).toEqual(refusal(403, 'forbidden', 'This account is disabled'));
  });
});

describe('POST /api/v1/auth/logout', () => {
  it('answers {"message": "Successfully logged out"}; the old bearer and refresh token then get 401', async () => {
    const account = await signUp(stack, 'logout');
    const tokens = await restLogin(account.email, account.password);
    const other = await restLogin(account.email, account.password);
    expect(await answer(stack, 'POST', '/api/v1/auth/logout', { token: tokens.access_token })).toEqual({
      status: 200,
      body: { message: 'Successfully logged out' },
    });
    expect(await answer(stack, 'GET', '/api/v1/users/me', { token: tokens.access_token })).toEqual(
      refusal(401, 'invalid_token', 'The session has ended'),
    );
    expect(
      await answer(stack, 'POST', '/api/v1/auth/refresh', { body: { refresh_token: tokens.refresh_token } }),
    ).toEqual(refusal(401, 'invalid_token', 'The session has ended'));
    // Only that session ended.
    expect(await meStatus(other.access_token)).toBe(200);
  });

  it('refuses a missing or invalid bearer with 401', async () => {
    expect(await answer(stack, 'POST', '/api/v1/auth/logout')).toEqual(
      refusal(401, 'unauthenticated', 'Authentication is required'),
    );
    expect(await answer(stack, 'POST', '/api/v1/auth/logout', { token: 'not.a.token' })).toEqual(
      refusal(401, 'invalid_token', 'The token is invalid or expired'),
    );
  });
});

describe('POST /api/v1/auth/refresh', () => {
  it('answers a new access token and the same refresh_token, which keeps working (not rotated)', async () => {
    const account = await signUp(stack, 'refresh');
    const first = await restLogin(account.email, account.password);
    const refresh = () =>
      answer(stack, 'POST', '/api/v1/auth/refresh', { body: { refresh_token: first.refresh_token } });

    const second = await refresh();
    expect(second).toEqual({ status: 200, body: { ...tokenBody, refresh_token: first.refresh_token } });
    expect(await meStatus((second.body as { access_token: string }).access_token)).toBe(200);
    // The legacy client presents the token from sign-in again: still accepted.
    expect(await refresh()).toEqual({ status: 200, body: { ...tokenBody, refresh_token: first.refresh_token } });
  });

  it('refuses an unknown refresh token with 401 and a bad body with 422', async () => {
    expect(await answer(stack, 'POST', '/api/v1/auth/refresh', { body: { refresh_token: 'x'.repeat(43) } })).toEqual(
      refusal(401, 'invalid_token', 'The refresh token is invalid'),
    );
    expect(await answer(stack, 'POST', '/api/v1/auth/refresh', { body: {} })).toEqual(invalid('body.refresh_token'));
    expect(await answer(stack, 'POST', '/api/v1/auth/refresh', { body: { refresh_token: 42 } })).toEqual(
      invalid('body.refresh_token'),
    );
    expect(await answer(stack, 'POST', '/api/v1/auth/refresh', { body: '{' })).toEqual(
      refusal(422, 'validation_failed', 'The request body is not valid JSON'),
    );
  });
});

it('documents the auth paths and their refusals in /openapi.json', async () => {
  const doc = (await (await fetch(`${stack.gatewayUrl}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { summary: string; responses: Record<string, unknown> }>>;
  };
  const statuses = (path: string) => Object.keys(doc.paths[path]!['post']!.responses);
  expect(statuses('/api/v1/auth/login')).toEqual(documentedStatuses('403'));
  expect(statuses('/api/v1/auth/logout')).toEqual(documentedStatuses('403'));
  expect(statuses('/api/v1/auth/refresh')).toEqual(documentedStatuses());
  const refresh = doc.paths['/api/v1/auth/refresh']!['post']!;
  expect(refresh.summary).toMatch(/refresh_token/);
  expect(JSON.stringify(refresh.responses['200'])).toMatch(/superset of the legacy response/);
});
