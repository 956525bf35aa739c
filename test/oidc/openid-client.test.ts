import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '../support/stack.js';
import { callback, registerApplication, startFlowStack, type RegisteredApplication } from '../oauth/flow.js';
import { approveFor, codeGrant, discover as discoverAt, expectedAtHash, insecure } from './relying-party.js';

/**
 * OpenID Connect with oauth4webapi in OIDC mode, a strict relying-party library nobody here wrote,
 * against the running gateway: discovery, the ID token of a code exchange (signature through the
 * JWKS, iss, aud, exp, nonce, at_hash) and of a refresh. The issuer must be the real address, so the
 * stack serves on a free port found at start with PUBLIC_URL set to it (flow.ts startFlowStack).
 */
let stack: TestStack;
let issuer: URL;
let app: RegisteredApplication;

beforeAll(async () => {
  stack = await startFlowStack({ pinned: true });
  issuer = new URL(stack.gatewayUrl);
  app = await registerApplication(stack);
});
afterAll(async () => {
  await stack?.stop();
});

const discover = () => discoverAt(issuer);

/** The user approves `app` (or another client) through seed 004's POST endpoint; answers the redirect. */
const approve = (
  as: oauth.AuthorizationServer,
  userToken: string,
  parameters: Record<string, string>,
  clientId = app.clientId,
) => approveFor(as, clientId, userToken, parameters);

/** A code of `app` approved for `scope` with a nonce, exchanged by the library. */
const signIn = (as: oauth.AuthorizationServer, client: oauth.Client, userToken: string, scope: string) =>
  codeGrant(as, client, app.clientSecret, userToken, scope);

describe('OpenID Provider discovery', () => {
  it('says truthfully what the provider supports, as oauth4webapi reads it in OIDC mode', async () => {
    const as = await discover();
    expect(as).toMatchObject({
      issuer: stack.gatewayUrl,
      authorization_endpoint: `${stack.gatewayUrl}/oauth/authorize`,
      token_endpoint: `${stack.gatewayUrl}/oauth/token`,
      jwks_uri: `${stack.gatewayUrl}/.well-known/jwks.json`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256', 'RS256'],
      code_challenge_methods_supported: ['S256'],
      claims_parameter_supported: false,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
    });
    expect(as.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'phone', 'read']));
    expect(as).toMatchObject({
      userinfo_endpoint: `${stack.gatewayUrl}/oauth/userinfo`,
      revocation_endpoint: `${stack.gatewayUrl}/oauth/revoke`,
      introspection_endpoint: `${stack.gatewayUrl}/oauth/introspect`,
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      end_session_endpoint: `${stack.gatewayUrl}/oauth/logout`,
      prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
    });
    expect(as.claims_supported).toEqual(
      expect.arrayContaining(['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'amr', 'sid', 'at_hash']),
    );
  });
});

describe('ID tokens on the authorization code flow', () => {
  it('issues an ID token the library validates (signature, iss, aud, exp, nonce, at_hash), and a new one on refresh', async () => {
    const as = await discover();
    const client: oauth.Client = { client_id: app.clientId };
    const user = await stack.createUser();
    const { response, nonce } = await signIn(as, client, user.token, 'openid read');

    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce });
    // The library checks the ID token's signature against the keys it discovered.
    await oauth.validateApplicationLevelSignature(as, response, insecure);
    const claims = oauth.getValidatedIdTokenClaims(tokens)!;
    expect(claims).toMatchObject({ iss: stack.gatewayUrl, aud: app.clientId, sub: user.id, nonce });
    expect(tokens.scope).toBe('read openid');

    // And again with jose, independently: the same rotating keys, the kid in the header.
    const keys = createRemoteJWKSet(new URL(as.jwks_uri!));
    const verified = await jwtVerify(tokens.id_token!, keys, {
      issuer: stack.gatewayUrl,
      audience: app.clientId,
      algorithms: ['ES256'],
      requiredClaims: ['exp', 'iat', 'auth_time', 'sid', 'amr', 'at_hash'],
    });
    expect(verified.protectedHeader).toMatchObject({ alg: 'ES256', typ: 'JWT', kid: expect.any(String) as unknown });
    const access = decodeJwt(tokens.access_token);
    expect(verified.payload).toMatchObject({
      at_hash: expectedAtHash(tokens.access_token),
      // The same session as its access token, signed in as its user was.
      sid: access['sid'],
      auth_time: access['auth_time'],
      amr: ['pwd'],
    });
    expect(verified.payload.exp! - verified.payload.iat!).toBe(1800);
    // No profile scope was asked for: nothing about the person but the subject.
    expect(Object.keys(verified.payload).sort()).toEqual(
      ['amr', 'at_hash', 'aud', 'auth_time', 'exp', 'iat', 'iss', 'nonce', 'sid', 'sub'].sort(),
    );
    // An ID token is not an access token: the API refuses it.
    const asBearer = await fetch(`${stack.gatewayUrl}/api/v1/users/me`, {
      headers: { authorization: `Bearer ${tokens.id_token!}` },
    });
    expect(asBearer.status).toBe(401);

    const refreshResponse = await oauth.refreshTokenGrantRequest(
      as,
      client,
      oauth.ClientSecretPost(app.clientSecret),
      tokens.refresh_token!,
      insecure,
    );
    const refreshed = await oauth.processRefreshTokenResponse(as, client, refreshResponse);
    await oauth.validateApplicationLevelSignature(as, refreshResponse, insecure);
    const again = oauth.getValidatedIdTokenClaims(refreshed)!;
    expect(refreshed.id_token).not.toBe(tokens.id_token);
    expect(again).toMatchObject({
      iss: stack.gatewayUrl,
      aud: app.clientId,
      sub: user.id,
      sid: claims['sid'],
      auth_time: claims.auth_time,
      at_hash: expectedAtHash(refreshed.access_token),
    });
    // OIDC Core §12.2: a refreshed ID token carries no nonce.
    expect(again.nonce).toBeUndefined();
  });

  it('fails the library nonce check for an ID token of another request', async () => {
    const as = await discover();
    const client: oauth.Client = { client_id: app.clientId };
    const user = await stack.createUser();
    const { response } = await signIn(as, client, user.token, 'openid');
    await expect(
      oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: oauth.generateRandomNonce() }),
    ).rejects.toMatchObject({ code: oauth.JWT_CLAIM_COMPARISON, cause: { claim: 'nonce' } });
  });

  it('issues no ID token without openid: read and write work as before', async () => {
    const as = await discover();
    const client: oauth.Client = { client_id: app.clientId };
    const user = await stack.createUser();
    const { response } = await signIn(as, client, user.token, 'read write');
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
    expect(tokens.id_token).toBeUndefined();
    expect(tokens.scope).toBe('read write');
    expect(decodeProtectedHeader(tokens.access_token).typ).toBe('at+jwt');
  });
});

describe('revocation (RFC 7009) and introspection (RFC 7662)', () => {
  async function tokensFor(application: RegisteredApplication, user: { token: string }) {
    const as = await discover();
    const client: oauth.Client = { client_id: application.clientId };
    const verifier = oauth.generateRandomCodeVerifier();
    const redirected = await approve(
      as,
      user.token,
      {
        scope: 'openid read',
        state: 'st',
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      },
      application.clientId,
    );
    const params = oauth.validateAuthResponse(as, client, redirected, 'st');
    const auth = application.clientSecret ? oauth.ClientSecretBasic(application.clientSecret) : oauth.None();
    return oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, auth, params, callback, verifier, insecure),
      { requireIdToken: true },
    );
  }

  async function introspect(application: RegisteredApplication, token: string) {
    const as = await discover();
    const client: oauth.Client = { client_id: application.clientId };
    return oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, oauth.ClientSecretPost(application.clientSecret), token, insecure),
    );
  }

  async function revoke(application: RegisteredApplication, token: string, auth?: oauth.ClientAuth) {
    const as = await discover();
    const client: oauth.Client = { client_id: application.clientId };
    const response = await oauth.revocationRequest(
      as,
      client,
      auth ?? oauth.ClientSecretBasic(application.clientSecret),
      token,
      insecure,
    );
    await oauth.processRevocationResponse(response);
  }

  async function refreshFails(application: RegisteredApplication, refreshToken: string) {
    const as = await discover();
    const client: oauth.Client = { client_id: application.clientId };
    const auth = application.clientSecret ? oauth.ClientSecretBasic(application.clientSecret) : oauth.None();
    const refused = await oauth
      .processRefreshTokenResponse(
        as,
        client,
        await oauth.refreshTokenGrantRequest(as, client, auth, refreshToken, insecure),
      )
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(oauth.ResponseBodyError);
    expect((refused as oauth.ResponseBodyError).error).toBe('invalid_grant');
  }

  const meStatus = async (accessToken: string) =>
    (await fetch(`${stack.gatewayUrl}/api/v1/users/me`, { headers: { authorization: `Bearer ${accessToken}` } }))
      .status;

  it("introspects the client its own tokens, and nobody else's", async () => {
    const user = await stack.createUser();
    const tokens = await tokensFor(app, user);
    const access = decodeJwt(tokens.access_token);
    expect(await introspect(app, tokens.access_token)).toMatchObject({
      active: true,
      token_type: 'Bearer',
      client_id: app.clientId,
      sub: user.id,
      scope: 'read openid',
      sid: access['sid'],
      iat: access.iat,
      exp: access.exp,
      iss: stack.gatewayUrl,
    });
    expect(await introspect(app, tokens.refresh_token!)).toMatchObject({ active: true, sub: user.id });

    // Another confidential client sees nothing of them; nor of a first-party token or an ID token.
    const other = await registerApplication(stack);
    expect(await introspect(other, tokens.access_token)).toEqual({ active: false });
    expect(await introspect(other, tokens.refresh_token!)).toEqual({ active: false });
    expect(await introspect(app, user.token)).toEqual({ active: false });
    expect(await introspect(app, tokens.id_token!)).toEqual({ active: false });
    expect(await introspect(app, 'not a token')).toEqual({ active: false });

    // Public clients may not introspect.
    const publicApp = await registerApplication(stack, { client_type: 'public' });
    const as = await discover();
    const client: oauth.Client = { client_id: publicApp.clientId };
    const refused = await oauth
      .processIntrospectionResponse(
        as,
        client,
        await oauth.introspectionRequest(as, client, oauth.None(), tokens.access_token, insecure),
      )
      .catch((error: unknown) => error);
    expect((refused as oauth.ResponseBodyError).error).toBe('invalid_client');
  });

  it('ends the grant when its refresh token is revoked: refresh, access token, userinfo all refused', async () => {
    const user = await stack.createUser();
    const tokens = await tokensFor(app, user);
    expect(await meStatus(tokens.access_token)).toBe(200);
    await revoke(app, tokens.refresh_token!);
    await refreshFails(app, tokens.refresh_token!);
    expect(await meStatus(tokens.access_token)).toBe(401);
    const userinfo = await fetch(`${stack.gatewayUrl}/oauth/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(userinfo.status).toBe(401);
    expect(await introspect(app, tokens.access_token)).toEqual({ active: false });
    // Revoking again, or revoking nonsense, is answered alike (RFC 7009 §2.2).
    await revoke(app, tokens.refresh_token!);
    await revoke(app, 'no such token');
  });

  it("ends the grant when its access token is revoked, and ignores another client's token", async () => {
    const user = await stack.createUser();
    const tokens = await tokensFor(app, user);
    const other = await registerApplication(stack);
    await revoke(other, tokens.access_token);
    await revoke(other, tokens.refresh_token!);
    expect(await meStatus(tokens.access_token)).toBe(200);
    expect(await introspect(app, tokens.refresh_token!)).toMatchObject({ active: true });

    await revoke(app, tokens.access_token, oauth.ClientSecretPost(app.clientSecret));
    expect(await meStatus(tokens.access_token)).toBe(401);
    await refreshFails(app, tokens.refresh_token!);
  });

  it('leaves nothing alive when a revocation races refreshes of the same grant', async () => {
    const as = await discover();
    const client: oauth.Client = { client_id: app.clientId };
    const user = await stack.createUser();
    const tokens = await tokensFor(app, user);
    const refreshOnce = () =>
      oauth.refreshTokenGrantRequest(
        as,
        client,
        oauth.ClientSecretBasic(app.clientSecret),
        tokens.refresh_token!,
        insecure,
      );
    const [revoked, ...refreshes] = await Promise.all([
      oauth.revocationRequest(as, client, oauth.ClientSecretBasic(app.clientSecret), tokens.refresh_token!, insecure),
      refreshOnce(),
      refreshOnce(),
      refreshOnce(),
    ]);
    expect(revoked.status).toBe(200);
    // Whatever a refresh got before the revocation committed belongs to the ended grant.
    for (const refreshed of refreshes) {
      if (refreshed.status !== 200) continue;
      const body = (await refreshed.json()) as { access_token: string; refresh_token: string };
      expect(await meStatus(body.access_token)).toBe(401);
      await refreshFails(app, body.refresh_token);
    }
    expect(await meStatus(tokens.access_token)).toBe(401);
    expect(await introspect(app, tokens.refresh_token!)).toEqual({ active: false });
  });

  it('lets a public client revoke with its client_id alone, and refuses a wrong secret', async () => {
    const publicApp = await registerApplication(stack, { client_type: 'public' });
    const user = await stack.createUser();
    const tokens = await tokensFor({ ...publicApp, clientSecret: '' }, user);
    await revoke(publicApp, tokens.refresh_token!, oauth.None());
    await refreshFails({ ...publicApp, clientSecret: '' }, tokens.refresh_token!);

    const fresh = await tokensFor(app, user);
    const refused = await revoke(app, fresh.refresh_token!, oauth.ClientSecretBasic('mgs_wrong')).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    expect(await meStatus(fresh.access_token)).toBe(200);
  });
});

describe('RP-initiated logout', () => {
  const signedOut = 'https://app.example.com/signed-out';
  let logoutApp: RegisteredApplication;
  beforeAll(async () => {
    logoutApp = await registerApplication(stack, { post_logout_redirect_uris: [signedOut] });
  });

  /** A person signed in to the hosted pages (their cookie) and to the application (its tokens). */
  async function signedInEverywhere() {
    const user = await stack.createUser();
    const as = await discover();
    const client: oauth.Client = { client_id: logoutApp.clientId };
    const verifier = oauth.generateRandomCodeVerifier();
    const redirected = await approve(
      as,
      user.token,
      {
        scope: 'openid read',
        state: 'st',
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      },
      logoutApp.clientId,
    );
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(
        as,
        client,
        oauth.ClientSecretBasic(logoutApp.clientSecret),
        oauth.validateAuthResponse(as, client, redirected, 'st'),
        callback,
        verifier,
        insecure,
      ),
      { requireIdToken: true },
    );
    return { user, tokens };
  }

  async function logout(params: Record<string, string>, cookieToken?: string) {
    const as = await discover();
    const url = new URL(as.end_session_endpoint!);
    url.search = new URLSearchParams(params).toString();
    return fetch(url, {
      redirect: 'manual',
      headers: cookieToken ? { cookie: `mg_session=${cookieToken}` } : {},
    });
  }

  const status = async (token: string) =>
    (await fetch(`${stack.gatewayUrl}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}` } })).status;

  it('registers post_logout_redirect_uris in seed 004 application bodies and GraphQL', async () => {
    const read = await fetch(`${stack.gatewayUrl}/api/v1/applications/${logoutApp.id}`, {
      headers: { authorization: `Bearer ${logoutApp.adminToken}` },
    });
    expect(((await read.json()) as Record<string, unknown>)['post_logout_redirect_uris']).toEqual([signedOut]);
    const refused = await fetch(`${stack.gatewayUrl}/api/v1/applications/${logoutApp.id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${logoutApp.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ post_logout_redirect_uris: ['https://app.example.com/#fragment'] }),
    });
    expect(refused.status).toBe(422);
    const viaGraphql = await stack.graphql<{ application: { postLogoutRedirectUris: string[] } }>(
      'query ($id: ID!) { application(id: $id) { postLogoutRedirectUris } }',
      { token: logoutApp.adminToken, variables: { id: logoutApp.id } },
    );
    expect(viaGraphql.data?.application.postLogoutRedirectUris).toEqual([signedOut]);
  });

  it('ends the hosted session and the grant, and returns to the registered URI with state', async () => {
    const { user, tokens } = await signedInEverywhere();
    const answer = await logout(
      { id_token_hint: tokens.id_token!, post_logout_redirect_uri: signedOut, state: 'bye' },
      user.token,
    );
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe(`${signedOut}?state=bye`);
    expect(answer.headers.getSetCookie().join(';')).toMatch(/mg_session=;/);
    // The hosted session (the person's own sign-in) and the application's grant are over.
    expect(await status(user.token)).toBe(401);
    expect(await status(tokens.access_token)).toBe(401);
    const as = await discover();
    const client: oauth.Client = { client_id: logoutApp.clientId };
    const refresh = await oauth.refreshTokenGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic(logoutApp.clientSecret),
      tokens.refresh_token!,
      insecure,
    );
    expect(refresh.status).toBe(400);
  });

  it('refuses, without redirecting or ending anything, an unregistered URI, a hint of another client, a forged hint', async () => {
    const { user, tokens } = await signedInEverywhere();
    const otherClient = await signedInEverywhereFor(app, user.token);
    const cases: Record<string, string>[] = [
      { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'https://attacker.example/', state: 's' },
      { id_token_hint: tokens.id_token!, post_logout_redirect_uri: callback },
      { id_token_hint: otherClient, client_id: logoutApp.clientId, post_logout_redirect_uri: signedOut },
      { id_token_hint: `${tokens.id_token!.slice(0, -4)}AAAA`, post_logout_redirect_uri: signedOut },
      { id_token_hint: tokens.access_token, post_logout_redirect_uri: signedOut },
    ];
    for (const params of cases) {
      const answer = await logout(params, user.token);
      expect(answer.status, JSON.stringify(params)).toBe(400);
      expect(answer.headers.get('location')).toBeNull();
      expect(await answer.text()).toContain('Invalid logout request');
    }
    expect(await status(user.token)).toBe(200);
    expect(await status(tokens.access_token)).toBe(200);
  });

  it("keeps another person's hosted session, and asks before signing out without a hint", async () => {
    const { tokens } = await signedInEverywhere();
    const someoneElse = await stack.createUser();
    const answer = await logout({ id_token_hint: tokens.id_token! }, someoneElse.token);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('Signed out');
    expect(await status(tokens.access_token)).toBe(401);
    expect(await status(someoneElse.token)).toBe(200);

    const unconfirmed = await logout(
      { client_id: logoutApp.clientId, post_logout_redirect_uri: signedOut },
      someoneElse.token,
    );
    expect(unconfirmed.status).toBe(200);
    expect(await unconfirmed.text()).toContain('Sign out?');
    expect(await status(someoneElse.token)).toBe(200);
    // The logout pages speak the language the application asks for (ui_locales), as the others do.
    const inKorean = await logout(
      { client_id: logoutApp.clientId, post_logout_redirect_uri: signedOut, ui_locales: 'ko' },
      someoneElse.token,
    );
    const korean = await inKorean.text();
    expect(korean).toContain('<html lang="ko"');
    expect(korean).toContain('로그아웃하시겠습니까?');
    const refusedInChinese = await logout({
      post_logout_redirect_uri: 'https://attacker.example/',
      ui_locales: 'zh-TW',
    });
    expect(refusedInChinese.status).toBe(400);
    expect(await refusedInChinese.text()).toContain('無效的登出請求');
    // Signed out already: straight back to a URI the client registered.
    const anonymous = await logout({ client_id: logoutApp.clientId, post_logout_redirect_uri: signedOut, state: 'x' });
    expect(anonymous.headers.get('location')).toBe(`${signedOut}?state=x`);
  });
});

/** An ID token of `application` for the person of `userToken`. */
async function signedInEverywhereFor(application: RegisteredApplication, userToken: string): Promise<string> {
  const as = await discover();
  const client: oauth.Client = { client_id: application.clientId };
  const verifier = oauth.generateRandomCodeVerifier();
  const redirected = await approve(
    as,
    userToken,
    {
      scope: 'openid',
      state: 'st',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    },
    application.clientId,
  );
  const tokens = await oauth.processAuthorizationCodeResponse(
    as,
    client,
    await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic(application.clientSecret),
      oauth.validateAuthResponse(as, client, redirected, 'st'),
      callback,
      verifier,
      insecure,
    ),
    { requireIdToken: true },
  );
  return tokens.id_token!;
}
