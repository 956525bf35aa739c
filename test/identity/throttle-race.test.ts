import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserAccount } from '../../subgraphs/identity/src/user/user.entity.js';
import { call, signUp } from '../rest/oauth-client.js';
import { startTestStack, type GraphQLResponse, type TestStack } from '../support/stack.js';
import { codeOf, goodPassword } from './auth-helpers.js';

/**
 * The per-account throttle under a burst: 20 wrong guesses for one account arrive together (an
 * attacker rotating addresses beats the per-address limit). Each is judged under the account's row
 * lock, so exactly 5 get a verdict and the other 15 find the throttle the 5th started.
 *
 * Without the lock every guess passes the throttle check before any is counted. Checked on a real
 * PostgreSQL (TEST_DATABASE_URL), where transactions run side by side: without the lock 20 of 20
 * passwords got a verdict. The embedded PGlite runs one transaction at a time, so there the race may
 * not show (in our runs it did: the unlocked read came before any count).
 */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const BURST = 20;
const tokenFields = 'accessToken';

async function enroll(accessToken: string): Promise<string> {
  const started = await stack.graphql<{ startTotpEnrollment: { otpauthUrl: string } }>(
    'mutation { startTotpEnrollment { otpauthUrl } }',
    { token: accessToken },
  );
  const secret = new URL(started.data!.startTotpEnrollment.otpauthUrl).searchParams.get('secret')!;
  const confirmed = await stack.graphql('mutation ($c: String!) { confirmTotpEnrollment(code: $c) { backupCodes } }', {
    token: accessToken,
    variables: { c: await generate({ secret }) },
  });
  expect(confirmed.errors).toBeUndefined();
  return secret;
}

/** Distinct 6-digit codes that no step within a minute of now accepts. */
async function wrongCodes(secret: string, count: number): Promise<string[]> {
  const now = Math.floor(Date.now() / 1000);
  const valid = new Set(
    await Promise.all([-60, -30, 0, 30, 60].map((offset) => generate({ secret, epoch: now + offset }))),
  );
  const codes: string[] = [];
  for (let n = 0; codes.length < count; n += 1) {
    const code = String(n * 7919).padStart(6, '0');
    if (!valid.has(code)) codes.push(code);
  }
  return codes;
}

/** How many answers carried each error code, and the throttled ones' Retry-After seconds. */
function tally(answers: GraphQLResponse[]) {
  const counts: Record<string, number> = {};
  for (const answer of answers) {
    const code = String(codeOf(answer));
    counts[code] = (counts[code] ?? 0) + 1;
  }
  const retryAfter = answers
    .filter((answer) => codeOf(answer) === 'RATE_LIMITED')
    .map((answer) => (answer.errors?.[0]?.extensions?.['details'] as { retryAfterSeconds: number }).retryAfterSeconds);
  return { counts, retryAfter };
}

/** Five failures counted (the refusals are not failures), and the first throttle of 30 s running. */
async function expectFirstThrottle(userId: string) {
  const account = await stack.subgraphs.identity.database.fork().findOneOrFail(UserAccount, userId);
  expect(account.failedLoginCount).toBe(5);
  const remaining = (account.throttledUntil?.getTime() ?? 0) - Date.now();
  expect(remaining).toBeGreaterThan(0);
  expect(remaining).toBeLessThanOrEqual(30_000);
}

describe('a burst of concurrent wrong guesses for one account', () => {
  it('passwords (REST sign-in): 5 answered 401, 15 refused 429 with Retry-After', async () => {
    const account = await signUp(stack, 'burst-password');
    const answers = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        call(stack, 'POST', '/api/v1/auth/login', { body: { email: account.email, password: `wrong-guess-${i}` } }),
      ),
    );
    const refused = answers.filter((a) => a.status === 401);
    const throttled = answers.filter((a) => a.status === 429);
    expect({ refused: refused.length, throttled: throttled.length }).toEqual({ refused: 5, throttled: 15 });
    for (const answer of refused) {
      expect(answer.body['error']).toBe('invalid_credentials');
      expect(answer.headers.get('retry-after')).toBeNull();
    }
    for (const answer of throttled) {
      expect(answer.body['error']).toBe('rate_limited');
      const seconds = Number(answer.headers.get('retry-after'));
      expect(seconds).toBeGreaterThanOrEqual(1);
      expect(seconds).toBeLessThanOrEqual(30);
    }
    await expectFirstThrottle(account.id);
  });

  it('authenticator codes through completeMfaSignIn: 5 OTP_INVALID, 15 RATE_LIMITED', async () => {
    const account = await signUp(stack, 'burst-ticket');
    const secret = await enroll(account.accessToken);
    const first = await stack.graphql('mutation ($input: LoginInput!) { login(input: $input) { accessToken } }', {
      variables: { input: { email: account.email, password: goodPassword } },
    });
    expect(codeOf(first)).toBe('MFA_REQUIRED');
    const ticket = (first.errors?.[0]?.extensions?.['details'] as { mfaTicket: string }).mfaTicket;
    const answers = await Promise.all(
      (await wrongCodes(secret, BURST)).map((code) =>
        stack.graphql(
          `mutation ($t: String!, $c: String!) { completeMfaSignIn(mfaTicket: $t, totpCode: $c) { ${tokenFields} } }`,
          {
            variables: { t: ticket, c: code },
          },
        ),
      ),
    );
    const { counts, retryAfter } = tally(answers);
    expect(counts).toEqual({ OTP_INVALID: 5, RATE_LIMITED: 15 });
    for (const seconds of retryAfter) expect(seconds).toBeGreaterThanOrEqual(1);
    await expectFirstThrottle(account.id);
  });

  it('authenticator codes through login with totpCode (right password): 5 OTP_INVALID, 15 RATE_LIMITED', async () => {
    const account = await signUp(stack, 'burst-login-code');
    const secret = await enroll(account.accessToken);
    const answers = await Promise.all(
      (await wrongCodes(secret, BURST)).map((totpCode) =>
        stack.graphql(`mutation ($input: LoginInput!) { login(input: $input) { ${tokenFields} } }`, {
          variables: { input: { email: account.email, password: goodPassword, totpCode } },
        }),
      ),
    );
    const { counts, retryAfter } = tally(answers);
    expect(counts).toEqual({ OTP_INVALID: 5, RATE_LIMITED: 15 });
    for (const seconds of retryAfter) expect(seconds).toBeGreaterThanOrEqual(1);
    await expectFirstThrottle(account.id);
  });
});
