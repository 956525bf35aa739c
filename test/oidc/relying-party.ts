import { createHash } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { expect } from 'vitest';
import { callback } from '../oauth/flow.js';

/** The stacks serve plain http on loopback; oauth4webapi refuses that unless told. */
export const insecure = { [oauth.allowInsecureRequests]: true };

/** Discovery as oauth4webapi does it in OIDC mode, with its checks. */
export async function discover(issuer: URL): Promise<oauth.AuthorizationServer> {
  return oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }),
  );
}

/** Independent of the server's code: OIDC Core §3.1.3.6 for ES256 and RS256 (both SHA-256). */
export function expectedAtHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');
}

/** The user approves through seed 004's POST endpoint with its bearer token; answers the redirect. */
export async function approveFor(
  as: oauth.AuthorizationServer,
  clientId: string,
  userToken: string,
  parameters: Record<string, string>,
): Promise<URL> {
  const endpoint = new URL(as['legacy_authorization_endpoint'] as string);
  endpoint.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: callback,
    ...parameters,
  }).toString();
  const answer = await fetch(endpoint, {
    method: 'POST',
    redirect: 'manual',
    headers: { authorization: `Bearer ${userToken}` },
  });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get('location')!);
}

/** A code approved for `scope` with a nonce and PKCE, exchanged by the library; its response and the nonce. */
export async function codeGrant(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  clientSecret: string,
  userToken: string,
  scope: string,
) {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const redirected = await approveFor(as, client.client_id, userToken, {
    scope,
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const params = oauth.validateAuthResponse(as, client, redirected, state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.ClientSecretBasic(clientSecret),
    params,
    callback,
    verifier,
    insecure,
  );
  return { response, nonce };
}

/** A refresh by the library (client_secret_basic), its answer and ID token signature checked. */
export async function refreshGrant(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  clientSecret: string,
  refreshToken: string,
): Promise<oauth.TokenEndpointResponse> {
  const response = await oauth.refreshTokenGrantRequest(
    as,
    client,
    oauth.ClientSecretBasic(clientSecret),
    refreshToken,
    insecure,
  );
  const tokens = await oauth.processRefreshTokenResponse(as, client, response);
  if (tokens.id_token) await oauth.validateApplicationLevelSignature(as, response, insecure);
  return tokens;
}
