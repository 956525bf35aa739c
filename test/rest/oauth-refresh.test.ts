import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RefreshToken } from '../../subgraphs/identity/src/session/refresh-token.entity.js';
import { hashRefreshToken } from '../../subgraphs/identity/src/session/session.service.js';
import { refresh as graphqlRefresh } from '../identity/auth-helpers.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { answer, call, refusal, signUp } from './oauth-client.js';

/**
 * seed 004's `POST /api/v1/auth/refresh` answers no new refresh token, so a legacy client presents
 * the one it got at sign-in for as long as its session lives. Through the gateway, real HTTP.
 */
let stack: TestStack;
/** Lifetimes short enough to outlive in a test: idle 2 s, absolute 4 s. */
let brief: TestStack;
beforeAll(async () => {
  [stack, brief] = await Promise.all([
    startTestStack(),
    startTestStack({ SESSION_IDLE_LIFETIME_SECONDS: '2', SESSION_ABSOLUTE_LIFETIME_SECONDS: '4' }),
  ]);
});
afterAll(async () => {
  await Promise.all([stack?.stop(), brief?.stop()]);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Tokens {
  readonly access_token: string;
  readonly refresh_token: string;
}

async function seedSession(on: TestStack, label: string) {
  const account = await signUp(on, label);
  const signedIn = await call(on, 'POST', '/api/v1/auth/login', {
    body: { email: account.email, password: account.password },
  });
  expect(signedIn.status).toBe(200);
  return { account, tokens: signedIn.body as unknown as Tokens };
}

const seedRefresh = (on: TestStack, refreshToken: string) =>
  call(on, 'POST', '/api/v1/auth/refresh', { body: { refresh_token: refreshToken } });

const meStatus = async (on: TestStack, token: string) => (await call(on, 'GET', '/api/v1/users/me', { token })).status;

/** The access token's own lifetime, `exp - iat`, in seconds. */
const lifetimeOf = (token: string) => {
  const { iat, exp } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, number>;
  return exp! - iat!;
};

/**
 * A refresh that must succeed: the legacy fields, the same refresh token back, a working access
 * token. Its lifetime is the usual 30 minutes, or less where the session ends sooner (`brief`).
 */
async function expectRenewed(on: TestStack, refreshToken: string) {
  const renewed = await seedRefresh(on, refreshToken);
  expect(renewed.status, JSON.stringify(renewed.body)).toBe(200);
  const accessToken = String(renewed.body['access_token']);
  expect(renewed.body).toEqual({
    access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/) as string,
    token_type: 'bearer',
    expires_in: lifetimeOf(accessToken),
    refresh_token: refreshToken,
  });
  if (on === stack) expect(renewed.body['expires_in']).toBe(1800);
  expect(await meStatus(on, accessToken)).toBe(200);
  return renewed.body as unknown as Tokens;
}

const sessionEnded = refusal(401, 'invalid_token', 'The session has ended');

describe('the seed 004 refresh', () => {
  it('keeps accepting the refresh token from sign-in, also beyond the 2 s reuse window', async () => {
    const { tokens } = await seedSession(stack, 'legacy');
    await expectRenewed(stack, tokens.refresh_token);
    await expectRenewed(stack, tokens.refresh_token);
    // Beyond the window in which a rotated token presented again counts as a race, not reuse.
    await sleep(2_100);
    await expectRenewed(stack, tokens.refresh_token);
    await expectRenewed(stack, tokens.refresh_token);
    expect(await meStatus(stack, tokens.access_token)).toBe(200);
  });

  it('answers every one of many concurrent refreshes with the same token', async () => {
    const { tokens } = await seedSession(stack, 'concurrent');
    const answers = await Promise.all(Array.from({ length: 16 }, () => seedRefresh(stack, tokens.refresh_token)));
    expect(answers.map((a) => a.status)).toEqual(Array<number>(16).fill(200));
    const statuses = await Promise.all(answers.map((a) => meStatus(stack, String(a.body['access_token']))));
    expect(statuses).toEqual(Array<number>(16).fill(200));
    // Nothing was taken for reuse: the session lives on.
    await expectRenewed(stack, tokens.refresh_token);
  });

  it('refuses the token once its session has logged out', async () => {
    const { tokens } = await seedSession(stack, 'logout');
    const renewed = await expectRenewed(stack, tokens.refresh_token);
    await expectRenewed(stack, tokens.refresh_token);
    const out = await call(stack, 'POST', '/api/v1/auth/logout', { token: renewed.access_token });
    expect(out.status).toBe(200);
    expect(
      await answer(stack, 'POST', '/api/v1/auth/refresh', { body: { refresh_token: tokens.refresh_token } }),
    ).toEqual(sessionEnded);
    expect(await meStatus(stack, renewed.access_token)).toBe(401);
  });

  it('refuses the token once the password was changed in another session', async () => {
    const { account, tokens } = await seedSession(stack, 'password');
    await expectRenewed(stack, tokens.refresh_token);
    await expectRenewed(stack, tokens.refresh_token);
    const changed = await call(stack, 'POST', '/api/v1/users/me/password', {
      token: account.accessToken,
      body: { current_password: account.password, new_password: 'violet-anchor-hums-9' },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(
      await answer(stack, 'POST', '/api/v1/auth/refresh', { body: { refresh_token: tokens.refresh_token } }),
    ).toEqual(sessionEnded);
  });

  it("accepts the session's current token after a GraphQL rotation; the rotated one is reuse", async () => {
    const { tokens } = await seedSession(stack, 'mixed');
    const rotated = await graphqlRefresh(stack, tokens.refresh_token);
    expect(rotated.errors).toBeUndefined();
    const current = rotated.data!.refreshToken.refreshToken;
    expect(current).not.toBe(tokens.refresh_token);
    await expectRenewed(stack, current);
    await expectRenewed(stack, current);
    // Within the race window the rotated-away token is refused and the session lives.
    expect((await seedRefresh(stack, tokens.refresh_token)).status).toBe(401);
    await expectRenewed(stack, current);
    // Later, it is reuse: the whole session ends, the current token with it.
    await stack.subgraphs.identity.database
      .fork()
      .nativeUpdate(
        RefreshToken,
        { tokenHash: hashRefreshToken(tokens.refresh_token) },
        { usedAt: new Date(Date.now() - 5_000) },
      );
    expect((await seedRefresh(stack, tokens.refresh_token)).status).toBe(401);
    expect(await answer(stack, 'POST', '/api/v1/auth/refresh', { body: { refresh_token: current } })).toEqual(
      sessionEnded,
    );
  });

  it('does not make GraphQL refreshToken stop rotating', async () => {
    const { tokens } = await seedSession(stack, 'rotating');
    const first = await graphqlRefresh(stack, tokens.refresh_token);
    expect(first.errors).toBeUndefined();
    expect(first.data!.refreshToken.refreshToken).not.toBe(tokens.refresh_token);
    const again = await graphqlRefresh(stack, tokens.refresh_token);
    expect(again.errors?.[0]?.extensions?.['code']).toBe('INVALID_TOKEN');
  });
});

describe('session lifetimes (SESSION_IDLE_LIFETIME_SECONDS=2, SESSION_ABSOLUTE_LIFETIME_SECONDS=4)', () => {
  it('ends a session that was not refreshed for the idle lifetime', async () => {
    const [{ tokens }, { tokens: other }] = await Promise.all([
      seedSession(brief, 'idle'),
      seedSession(brief, 'idle-graphql'),
    ]);
    await sleep(1_000);
    await expectRenewed(brief, tokens.refresh_token);
    await sleep(2_300);
    expect(
      await answer(brief, 'POST', '/api/v1/auth/refresh', { body: { refresh_token: tokens.refresh_token } }),
    ).toEqual(sessionEnded);
    // A rotating GraphQL refresh is held to the same rule.
    expect((await graphqlRefresh(brief, other.refresh_token)).errors?.[0]?.extensions?.['code']).toBe('INVALID_TOKEN');
  });

  it("stops the session's access tokens when the session ends, not 30 minutes later", async () => {
    const { tokens } = await seedSession(brief, 'token-end');
    // The idle lifetime (2 s) is the nearer end: the token from sign-in lasts that long (whole
    // seconds, rounded up), no longer.
    expect(lifetimeOf(tokens.access_token)).toBeLessThanOrEqual(3);
    expect(await meStatus(brief, tokens.access_token)).toBe(200);
    await sleep(3_300);
    expect(await meStatus(brief, tokens.access_token)).toBe(401);
  });

  it('gives a token refreshed near the absolute end only the time left', async () => {
    const { tokens } = await seedSession(brief, 'near-end');
    // The session opened before this moment: it ends 4 s after it at the latest.
    const endsBy = Math.ceil((Date.now() + 4_000) / 1000);
    await sleep(1_500);
    await expectRenewed(brief, tokens.refresh_token);
    await sleep(1_500);
    const renewed = await expectRenewed(brief, tokens.refresh_token);
    // Its absolute end: not 30 minutes, nor the idle lifetime (2 s) from this refresh.
    const { exp } = JSON.parse(Buffer.from(renewed.access_token.split('.')[1]!, 'base64url').toString()) as {
      exp: number;
    };
    expect(exp).toBeLessThanOrEqual(endsBy);
  });

  it('ends a session at its absolute lifetime, however often it is refreshed', async () => {
    const { tokens } = await seedSession(brief, 'absolute');
    const began = Date.now();
    while (Date.now() - began < 3_000) {
      await sleep(1_000);
      await expectRenewed(brief, tokens.refresh_token);
    }
    await sleep(4_200 - (Date.now() - began));
    expect(
      await answer(brief, 'POST', '/api/v1/auth/refresh', { body: { refresh_token: tokens.refresh_token } }),
    ).toEqual(sessionEnded);
  });
});
