import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '../support/stack.js';
import { approveFor } from '../oidc/relying-party.js';
import { callback, registerApplication, rest, startFlowStack, type RegisteredApplication } from './flow.js';

/**
 * oauth4webapi, a strict client nobody here wrote, against the running gateway. Its issuer must be
 * the real address, so this stack serves on a known port with PUBLIC_URL set to it. Plain http is
 * allowed only through the library's `allowInsecureRequests` option.
 */
let stack: TestStack;
let issuer: URL;
const insecure = { [oauth.allowInsecureRequests]: true };
beforeAll(async () => {
  stack = await startFlowStack({ pinned: true });
  issuer = new URL(stack.gatewayUrl);
});
afterAll(async () => {
  await stack?.stop();
});

async function discover(algorithm: 'oidc' | 'oauth2'): Promise<oauth.AuthorizationServer> {
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm, ...insecure }));
}

/** The user approves `read write` through seed 004's POST endpoint with its bearer token; answers the redirect URL. */
const approve = (
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  userToken: string,
  state: string,
  challenge: string,
): Promise<URL> =>
  approveFor(as, client.client_id, userToken, {
    scope: 'read write',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });

describe('discovery', () => {
  it('names every endpoint and capability of the flow, with issuer = PUBLIC_URL', async () => {
    for (const algorithm of ['oidc', 'oauth2'] as const) {
      const as = await discover(algorithm);
      expect(as).toMatchObject({
        issuer: stack.gatewayUrl,
        authorization_endpoint: `${stack.gatewayUrl}/oauth/authorize`,
        token_endpoint: `${stack.gatewayUrl}/oauth/token`,
        jwks_uri: `${stack.gatewayUrl}/.well-known/jwks.json`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
        code_challenge_methods_supported: ['S256'],
        scopes_supported: ['read', 'write', 'openid', 'profile', 'email', 'phone'],
        authorization_response_iss_parameter_supported: true,
        legacy_authorization_endpoint: `${stack.gatewayUrl}/api/v1/auth/authorize`,
        legacy_token_endpoint: `${stack.gatewayUrl}/api/v1/auth/token`,
      });
      // ID tokens share the access tokens' keys (test/oidc has the OpenID Connect side).
      expect(as.id_token_signing_alg_values_supported).toEqual(['ES256', 'RS256']);
    }
  });

  it('is refused over plain http unless the client opts in', async () => {
    await expect(oauth.discoveryRequest(issuer)).rejects.toThrow(/https/i);
  });
});

describe('the authorization code flow with oauth4webapi', () => {
  let app: RegisteredApplication;
  beforeAll(async () => {
    app = await registerApplication(stack);
  });

  it('completes discovery → authorization (PKCE, state, iss) → code exchange → refresh, for a confidential client', async () => {
    const as = await discover('oidc');
    const client: oauth.Client = { client_id: app.clientId };
    const user = await stack.createUser();
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const redirected = await approve(as, client, user.token, state, await oauth.calculatePKCECodeChallenge(verifier));

    // Checks state and (the metadata says it is always sent) iss.
    const params = oauth.validateAuthResponse(as, client, redirected, state);
    const exchanged = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic(app.clientSecret),
      params,
      callback,
      verifier,
      insecure,
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, exchanged);
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 1800, scope: 'read write' });
    expect(tokens.refresh_token).toEqual(expect.any(String));

    // The token verifies against the published keys and works at the gateway.
    const keys = createRemoteJWKSet(new URL(as.jwks_uri!));
    const { payload } = await jwtVerify(tokens.access_token, keys, { issuer: as.issuer, audience: 'membergraph' });
    expect(payload).toMatchObject({ sub: user.id, client_id: app.clientId, scope: 'read write' });
    const me = await oauth.protectedResourceRequest(
      tokens.access_token,
      'GET',
      new URL('/api/v1/users/me', issuer),
      undefined,
      undefined,
      insecure,
    );
    expect(me.status).toBe(200);
    expect(((await me.json()) as { id: string }).id).toBe(user.id);

    // Refresh with the other client authentication method; the token rotates.
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(
        as,
        client,
        oauth.ClientSecretPost(app.clientSecret),
        tokens.refresh_token!,
        insecure,
      ),
    );
    expect(refreshed).toMatchObject({ token_type: 'bearer', scope: 'read write' });
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    const again = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(
        as,
        client,
        oauth.ClientSecretPost(app.clientSecret),
        refreshed.refresh_token!,
        insecure,
      ),
    );
    expect(again.access_token).toEqual(expect.any(String));
  });

  it('completes the flow for a public client (token_endpoint_auth_method none, PKCE)', async () => {
    const publicApp = await registerApplication(stack, { client_type: 'public' });
    const as = await discover('oauth2');
    const client: oauth.Client = { client_id: publicApp.clientId, token_endpoint_auth_method: 'none' };
    const user = await stack.createUser();
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const redirected = await approve(as, client, user.token, state, await oauth.calculatePKCECodeChallenge(verifier));
    const params = oauth.validateAuthResponse(as, client, redirected, state);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, callback, verifier, insecure),
    );
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, insecure),
    );
    expect(refreshed.access_token).not.toBe(tokens.access_token);
  });

  it('surfaces our refusals as the errors it defines: a state mismatch, a replayed code, a wrong secret', async () => {
    const as = await discover('oidc');
    const client: oauth.Client = { client_id: app.clientId };
    const user = await stack.createUser();
    const verifier = oauth.generateRandomCodeVerifier();
    const redirected = await approve(as, client, user.token, 'sent', await oauth.calculatePKCECodeChallenge(verifier));
    expect(() => oauth.validateAuthResponse(as, client, redirected, 'expected-other')).toThrow(/state/);

    const params = oauth.validateAuthResponse(as, client, redirected, 'sent');
    const exchange = async (secret: string) =>
      oauth.processAuthorizationCodeResponse(
        as,
        client,
        await oauth.authorizationCodeGrantRequest(
          as,
          client,
          oauth.ClientSecretBasic(secret),
          params,
          callback,
          verifier,
          insecure,
        ),
      );
    await expect(exchange('mgs_wrong')).rejects.toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    const tokens = await exchange(app.clientSecret);
    const replay = await exchange(app.clientSecret).catch((error: unknown) => error);
    expect(replay).toBeInstanceOf(oauth.ResponseBodyError);
    expect((replay as oauth.ResponseBodyError).error).toBe('invalid_grant');
    expect((await rest(stack, 'GET', '/api/v1/users/me', { token: tokens.access_token })).status).toBe(401);
  });

  it('sees an authorization error redirected with state and iss (invalid_scope)', async () => {
    const as = await discover('oidc');
    const client: oauth.Client = { client_id: app.clientId };
    const user = await stack.createUser();
    const endpoint = new URL(as['legacy_authorization_endpoint'] as string);
    endpoint.search = new URLSearchParams({
      response_type: 'code',
      client_id: app.clientId,
      redirect_uri: callback,
      scope: 'everything',
      state: 'st',
    }).toString();
    const answer = await fetch(endpoint, {
      method: 'POST',
      redirect: 'manual',
      headers: { authorization: `Bearer ${user.token}` },
    });
    const error = (() => {
      try {
        oauth.validateAuthResponse(as, client, new URL(answer.headers.get('location')!), 'st');
        return undefined;
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(oauth.AuthorizationResponseError);
    expect((error as oauth.AuthorizationResponseError).error).toBe('invalid_scope');
  });
});
