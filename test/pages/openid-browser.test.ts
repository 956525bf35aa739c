import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oauth from 'oauth4webapi';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goodPassword, register, uniqueEmail } from '../identity/auth-helpers.js';
import { startFlowStack } from '../oauth/flow.js';
import type { TestStack } from '../support/stack.js';

/**
 * OpenID Connect through the hosted pages in headless Chromium, with oauth4webapi (OIDC mode) as the
 * relying party: discovery, sign-in and consent pages listing exactly what is shared, the code
 * exchange with nonce and the ID token's signature, userinfo, refresh, prompt=login, and RP-initiated
 * logout that ends the hosted session. Chromium as in authorize-browser.test.ts.
 */
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const runBrowserTests = haveChromium || Boolean(process.env['CI']);
if (!runBrowserTests) console.warn(`browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

const insecure = { [oauth.allowInsecureRequests]: true };
let stack: TestStack;
let browser: Browser;
let as: oauth.AuthorizationServer;
/** The application: a real HTTP server that records where the browser comes back. */
let rp: Server;
let rpBase: string;

beforeAll(async () => {
  if (!runBrowserTests) return;
  if (!haveChromium) throw new Error(`${CHROMIUM} is missing and CI is set`);
  rp = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Back at the app</title><p>ok</p>');
  });
  await new Promise<void>((resolve) => rp.listen(0, '127.0.0.1', resolve));
  rpBase = `http://127.0.0.1:${(rp.address() as AddressInfo).port}`;
  [stack, browser] = await Promise.all([
    startFlowStack({ pinned: true }),
    chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    }),
  ]);
  const issuer = new URL(stack.gatewayUrl);
  as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }),
  );
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await new Promise<void>((resolve) => (rp ? rp.close(() => resolve()) : resolve()));
});

async function signIn(page: Page, email: string) {
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(goodPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** An authorization request the library prepared; answers the URL and what the exchange needs. */
async function authorizationRequest(clientId: string, extra: Record<string, string> = {}) {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: `${rpBase}/callback`,
    scope: 'openid profile email',
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...extra,
  }).toString();
  return { url: url.toString(), verifier, state, nonce };
}

describe.skipIf(!runBrowserTests)('OpenID Connect through the hosted pages (Chromium)', () => {
  it('signs in, shows exactly what is shared, and the library validates the ID token, userinfo, refresh and logout', async () => {
    const admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
    const created = await stack.graphql<{ createApplication: { clientId: string; clientSecret: string } }>(
      `mutation ($input: CreateApplicationInput!) { createApplication(input: $input) { clientId clientSecret } }`,
      {
        token: admin.token,
        variables: {
          input: {
            name: 'OIDC Browser App',
            redirectUris: [`${rpBase}/callback`],
            postLogoutRedirectUris: [`${rpBase}/signed-out`],
          },
        },
      },
    );
    expect(created.errors).toBeUndefined();
    const app = created.data!.createApplication;
    const client: oauth.Client = { client_id: app.clientId };
    const email = uniqueEmail('oidc-browser');
    const registered = await register(stack, { email, password: goodPassword, displayName: 'Grace Hopper' });
    expect(registered.errors).toBeUndefined();
    const personToken = registered.data!.register.accessToken;
    // Gender is set but not shared: the page must not list it, the tokens must not carry it.
    const profile = await stack.graphql(
      'mutation { updateMyProfile(input: { gender: FEMALE, language: "en-US" }) { language } }',
      { token: personToken },
    );
    expect(profile.errors).toBeUndefined();

    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const first = await authorizationRequest(app.clientId, { login_hint: email });
      await page.goto(first.url);
      await expect.poll(() => page.title()).toBe('Sign in to OIDC Browser App');
      expect(await page.getByLabel('E-mail address').inputValue()).toBe(email);
      await signIn(page, email);
      await expect.poll(() => page.title()).toBe('Allow OIDC Browser App?');
      const shared = await page.locator('ul.claims li').allTextContents();
      expect(shared.map((line) => line.replace(/\s+/g, ' ').trim())).toEqual([
        'An identifier for your account',
        'Your name: Grace Hopper',
        'Your language: en-US',
        expect.stringMatching(/^When you last changed your profile: \d{4}-\d{2}-\d{2}$/) as unknown as string,
        `Your e-mail address: ${email}`,
        'Whether your e-mail address is verified: no',
      ]);
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL((url) => url.href.startsWith(`${rpBase}/callback`));

      const params = oauth.validateAuthResponse(as, client, new URL(page.url()), first.state);
      const exchanged = await oauth.authorizationCodeGrantRequest(
        as,
        client,
        oauth.ClientSecretBasic(app.clientSecret),
        params,
        `${rpBase}/callback`,
        first.verifier,
        insecure,
      );
      const tokens = await oauth.processAuthorizationCodeResponse(as, client, exchanged, {
        expectedNonce: first.nonce,
      });
      await oauth.validateApplicationLevelSignature(as, exchanged, insecure);
      const idToken = oauth.getValidatedIdTokenClaims(tokens)!;
      expect(idToken).toMatchObject({
        iss: stack.gatewayUrl,
        aud: app.clientId,
        nonce: first.nonce,
        name: 'Grace Hopper',
        locale: 'en-US',
        email,
        email_verified: false,
      });
      expect(idToken).not.toHaveProperty('gender');
      const info = await oauth.processUserInfoResponse(
        as,
        client,
        idToken.sub,
        await oauth.userInfoRequest(as, client, tokens.access_token, insecure),
      );
      expect(info).toMatchObject({ sub: idToken.sub, name: 'Grace Hopper', email });
      expect(info).not.toHaveProperty('gender');
      const refreshed = await oauth.processRefreshTokenResponse(
        as,
        client,
        await oauth.refreshTokenGrantRequest(
          as,
          client,
          oauth.ClientSecretBasic(app.clientSecret),
          tokens.refresh_token!,
          insecure,
        ),
      );
      expect(oauth.getValidatedIdTokenClaims(refreshed)).toMatchObject({ sub: idToken.sub, sid: idToken['sid'] });

      // prompt=login: the signed-in browser signs in again, and then goes straight back (consent given).
      const second = await authorizationRequest(app.clientId, { prompt: 'login' });
      await page.goto(second.url);
      await expect.poll(() => page.title()).toBe('Sign in to OIDC Browser App');
      await signIn(page, email);
      await page.waitForURL((url) => url.href.startsWith(`${rpBase}/callback`));
      const again = await oauth.processAuthorizationCodeResponse(
        as,
        client,
        await oauth.authorizationCodeGrantRequest(
          as,
          client,
          oauth.ClientSecretBasic(app.clientSecret),
          oauth.validateAuthResponse(as, client, new URL(page.url()), second.state),
          `${rpBase}/callback`,
          second.verifier,
          insecure,
        ),
        { expectedNonce: second.nonce, maxAge: 60 },
      );

      // RP-initiated logout: back to the registered URI with state; the hosted session is over.
      const logout = new URL(as.end_session_endpoint!);
      logout.search = new URLSearchParams({
        id_token_hint: again.id_token!,
        post_logout_redirect_uri: `${rpBase}/signed-out`,
        state: 'bye',
      }).toString();
      await page.goto(logout.toString());
      await page.waitForURL((url) => url.href.startsWith(`${rpBase}/signed-out`));
      expect(new URL(page.url()).searchParams.get('state')).toBe('bye');
      expect((await context.cookies()).find((cookie) => cookie.name === 'mg_session')).toBeUndefined();
      const silent = await authorizationRequest(app.clientId, { prompt: 'none' });
      await page.goto(silent.url);
      await page.waitForURL((url) => url.href.startsWith(`${rpBase}/callback`));
      expect(new URL(page.url()).searchParams.get('error')).toBe('login_required');
      // The grant the ID token named is over too.
      const me = await fetch(`${stack.gatewayUrl}/oauth/userinfo`, {
        headers: { authorization: `Bearer ${again.access_token}` },
      });
      expect(me.status).toBe(401);
    } finally {
      await context.close();
    }
  });
});
