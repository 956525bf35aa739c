import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserAccount } from '../../subgraphs/identity/src/user/user.entity.js';
import type { TestStack, TestUser } from '../support/stack.js';
import { callback, registerApplication, startFlowStack, type RegisteredApplication } from '../oauth/flow.js';

/**
 * The member decides what an OpenID Connect application learns: each claim of `profile`, `email` and
 * `phone` is in the ID token and at userinfo only while its sharing flag is on and the consent page
 * showed it; a claim without a value is absent, never null.
 */
let stack: TestStack;
let issuer: URL;
let as: oauth.AuthorizationServer;
const insecure = { [oauth.allowInsecureRequests]: true };
const ALL = 'openid profile email phone';

beforeAll(async () => {
  stack = await startFlowStack({ pinned: true });
  issuer = new URL(stack.gatewayUrl);
  as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }),
  );
});
afterAll(async () => {
  await stack?.stop();
});

type Flags = Partial<Record<'shareName' | 'shareGender' | 'shareBirthDate' | 'shareEmail' | 'sharePhone', boolean>>;

async function setFlags(user: TestUser, flags: Flags) {
  const answer = await stack.graphql(
    'mutation ($input: UpdateMySharingPreferencesInput!) { updateMySharingPreferences(input: $input) { shareName } }',
    { token: user.token, variables: { input: flags } },
  );
  expect(answer.errors).toBeUndefined();
}

/** A member who said everything about themselves, with every flag on. */
async function fullMember(): Promise<TestUser> {
  const user = await stack.createUser();
  const named = await stack.graphql('mutation { updateMyAccount(input: { displayName: "Ada Lovelace" }) { id } }', {
    token: user.token,
  });
  expect(named.errors).toBeUndefined();
  const profile = await stack.graphql(
    `mutation { updateMyProfile(input: {
       phone: "+886912345678", language: "en-GB", birthDate: "1990-12-10", gender: FEMALE,
       avatarUrl: "https://cdn.example.com/ada.png"
     }) { phone } }`,
    { token: user.token },
  );
  expect(profile.errors).toBeUndefined();
  await setFlags(user, {
    shareName: true,
    shareGender: true,
    shareBirthDate: true,
    shareEmail: true,
    sharePhone: true,
  });
  return user;
}

/** Approves `scope` through seed 004's POST endpoint (the call is the consent: every claim of the scopes). */
async function signIn(app: RegisteredApplication, user: TestUser, scope = ALL) {
  const client: oauth.Client = { client_id: app.clientId };
  const verifier = oauth.generateRandomCodeVerifier();
  const nonce = oauth.generateRandomNonce();
  const endpoint = new URL(as['legacy_authorization_endpoint'] as string);
  endpoint.search = new URLSearchParams({
    response_type: 'code',
    client_id: app.clientId,
    redirect_uri: callback,
    scope,
    state: 's',
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  const approved = await fetch(endpoint, {
    method: 'POST',
    redirect: 'manual',
    headers: { authorization: `Bearer ${user.token}` },
  });
  expect(approved.status).toBe(302);
  const params = oauth.validateAuthResponse(as, client, new URL(approved.headers.get('location')!), 's');
  return exchange(app, params, verifier, scope.split(' ').includes('openid') ? nonce : undefined);
}

async function exchange(app: RegisteredApplication, params: URLSearchParams, verifier: string, nonce?: string) {
  const client: oauth.Client = { client_id: app.clientId };
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.ClientSecretBasic(app.clientSecret),
    params,
    callback,
    verifier,
    insecure,
  );
  return oauth.processAuthorizationCodeResponse(as, client, response, nonce ? { expectedNonce: nonce } : {});
}

async function refresh(app: RegisteredApplication, refreshToken: string) {
  const client: oauth.Client = { client_id: app.clientId };
  return oauth.processRefreshTokenResponse(
    as,
    client,
    await oauth.refreshTokenGrantRequest(as, client, oauth.ClientSecretBasic(app.clientSecret), refreshToken, insecure),
  );
}

async function userInfo(app: RegisteredApplication, accessToken: string, sub: string) {
  const client: oauth.Client = { client_id: app.clientId };
  return oauth.processUserInfoResponse(as, client, sub, await oauth.userInfoRequest(as, client, accessToken, insecure));
}

/** The profile claims of a set of claims (an ID token's or userinfo's). */
function profileOf(claims: Record<string, unknown>) {
  const own = new Set(['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'amr', 'sid', 'at_hash']);
  return Object.fromEntries(Object.entries(claims).filter(([name]) => !own.has(name)));
}

const everything = (user: TestUser) => ({
  name: 'Ada Lovelace',
  picture: 'https://cdn.example.com/ada.png',
  gender: 'female',
  birthdate: '1990-12-10',
  locale: 'en-GB',
  updated_at: expect.any(Number) as unknown,
  email: user.email,
  // Made straight in the database: the address was never verified.
  email_verified: false,
  phone_number: '+886912345678',
  phone_number_verified: false,
});

/** Which claims each flag governs, as the issue lists them. */
const governed: Record<keyof Flags, string[]> = {
  shareName: ['name', 'picture'],
  shareGender: ['gender'],
  shareBirthDate: ['birthdate'],
  shareEmail: ['email', 'email_verified'],
  sharePhone: ['phone_number', 'phone_number_verified'],
};

describe('claims in the ID token and at userinfo', () => {
  it('releases every claim of the scopes while every flag is on, the same in both', async () => {
    const app = await registerApplication(stack);
    const user = await fullMember();
    const tokens = await signIn(app, user);
    expect(tokens.scope).toBe(ALL);
    const idToken = oauth.getValidatedIdTokenClaims(tokens)!;
    expect(profileOf(idToken)).toEqual(everything(user));
    const info = await userInfo(app, tokens.access_token, user.id);
    expect(info).toEqual({ sub: user.id, ...everything(user) });
  });

  it.each(Object.entries(governed))(
    'takes out %s claims while that flag is off, and puts them back when it is on',
    async (flag, claims) => {
      const app = await registerApplication(stack);
      const user = await fullMember();
      const tokens = await signIn(app, user);
      await setFlags(user, { [flag]: false });
      const refreshed = await refresh(app, tokens.refresh_token!);
      const off = profileOf(oauth.getValidatedIdTokenClaims(refreshed)!);
      const infoOff = await userInfo(app, refreshed.access_token, user.id);
      for (const claim of claims) {
        expect(off, claim).not.toHaveProperty(claim);
        expect(infoOff, claim).not.toHaveProperty(claim);
      }
      // Only these: every other claim is still there.
      expect(Object.keys(off).sort()).toEqual(
        Object.keys(everything(user))
          .filter((c) => !claims.includes(c))
          .sort(),
      );

      await setFlags(user, { [flag]: true });
      const again = await refresh(app, refreshed.refresh_token!);
      expect(profileOf(oauth.getValidatedIdTokenClaims(again)!)).toEqual(everything(user));
      expect(await userInfo(app, again.access_token, user.id)).toEqual({ sub: user.id, ...everything(user) });
    },
  );

  it('leaves out what the member never said, and what the scopes do not name: never null', async () => {
    const app = await registerApplication(stack);
    const user = await stack.createUser();
    await setFlags(user, { shareName: true, shareGender: true, shareBirthDate: true, sharePhone: true });
    const tokens = await signIn(app, user);
    const idToken = profileOf(oauth.getValidatedIdTokenClaims(tokens)!);
    // Only an e-mail address and the time of the last change are known of this account.
    expect(idToken).toEqual({ email: user.email, email_verified: false, updated_at: expect.any(Number) as unknown });
    expect(Object.values(await userInfo(app, tokens.access_token, user.id))).not.toContain(null);

    const emailOnly = await signIn(app, await fullMember(), 'openid email');
    expect(Object.keys(profileOf(oauth.getValidatedIdTokenClaims(emailOnly)!)).sort()).toEqual([
      'email',
      'email_verified',
    ]);
  });
  it('says email_verified: true once the member has proved the address (User.emailVerified)', async () => {
    const app = await registerApplication(stack);
    const user = await fullMember();
    await stack.subgraphs.identity.database
      .fork()
      .nativeUpdate(UserAccount, { id: user.id }, { emailVerifiedAt: new Date() });
    const tokens = await signIn(app, user, 'openid email');
    const expected = { email: user.email, email_verified: true };
    expect(profileOf(oauth.getValidatedIdTokenClaims(tokens)!)).toEqual(expected);
    expect(await userInfo(app, tokens.access_token, user.id)).toEqual({ sub: user.id, ...expected });
  });
});

describe('the userinfo endpoint', () => {
  it('answers GET and POST with the bearer token, and refuses bad tokens with WWW-Authenticate', async () => {
    const app = await registerApplication(stack);
    const user = await fullMember();
    const tokens = await signIn(app, user, 'openid email');
    const url = `${stack.gatewayUrl}/oauth/userinfo`;
    for (const method of ['GET', 'POST']) {
      const answer = await fetch(url, { method, headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(answer.status, method).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(await answer.json()).toEqual({ sub: user.id, email: user.email, email_verified: false });
    }

    // RFC 6750 §2.2: the token as a form parameter of a POST; not together with the header.
    const inForm = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ access_token: tokens.access_token }).toString(),
    });
    expect(inForm.status).toBe(200);
    expect(await inForm.json()).toEqual({ sub: user.id, email: user.email, email_verified: false });
    const twice = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Bearer ${tokens.access_token}`,
      },
      body: new URLSearchParams({ access_token: tokens.access_token }).toString(),
    });
    expect(twice.status).toBe(400);

    const none = await fetch(url);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="membergraph"');
    const forged = await fetch(url, { headers: { authorization: `Bearer ${tokens.access_token}x` } });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    // A first-party token, and an application token without openid, are not userinfo's.
    for (const token of [user.token, (await signIn(app, user, 'read')).access_token]) {
      const refused = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('www-authenticate')).toMatch(/error="insufficient_scope", scope="openid"/);
    }
  });
});

/** The hosted pages over HTTP, the browser's cookies carried by hand (test/pages drives Chromium). */
class PageSession {
  private readonly cookies = new Map<string, string>();
  constructor(user: TestUser) {
    // The hosted pages' session cookie holds the person's access token.
    this.cookies.set('mg_session', user.token);
  }

  private header() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private keep(response: Response) {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  }

  async get(params: Record<string, string>) {
    const url = new URL('/oauth/authorize', stack.gatewayUrl);
    url.search = new URLSearchParams(params).toString();
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: this.header() } });
    this.keep(response);
    return { status: response.status, location: response.headers.get('location'), html: await response.text() };
  }

  async post(form: Record<string, string>) {
    const response = await fetch(new URL('/oauth/authorize', stack.gatewayUrl), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: this.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    return { status: response.status, location: response.headers.get('location') };
  }
}

const listed = (html: string) => [...html.matchAll(/data-claim="([^"]+)"/g)].map((match) => match[1]);
const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';

describe('the consent page', () => {
  async function request(app: RegisteredApplication) {
    const verifier = oauth.generateRandomCodeVerifier();
    const params = {
      response_type: 'code',
      client_id: app.clientId,
      redirect_uri: callback,
      scope: ALL,
      state: 'page',
      nonce: oauth.generateRandomNonce(),
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    };
    return { params, verifier };
  }

  /** Shows the page, approves what it listed, and exchanges the code. */
  async function approveOnPage(page: PageSession, app: RegisteredApplication) {
    const { params, verifier } = await request(app);
    const shown = await page.get(params);
    expect(shown.status).toBe(200);
    const approved = await page.post({
      ...params,
      action: 'approve',
      claims: hidden(shown.html, 'claims'),
      csrf_token: hidden(shown.html, 'csrf_token'),
    });
    expect(approved.status).toBe(303);
    const client: oauth.Client = { client_id: app.clientId };
    const callbackParams = oauth.validateAuthResponse(as, client, new URL(approved.location!), 'page');
    return { listed: listed(shown.html), tokens: await exchange(app, callbackParams, verifier, params.nonce) };
  }

  it('words the list in the language the application asks for (ui_locales), the same claims', async () => {
    const app = await registerApplication(stack);
    const user = await fullMember();
    const page = new PageSession(user);
    const inKorean = await page.get({ ...(await request(app)).params, ui_locales: 'ko' });
    expect(inKorean.status).toBe(200);
    expect(listed(inKorean.html)).toEqual(['sub', ...Object.keys(everything(user))]);
    expect(inKorean.html).toContain('이름: <strong>Ada Lovelace</strong>');
    expect(inKorean.html).toContain('이메일 주소 인증 여부: <strong>아니요</strong>');
    expect(inKorean.html).not.toContain('Your name');
  });

  it.each(Object.entries(governed))('lists %s claims only while that flag is on', async (flag, claims) => {
    const app = await registerApplication(stack);
    const user = await fullMember();
    const page = new PageSession(user);
    const on = await page.get((await request(app)).params);
    expect(on.status).toBe(200);
    expect(listed(on.html)).toEqual(['sub', ...Object.keys(everything(user))]);
    expect(on.html).toContain('Your name: <strong>Ada Lovelace</strong>');

    await setFlags(user, { [flag]: false });
    const off = await page.get((await request(app)).params);
    expect(listed(off.html)).toEqual(['sub', ...Object.keys(everything(user)).filter((c) => !claims.includes(c))]);
  });

  it('releases only what the page showed: a flag turned on later asks for consent again', async () => {
    const app = await registerApplication(stack);
    const user = await fullMember();
    await setFlags(user, { shareGender: false });
    const page = new PageSession(user);
    const first = await approveOnPage(page, app);
    expect(first.listed).not.toContain('gender');
    expect(oauth.getValidatedIdTokenClaims(first.tokens)).not.toHaveProperty('gender');

    // On now, but the consent never showed it: still not released to the grant it approved.
    await setFlags(user, { shareGender: true });
    const refreshed = await refresh(app, first.tokens.refresh_token!);
    expect(oauth.getValidatedIdTokenClaims(refreshed)).not.toHaveProperty('gender');
    expect(await userInfo(app, refreshed.access_token, user.id)).not.toHaveProperty('gender');

    // The next request shows the page again (it would share more), and approving releases it.
    const second = await approveOnPage(page, app);
    expect(second.listed).toContain('gender');
    expect(oauth.getValidatedIdTokenClaims(second.tokens)).toMatchObject({ gender: 'female' });

    // Nothing new to show: straight back with a code.
    const again = await page.get((await request(app)).params);
    expect(again.status).toBe(303);
    expect(new URL(again.location!).searchParams.get('code')).toBeTruthy();
  });

  it('approves no claim the page did not list, whatever the form says', async () => {
    const app = await registerApplication(stack);
    const user = await fullMember();
    await setFlags(user, { sharePhone: false });
    const page = new PageSession(user);
    const { params, verifier } = await request(app);
    const shown = await page.get(params);
    const approved = await page.post({
      ...params,
      action: 'approve',
      claims: `${hidden(shown.html, 'claims')} phone_number phone_number_verified`,
      csrf_token: hidden(shown.html, 'csrf_token'),
    });
    const client: oauth.Client = { client_id: app.clientId };
    const callbackParams = oauth.validateAuthResponse(as, client, new URL(approved.location!), 'page');
    const tokens = await exchange(app, callbackParams, verifier, params.nonce);
    await setFlags(user, { sharePhone: true });
    const refreshed = await refresh(app, tokens.refresh_token!);
    expect(oauth.getValidatedIdTokenClaims(refreshed)).not.toHaveProperty('phone_number');
  });
});
