import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack, TestUser } from '../support/stack.js';
import { authorize, callback, registerApplication, startFlowStack, type RegisteredApplication } from '../oauth/flow.js';

/**
 * OpenID Connect's request parameters (Core §3.1.2.1): prompt, max_age, login_hint, and the member's
 * single_sign_on flag, on the hosted pages (over HTTP, the browser's cookies carried by hand) and on
 * seed 004's POST endpoint. Errors go back to the redirect URI with state and iss (§3.1.2.6).
 */
let stack: TestStack;
let app: RegisteredApplication;

beforeAll(async () => {
  stack = await startFlowStack();
  app = await registerApplication(stack);
});
afterAll(async () => {
  await stack?.stop();
});

async function request(client: RegisteredApplication, extra: Record<string, string> = {}) {
  const verifier = oauth.generateRandomCodeVerifier();
  return {
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: callback,
    scope: 'openid email',
    state: 'st',
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...extra,
  };
}

/** GET /oauth/authorize with the hosted session's cookies (none: signed out). */
async function page(params: Record<string, string>, cookies: Record<string, string> = {}) {
  const url = new URL('/oauth/authorize', stack.gatewayUrl);
  url.search = new URLSearchParams(params).toString();
  const response = await fetch(url, {
    redirect: 'manual',
    headers: {
      cookie: Object.entries(cookies)
        .map(([name, value]) => `${name}=${value}`)
        .join('; '),
    },
  });
  const html = await response.text();
  return {
    status: response.status,
    location: response.headers.get('location') ? new URL(response.headers.get('location')!) : null,
    title: /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? '',
    html,
  };
}

const signedIn = (user: TestUser, client?: RegisteredApplication) => ({
  mg_session: user.token,
  ...(client ? { mg_session_client: client.clientId } : {}),
});

/** The user has consented to `openid email` for `app` (through seed 004's POST, which is its consent). */
async function consented(user: TestUser, client = app) {
  const params = await authorize(stack, user.token, await request(client));
  expect(params.get('code')).toBeTruthy();
}

describe('prompt=none', () => {
  it('answers login_required without a session, and consent_required without a consent, as redirects', async () => {
    const signedOut = await page(await request(app, { prompt: 'none' }));
    expect(signedOut.status).toBe(303);
    expect(Object.fromEntries(signedOut.location!.searchParams)).toMatchObject({
      error: 'login_required',
      state: 'st',
      iss: 'http://127.0.0.1:0',
    });
    expect(signedOut.location!.origin + signedOut.location!.pathname).toBe(callback);

    const user = await stack.createUser();
    const noConsent = await page(await request(app, { prompt: 'none' }), signedIn(user, app));
    expect(noConsent.location!.searchParams.get('error')).toBe('consent_required');
    const viaPost = await authorize(stack, user.token, await request(app, { prompt: 'none' }));
    expect(viaPost.get('error')).toBe('consent_required');

    await consented(user);
    const silent = await page(await request(app, { prompt: 'none' }), signedIn(user, app));
    expect(silent.location!.searchParams.get('code')).toBeTruthy();
  });

  it('takes the request posted as a form (OIDC Core §3.1.2.1) as it takes a GET', async () => {
    const response = await fetch(new URL('/oauth/authorize', stack.gatewayUrl), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(await request(app, { prompt: 'none' })).toString(),
    });
    expect(response.status).toBe(303);
    expect(new URL(response.headers.get('location')!).searchParams.get('error')).toBe('login_required');
    const shown = await fetch(new URL('/oauth/authorize', stack.gatewayUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(await request(app)).toString(),
    });
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain('<title>Sign in to');
  });

  it('refuses request objects (unsupported) with request_not_supported and request_uri_not_supported', async () => {
    const object = `eyJhbGciOiJub25lIn0.${Buffer.from('{"scope":"openid"}').toString('base64url')}.${'x'.repeat(3000)}`;
    const byPage = await page(await request(app, { request: object }));
    expect(byPage.location!.searchParams.get('error')).toBe('request_not_supported');
    expect(byPage.location!.searchParams.get('state')).toBe('st');
    const byUri = await page(await request(app, { request_uri: 'https://app.example.com/request.jwt' }));
    expect(byUri.location!.searchParams.get('error')).toBe('request_uri_not_supported');
    const user = await stack.createUser();
    const viaPost = await authorize(stack, user.token, await request(app, { request: 'eyJ.e30.' }));
    expect(viaPost.get('error')).toBe('request_not_supported');
  });

  it('refuses an unknown prompt value, or none with another, with invalid_request before any page', async () => {
    for (const prompt of ['none login', 'sometimes']) {
      const answer = await page(await request(app, { prompt }));
      expect(answer.location!.searchParams.get('error'), prompt).toBe('invalid_request');
    }
  });
});

describe('prompt=login, max_age and prompt=consent', () => {
  it('shows the sign-in page to a signed-in person for prompt=login and an old enough sign-in', async () => {
    const user = await stack.createUser();
    await consented(user);
    const reused = await page(await request(app), signedIn(user, app));
    expect(reused.location!.searchParams.get('code')).toBeTruthy();

    for (const extra of [{ prompt: 'login' }, { max_age: '0' }] as Record<string, string>[]) {
      // Give max_age=0 a second to pass.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const again = await page(await request(app, extra), signedIn(user, app));
      expect(again.status, JSON.stringify(extra)).toBe(200);
      expect(again.title).toBe(`Sign in to ${await appName(app)}`);
    }
    // Seed 004's endpoint cannot show a sign-in page: it answers login_required.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    for (const extra of [{ prompt: 'login' }, { max_age: '0' }] as Record<string, string>[]) {
      const viaPost = await authorize(stack, user.token, await request(app, extra));
      expect(viaPost.get('error'), JSON.stringify(extra)).toBe('login_required');
    }
    const generous = await authorize(stack, user.token, await request(app, { max_age: '3600' }));
    expect(generous.get('code')).toBeTruthy();
  });

  it('shows the consent page again for prompt=consent, and offers login_hint on the sign-in page', async () => {
    const user = await stack.createUser();
    await consented(user);
    const asked = await page(await request(app, { prompt: 'consent' }), signedIn(user, app));
    expect(asked.status).toBe(200);
    expect(asked.title).toBe(`Allow ${await appName(app)}?`);

    const hinted = await page(await request(app, { login_hint: 'ada@example.com' }));
    expect(hinted.html).toContain('value="ada@example.com"');
  });
});

describe('single_sign_on', () => {
  it('reuses the hosted session for another application only while the member allows single sign-on', async () => {
    const other = await registerApplication(stack);
    const user = await stack.createUser();
    await consented(user, app);
    await consented(user, other);
    // Signed in on the pages for `app`; `other` reuses that sign-in by default.
    const reused = await page(await request(other), signedIn(user, app));
    expect(reused.location!.searchParams.get('code')).toBeTruthy();

    const off = await stack.graphql(
      'mutation { updateMySharingPreferences(input: { singleSignOn: false }) { singleSignOn } }',
      {
        token: user.token,
      },
    );
    expect(off.errors).toBeUndefined();
    const again = await page(await request(other), signedIn(user, app));
    expect(again.status).toBe(200);
    expect(again.title).toBe(`Sign in to ${await appName(other)}`);
    const none = await page(await request(other, { prompt: 'none' }), signedIn(user, app));
    expect(none.location!.searchParams.get('error')).toBe('login_required');
    // The application it signed in for still reuses it.
    const same = await page(await request(app), signedIn(user, app));
    expect(same.location!.searchParams.get('code')).toBeTruthy();
  });
});

async function appName(client: RegisteredApplication): Promise<string> {
  const answer = await fetch(`${stack.gatewayUrl}/api/v1/applications/${client.id}`, {
    headers: { authorization: `Bearer ${client.adminToken}` },
  });
  return ((await answer.json()) as { app_name: string }).app_name;
}
