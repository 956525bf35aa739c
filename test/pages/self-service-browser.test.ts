import { existsSync } from 'node:fs';
import { generate } from 'otplib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goodPassword, login, meId, register, uniqueEmail } from '../identity/auth-helpers.js';
import { linkIn, startMailCatcher } from '../support/mail-catcher.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * The self-service pages in a real browser (Debian's Chromium, playwright-core), with mail on the
 * real SMTP test server: forgot password from the sign-in page to signed in, and a sign-up's
 * verification link. As in authorize-browser.test.ts, a missing Chromium fails under CI and skips elsewhere.
 */
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const runBrowserTests = haveChromium || Boolean(process.env['CI']);
if (!runBrowserTests) console.warn(`browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

let stack: TestStack;
let browser: Browser;
let mail: Awaited<ReturnType<typeof startMailCatcher>>;
const callbackUrl = 'http://127.0.0.1:9/callback';

beforeAll(async () => {
  if (!runBrowserTests) return;
  if (!haveChromium) throw new Error(`${CHROMIUM} is missing and CI is set`);
  mail = await startMailCatcher();
  [stack, browser] = await Promise.all([
    startTestStack({ SMTP_URL: mail.url, OTP_RESEND_COOLDOWN_SECONDS: '0' }),
    chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    }),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await mail?.close();
});

/** A mailed link, opened on this stack's gateway (PUBLIC_URL is not the test's port). */
const onGateway = (link: URL, on: TestStack = stack) => new URL(link.pathname + link.search, on.gatewayUrl).toString();

async function authorizeUrl(on: TestStack = stack): Promise<string> {
  const admin = await on.createUser({ role: 'SYSTEM_ADMIN' });
  const created = await on.graphql<{ createApplication: { clientId: string } }>(
    'mutation ($input: CreateApplicationInput!) { createApplication(input: $input) { clientId } }',
    { token: admin.token, variables: { input: { name: 'Self Service App', redirectUris: [callbackUrl] } } },
  );
  expect(created.errors).toBeUndefined();
  const url = new URL('/oauth/authorize', on.gatewayUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: created.data!.createApplication.clientId,
    redirect_uri: callbackUrl,
    scope: 'read',
    state: 'xyz',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

async function withPage(work: (page: Page) => Promise<void>) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await work(page);
  } finally {
    await context.close();
  }
}

describe.skipIf(!runBrowserTests)('self-service pages (Chromium)', () => {
  it('walks forgot password → mail → reset page → signed in, and every old session is dead', async () => {
    const email = uniqueEmail('forgot');
    const registered = await register(stack, { email, password: goodPassword });
    expect(registered.errors).toBeUndefined();
    await mail.nextMailTo(email);
    const oldSessions = [
      registered.data!.register.accessToken,
      (await login(stack, email, goodPassword)).data!.login.accessToken,
    ];
    const authorize = await authorizeUrl();

    await withPage(async (page) => {
      await page.goto(authorize);
      await expect.poll(() => page.title()).toBe('Sign in to Self Service App');
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await expect.poll(() => page.title()).toBe('Forgot your password?');
      await page.getByLabel('E-mail address').fill(email);
      await page.getByRole('button', { name: 'Send the link' }).click();
      await expect.poll(() => page.title()).toBe('Check your e-mail');
      expect(await page.getByRole('status').textContent()).toContain('If an account uses this address');

      const link = linkIn((await mail.nextMailTo(email)).raw, '/oauth/reset-password');
      await page.goto(onGateway(link));
      await expect.poll(() => page.title()).toBe('Choose a new password');
      await page.getByLabel('New password').fill('password1');
      await page.getByRole('button', { name: 'Set the password' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('too common');
      await page.getByLabel('New password').fill('amber-violin-meadow-5');
      await page.getByRole('button', { name: 'Set the password' }).click();
      await expect.poll(() => page.title()).toBe('Password changed');
      expect(await page.getByRole('status').textContent()).toContain(`You are signed in as ${email}`);

      for (const token of oldSessions) expect(await meId(stack, token)).toMatchObject({ status: 401 });
      // Signed in for the hosted flow too: the authorization page goes straight to consent.
      await page.goto(authorize);
      await expect.poll(() => page.title()).toBe('Allow Self Service App?');
      expect(await page.getByText(`Signed in as ${email}`).count()).toBe(1);

      // The link worked once.
      await page.goto(onGateway(link));
      await expect.poll(() => page.title()).toBe('Link already used');
    });
    expect((await login(stack, email, 'amber-violin-meadow-5')).errors).toBeUndefined();
  });

  it('asks for the second factor after the reset when one is enrolled, then signs in', async () => {
    const email = uniqueEmail('reset-mfa');
    const registered = await register(stack, { email, password: goodPassword });
    expect(registered.errors).toBeUndefined();
    await mail.nextMailTo(email);
    const token = registered.data!.register.accessToken;
    const started = await stack.graphql<{ startTotpEnrollment: { otpauthUrl: string } }>(
      'mutation { startTotpEnrollment { otpauthUrl } }',
      { token },
    );
    const secret = new URL(started.data!.startTotpEnrollment.otpauthUrl).searchParams.get('secret')!;
    const confirmed = await stack.graphql<{ confirmTotpEnrollment: { backupCodes: string[] } }>(
      'mutation ($c: String!) { confirmTotpEnrollment(code: $c) { backupCodes } }',
      { token, variables: { c: await generate({ secret }) } },
    );
    const [backup] = confirmed.data!.confirmTotpEnrollment.backupCodes;
    const asked = await stack.graphql('mutation ($e: String!) { requestPasswordReset(email: $e) }', {
      variables: { e: email },
    });
    expect(asked.errors).toBeUndefined();
    const link = linkIn((await mail.nextMailTo(email)).raw, '/oauth/reset-password');
    await withPage(async (page) => {
      await page.goto(onGateway(link));
      await page.getByLabel('New password').fill('granite-otter-sketch-4');
      await page.getByRole('button', { name: 'Set the password' }).click();
      await expect.poll(() => page.title()).toBe('Two-step verification');
      await page.getByLabel('Authentication code').fill('00000000');
      await page.getByRole('button', { name: 'Verify' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('not right');
      await page.getByLabel('Authentication code').fill(backup!);
      await page.getByRole('button', { name: 'Verify' }).click();
      await expect.poll(() => page.title()).toBe('Password changed');
      expect(await page.getByRole('status').textContent()).toContain(`You are signed in as ${email}`);
    });
    expect(await meId(stack, token)).toMatchObject({ status: 401 });
  });

  it('walks the hosted sign-up page → signed in for the flow → verification mail → link → verified', async () => {
    const email = uniqueEmail('hosted');
    const authorize = await authorizeUrl();
    await withPage(async (page) => {
      await page.goto(authorize);
      await page.getByRole('link', { name: 'Create an account' }).click();
      await expect.poll(() => page.title()).toBe('Create an account');
      await page.getByLabel('E-mail address').fill(email);
      await page.getByLabel('Password', { exact: true }).fill('password1');
      await page.getByRole('button', { name: 'Create the account' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('Password is too common');
      // What the person typed stays, but the password.
      expect(await page.getByLabel('E-mail address').inputValue()).toBe(email);
      await page.getByLabel('Password', { exact: true }).fill('cobalt-ferry-whistle-2');
      await page.getByRole('button', { name: 'Create the account' }).click();
      // Signed up and in: the authorization request it came with goes on to consent.
      await expect.poll(() => page.title()).toBe('Allow Self Service App?');
      expect(await page.getByText(`Signed in as ${email}`).count()).toBe(1);

      await page.goto(onGateway(linkIn((await mail.nextMailTo(email)).raw, '/oauth/verify-email')));
      await expect.poll(() => page.title()).toBe('E-mail address verified');
    });
    const signedIn = await login(stack, email, 'cobalt-ferry-whistle-2');
    const me = await stack.graphql<{ me: { emailVerified: boolean } }>('{ me { emailVerified } }', {
      token: signedIn.data!.login.accessToken,
    });
    expect(me.data?.me.emailVerified).toBe(true);
  });

  it('has no sign-up link or page when REGISTRATION_ENABLED is false', async () => {
    const closed = await startTestStack({ SMTP_URL: mail.url, REGISTRATION_ENABLED: 'false' });
    try {
      const authorize = await authorizeUrl(closed);
      await withPage(async (page) => {
        await page.goto(authorize);
        await expect.poll(() => page.title()).toBe('Sign in to Self Service App');
        expect(await page.getByRole('link', { name: 'Forgot your password?' }).count()).toBe(1);
        expect(await page.getByRole('link', { name: 'Create an account' }).count()).toBe(0);
        const response = await page.goto(new URL('/oauth/sign-up', closed.gatewayUrl).toString());
        expect(response?.status()).toBe(404);
        await expect.poll(() => page.title()).toBe('Sign-up is closed');
      });
    } finally {
      await closed.stop();
    }
  });

  it('walks sign-up (GraphQL register) → verification mail → link → verified', async () => {
    const email = uniqueEmail('signup');
    const registered = await register(stack, { email, password: goodPassword });
    expect(registered.errors).toBeUndefined();
    const link = linkIn((await mail.nextMailTo(email)).raw, '/oauth/verify-email');
    await withPage(async (page) => {
      await page.goto(onGateway(link));
      await expect.poll(() => page.title()).toBe('E-mail address verified');
      expect(await page.getByRole('status').textContent()).toContain(`${email} is verified`);
    });
    const me = await stack.graphql<{ me: { emailVerified: boolean } }>('{ me { emailVerified } }', {
      token: registered.data!.register.accessToken,
    });
    expect(me.data?.me.emailVerified).toBe(true);
  });

  it('with REQUIRE_VERIFIED_EMAIL, the sign-in page refuses, mails a new link at once, and signs in once verified', async () => {
    const strict = await startTestStack({
      SMTP_URL: mail.url,
      OTP_RESEND_COOLDOWN_SECONDS: '0',
      REQUIRE_VERIFIED_EMAIL: 'true',
    });
    try {
      const email = uniqueEmail('strict');
      const signedUp = await register(strict, { email, password: goodPassword });
      expect(signedUp.errors?.[0]?.extensions?.['code']).toBe('EMAIL_NOT_VERIFIED');
      const signUpLink = linkIn((await mail.nextMailTo(email)).raw, '/oauth/verify-email');
      const authorize = await authorizeUrl(strict);
      await withPage(async (page) => {
        const signIn = async () => {
          await page.getByLabel('E-mail address').fill(email);
          await page.getByLabel('Password').fill(goodPassword);
          await page.getByRole('button', { name: 'Sign in' }).click();
        };
        await page.goto(authorize);
        await signIn();
        await expect.poll(() => page.getByRole('alert').textContent()).toContain('we sent you a new link');
        const resentLink = linkIn((await mail.nextMailTo(email)).raw, '/oauth/verify-email');

        await page.goto(onGateway(signUpLink, strict));
        await expect.poll(() => page.title()).toBe('Link replaced');
        await page.goto(onGateway(resentLink, strict));
        await expect.poll(() => page.title()).toBe('E-mail address verified');

        await page.goto(authorize);
        await signIn();
        await expect.poll(() => page.title()).toBe('Allow Self Service App?');
      });
    } finally {
      await strict.stop();
    }
  });
});
