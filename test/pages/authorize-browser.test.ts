import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import { generate } from 'otplib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goodPassword, register, uniqueEmail } from '../identity/auth-helpers.js';
import { startTestStack, type TestStack, type TestUser } from '../support/stack.js';

/**
 * The hosted sign-in and consent pages in a real browser: Debian's Chromium driven by playwright-core.
 * CI installs Chromium (.ci/run) and sets CI, and there a missing /usr/bin/chromium fails this file:
 * a silent skip would hide a regression. Elsewhere a machine without it skips the file, saying so.
 */
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const inCi = Boolean(process.env['CI']);
const runBrowserTests = haveChromium || inCi;
if (!runBrowserTests) console.warn(`browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

/** The application's theme images, served to the browser by request interception (no network needed). */
const LOGO_URL = 'https://cdn.example.com/browser-test/logo.png';
const BACKGROUND_URL = 'https://cdn.example.com/browser-test/background.png';
// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

let stack: TestStack;
let browser: Browser;
let admin: TestUser;
/** The application's redirect URI: a real HTTP server that records what the browser brings back. */
let callback: Server;
let callbackUrl: string;
const arrivals: URL[] = [];

beforeAll(async () => {
  if (!runBrowserTests) return;
  if (!haveChromium) {
    throw new Error(`${CHROMIUM} is missing and CI is set: .ci/run installs Chromium from Debian's packages`);
  }
  callback = createServer((req, res) => {
    arrivals.push(new URL(req.url ?? '/', callbackUrl));
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Back at the app</title><p>ok</p>');
  });
  await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
  callbackUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/callback`;
  [stack, browser] = await Promise.all([
    startTestStack(),
    chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    }),
  ]);
  admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await new Promise<void>((resolve) => (callback ? callback.close(() => resolve()) : resolve()));
});

async function createApplication(name: string, theme: Record<string, string> = {}) {
  const created = await stack.graphql<{
    createApplication: { clientId: string; clientSecret: string; application: { id: string } };
  }>(
    `mutation ($input: CreateApplicationInput!) {
       createApplication(input: $input) { clientId clientSecret application { id } }
     }`,
    {
      token: admin.token,
      variables: {
        input: {
          name,
          description: `${name} wants to know who you are.`,
          redirectUris: [callbackUrl],
          theme: { primaryColor: '#0a7d4f', secondaryColor: '#334155', ...theme },
        },
      },
    },
  );
  expect(created.errors).toBeUndefined();
  return created.data!.createApplication;
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(clientId: string, state: string, challenge: string) {
  const url = new URL('/oauth/authorize', stack.gatewayUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: callbackUrl,
    scope: 'read',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

async function exchange(app: { clientId: string; clientSecret: string }, code: string, verifier: string) {
  const response = await fetch(`${stack.gatewayUrl}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'authorization_code',
      code,
      redirect_uri: callbackUrl,
      client_id: app.clientId,
      client_secret: app.clientSecret,
      code_verifier: verifier,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function signUp() {
  const email = uniqueEmail('browser');
  const registered = await register(stack, { email, password: goodPassword });
  expect(registered.errors).toBeUndefined();
  return { email, token: registered.data!.register.accessToken };
}

async function signIn(page: Page, email: string, password = goodPassword) {
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The page wears the application's theme: both colours, the logo and the background image, loaded. */
async function expectThemed(page: Page) {
  // A string: these files are type-checked without the DOM library.
  const look = await page.evaluate<Record<string, unknown>>(`(() => {
    const style = (selector) => getComputedStyle(document.querySelector(selector));
    const logo = document.querySelector('img.logo');
    return {
      primary: style('main').borderTopColor,
      secondary: style('p.lead').color,
      background: style('body').backgroundImage,
      logo: logo ? { src: logo.src, loaded: logo.complete && logo.naturalWidth > 0 } : null,
    };
  })()`);
  expect(look).toEqual({
    primary: 'rgb(10, 125, 79)',
    secondary: 'rgb(51, 65, 85)',
    background: `url("${BACKGROUND_URL}")`,
    // Loaded: the Content-Security-Policy lets the page show the application's images.
    logo: { src: LOGO_URL, loaded: true },
  });
}

describe.skipIf(!runBrowserTests)('hosted sign-in and consent pages (Chromium)', () => {
  it('signs in, asks for consent on a themed page, and lands on the redirect URI with a code that works', async () => {
    const app = await createApplication('Browser Test App', { logoUrl: LOGO_URL, backgroundImageUrl: BACKGROUND_URL });
    const person = await signUp();
    const { verifier, challenge } = pkce();
    const state = randomBytes(12).toString('base64url');
    const context = await browser.newContext();
    const images: string[] = [];
    await context.route('https://cdn.example.com/**', async (route) => {
      images.push(route.request().url());
      await route.fulfill({ status: 200, contentType: 'image/png', body: PNG });
    });
    const page = await context.newPage();
    try {
      await page.goto(authorizeUrl(app.clientId, state, challenge));
      await expect.poll(() => page.title()).toBe('Sign in to Browser Test App');
      // Themed with the application's colours, logo and background image.
      await expectThemed(page);
      expect(new Set(images)).toEqual(new Set([LOGO_URL, BACKGROUND_URL]));

      await signIn(page, person.email, 'not the password');
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('not right');
      await signIn(page, person.email);

      await expect.poll(() => page.title()).toBe('Allow Browser Test App?');
      await expectThemed(page);
      expect(await page.getByText(`Signed in as ${person.email}`).count()).toBe(1);
      const cookies = await context.cookies();
      const session = cookies.find((c) => c.name === 'mg_session');
      expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/oauth' });

      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL((url) => url.href.startsWith(callbackUrl));
      const landed = new URL(page.url());
      expect(landed.searchParams.get('state')).toBe(state);
      const code = landed.searchParams.get('code');
      expect(code).toBeTruthy();

      const tokens = await exchange(app, code!, verifier);
      expect(tokens.status).toBe(200);
      expect(tokens.body).toMatchObject({ token_type: expect.stringMatching(/^bearer$/i) as unknown, scope: 'read' });

      // Consent is remembered: the next request goes straight back with a new code.
      const second = pkce();
      await page.goto(authorizeUrl(app.clientId, 'again', second.challenge));
      await page.waitForURL((url) => url.href.startsWith(callbackUrl) && url.searchParams.get('state') === 'again');
      expect((await exchange(app, new URL(page.url()).searchParams.get('code')!, second.verifier)).status).toBe(200);
    } finally {
      await context.close();
    }
  });

  it('asks for the authenticator code when the account has one, and denying returns access_denied', async () => {
    const app = await createApplication('MFA App');
    const person = await signUp();
    const started = await stack.graphql<{ startTotpEnrollment: { otpauthUrl: string } }>(
      'mutation { startTotpEnrollment { otpauthUrl } }',
      { token: person.token },
    );
    const secret = new URL(started.data!.startTotpEnrollment.otpauthUrl).searchParams.get('secret')!;
    const confirmed = await stack.graphql(
      'mutation ($c: String!) { confirmTotpEnrollment(code: $c) { backupCodes } }',
      {
        token: person.token,
        variables: { c: await generate({ secret }) },
      },
    );
    expect(confirmed.errors).toBeUndefined();

    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(authorizeUrl(app.clientId, 'mfa-state', pkce().challenge));
      await signIn(page, person.email);
      await expect.poll(() => page.title()).toBe('Two-step verification');
      // The password is not on the page: the second step carries a sealed ticket instead.
      expect(await page.content()).not.toContain(goodPassword);
      // The enrollment used the current step; the next step's code is inside the window.
      await page
        .getByLabel('Authentication code')
        .fill(await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
      await page.getByRole('button', { name: 'Verify' }).click();
      await expect.poll(() => page.title()).toBe('Allow MFA App?');
      // The page's session was opened with both factors, and its token says so.
      const session = (await context.cookies()).find((c) => c.name === 'mg_session');
      expect(decodeJwt(session!.value)['amr']).toEqual(['pwd', 'otp']);
      await page.getByRole('button', { name: 'Deny' }).click();
      await page.waitForURL((url) => url.href.startsWith(callbackUrl));
      const landed = new URL(page.url());
      expect(landed.searchParams.get('error')).toBe('access_denied');
      expect(landed.searchParams.get('state')).toBe('mfa-state');
      expect(landed.searchParams.get('code')).toBeNull();
    } finally {
      await context.close();
    }
  });

  it('shows an error page and never redirects for an unregistered redirect URI', async () => {
    const app = await createApplication('Strict App');
    const page = await browser.newPage();
    try {
      const url = new URL(authorizeUrl(app.clientId, 's', pkce().challenge));
      url.searchParams.set('redirect_uri', 'https://attacker.example/steal');
      const response = await page.goto(url.toString());
      expect(response?.status()).toBe(400);
      expect(await page.title()).toBe('Unregistered return address');
      expect(page.url()).toContain('/oauth/authorize');
    } finally {
      await page.close();
    }
  });

  it('sends a request with an unknown scope straight back with invalid_scope, before any sign-in', async () => {
    const app = await createApplication('Scope App');
    const page = await browser.newPage();
    try {
      const url = new URL(authorizeUrl(app.clientId, 'scope-state', pkce().challenge));
      url.searchParams.set('scope', 'read admin');
      await page.goto(url.toString());
      await page.waitForURL((landed) => landed.href.startsWith(callbackUrl));
      const landed = new URL(page.url());
      expect(landed.searchParams.get('error')).toBe('invalid_scope');
      expect(landed.searchParams.get('state')).toBe('scope-state');
      // The issuer is PUBLIC_URL, which names port 0 in tests.
      expect(landed.searchParams.get('iss')).toBe('http://127.0.0.1:0');
      expect(landed.searchParams.get('code')).toBeNull();
    } finally {
      await page.close();
    }
  });

  it('refuses a form posted without the CSRF token', async () => {
    const app = await createApplication('CSRF App');
    const response = await fetch(`${stack.gatewayUrl}/oauth/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        action: 'sign_in',
        client_id: app.clientId,
        redirect_uri: callbackUrl,
        email: 'x@example.com',
        password: 'whatever',
      }).toString(),
      redirect: 'manual',
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('location')).toBeNull();
  });

  it('is usable on a phone-sized screen with the keyboard alone', async () => {
    const app = await createApplication('Phone App');
    const person = await signUp();
    const context = await browser.newContext({ viewport: { width: 360, height: 640 } });
    const page = await context.newPage();
    try {
      await page.goto(authorizeUrl(app.clientId, 'phone', pkce().challenge));
      const width = await page.evaluate<number>("document.querySelector('main').getBoundingClientRect().width");
      expect(width).toBeLessThanOrEqual(360);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
      // The e-mail field has focus on arrival; Tab moves to the password, Enter submits.
      await page.keyboard.type(person.email);
      await page.keyboard.press('Tab');
      await page.keyboard.type(goodPassword);
      await page.keyboard.press('Enter');
      await expect.poll(() => page.title()).toBe('Allow Phone App?');
    } finally {
      await context.close();
    }
  });
});
