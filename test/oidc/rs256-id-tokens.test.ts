import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeProtectedHeader,
  generateKeyPair,
  jwtVerify,
  SignJWT,
  type JWK,
} from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStack } from '../support/stack.js';
import { registerApplication, startFlowStack, type RegisteredApplication } from '../oauth/flow.js';
import { codeGrant, discover, expectedAtHash, insecure, refreshGrant } from './relying-party.js';

/**
 * RS256 ID tokens: OpenID Connect Core §15.1 makes RS256 mandatory to implement, and a relying party
 * configured without discovery expects it. ES256 stays the default; an application registered with
 * `id_token_signed_response_alg: RS256` gets RS256 ID tokens, checked here by oauth4webapi configured
 * for RS256 (it refuses any other `alg`) and by jose. Access tokens stay ES256 whatever the application.
 */
let stack: TestStack;
let issuer: URL;
let rsaApp: RegisteredApplication;
const signedOut = 'https://app.example.com/signed-out';
const rsaClient = (): oauth.Client => ({ client_id: rsaApp.clientId, id_token_signed_response_alg: 'RS256' });

beforeAll(async () => {
  stack = await startFlowStack({ pinned: true });
  issuer = new URL(stack.gatewayUrl);
  rsaApp = await registerApplication(stack, {
    id_token_signed_response_alg: 'RS256',
    post_logout_redirect_uris: [signedOut],
  });
});
afterAll(async () => {
  await stack?.stop();
});

const bearerStatus = async (token: string) =>
  (await fetch(`${stack.gatewayUrl}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}` } })).status;

async function signInTo(app: RegisteredApplication, client: oauth.Client, userToken: string) {
  const as = await discover(issuer);
  const { response, nonce } = await codeGrant(as, client, app.clientSecret, userToken, 'openid read');
  return { as, response, nonce };
}

/** Signed in, the library's checks passed: the server metadata and the token response. */
async function tokensOf(app: RegisteredApplication, client: oauth.Client, userToken: string) {
  const { as, response, nonce } = await signInTo(app, client, userToken);
  return { as, tokens: await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce }) };
}

async function publishedKeys(): Promise<JWK[]> {
  const answer = await fetch(`${stack.gatewayUrl}/.well-known/jwks.json`);
  return ((await answer.json()) as { keys: JWK[] }).keys;
}

describe('RS256 ID tokens', () => {
  it('lists both algorithms in discovery and publishes a 2048-bit RSA key beside the EC one', async () => {
    const as = await discover(issuer);
    expect(as.id_token_signing_alg_values_supported).toEqual(['ES256', 'RS256']);
    // Access tokens are ES256 only, whatever the applications' ID tokens.
    expect(as['access_token_signing_alg_values_supported']).toEqual(['ES256']);
    const keys = await publishedKeys();
    const rsa = keys.filter((key) => key.alg === 'RS256');
    expect(rsa).toHaveLength(1);
    expect(rsa[0]).toMatchObject({ kty: 'RSA', use: 'sig', e: 'AQAB', kid: expect.any(String) as unknown });
    expect(Buffer.from(rsa[0]!.n!, 'base64url')).toHaveLength(256);
    // Public members only.
    expect(Object.keys(rsa[0]!).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(keys.filter((key) => key.alg === 'ES256')).toEqual([expect.objectContaining({ kty: 'EC', crv: 'P-256' })]);
  });

  it('signs an RS256 application’s ID tokens as a client configured for RS256 validates them, on exchange and refresh', async () => {
    const user = await stack.createUser();
    const client = rsaClient();
    const { as, response, nonce } = await signInTo(rsaApp, client, user.token);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce });
    await oauth.validateApplicationLevelSignature(as, response, insecure);
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ sub: user.id, aud: rsaApp.clientId, nonce });

    const verified = await jwtVerify(tokens.id_token!, createRemoteJWKSet(new URL(as.jwks_uri!)), {
      issuer: stack.gatewayUrl,
      audience: rsaApp.clientId,
      algorithms: ['RS256'],
      requiredClaims: ['exp', 'iat', 'auth_time', 'sid', 'amr', 'at_hash'],
    });
    expect(verified.protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(verified.payload['at_hash']).toBe(expectedAtHash(tokens.access_token));

    // The application's access token is ES256 as every access token, and works; its ID token does not.
    expect(decodeProtectedHeader(tokens.access_token).alg).toBe('ES256');
    expect(await bearerStatus(tokens.access_token)).toBe(200);
    expect(await bearerStatus(tokens.id_token!)).toBe(401);

    const refreshed = await refreshGrant(as, client, rsaApp.clientSecret, tokens.refresh_token!);
    expect(decodeProtectedHeader(refreshed.id_token!).alg).toBe('RS256');
    expect(oauth.getValidatedIdTokenClaims(refreshed)).toMatchObject({
      sub: user.id,
      at_hash: expectedAtHash(refreshed.access_token),
    });
  });

  it('keeps ES256 for an application that chose nothing: a client expecting RS256 refuses its ID token', async () => {
    const plain = await registerApplication(stack);
    const user = await stack.createUser();
    const client: oauth.Client = { client_id: plain.clientId, id_token_signed_response_alg: 'RS256' };
    const { as, response, nonce } = await signInTo(plain, client, user.token);
    await expect(
      oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce }),
    ).rejects.toMatchObject({
      code: oauth.INVALID_RESPONSE,
      cause: { reason: 'client configuration', header: { alg: 'ES256' } },
    });
  });

  it('lets an administrator choose per application in the seed 004 body and GraphQL; the next refresh follows', async () => {
    const app = await registerApplication(stack);
    const path = `${stack.gatewayUrl}/api/v1/applications/${app.id}`;
    const headers = { authorization: `Bearer ${app.adminToken}`, 'content-type': 'application/json' };
    const read = async () =>
      ((await (await fetch(path, { headers })).json()) as Record<string, unknown>)['id_token_signed_response_alg'];
    expect(await read()).toBe('ES256');

    // A member signed in while the application was ES256.
    const user = await stack.createUser();
    const client: oauth.Client = { client_id: app.clientId };
    const { as, tokens: first } = await tokensOf(app, client, user.token);
    expect(decodeProtectedHeader(first.id_token!).alg).toBe('ES256');

    for (const alg of ['HS256', 'none', 'rs256']) {
      const refused = await fetch(path, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ id_token_signed_response_alg: alg }),
      });
      expect(refused.status, alg).toBe(422);
      expect(JSON.stringify(await refused.json())).toContain('id_token_signed_response_alg');
    }
    expect(await read()).toBe('ES256');

    const switched = await fetch(path, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ id_token_signed_response_alg: 'RS256' }),
    });
    expect(switched.status).toBe(200);
    expect(await read()).toBe('RS256');
    const refreshed = await refreshGrant(as, client, app.clientSecret, first.refresh_token!);
    expect(decodeProtectedHeader(refreshed.id_token!).alg).toBe('RS256');

    const reset = await stack.graphql<{ updateApplication: { idTokenSigningAlgorithm: string } }>(
      'mutation ($id: ID!) { updateApplication(id: $id, input: { idTokenSigningAlgorithm: null }) { idTokenSigningAlgorithm } }',
      { token: app.adminToken, variables: { id: app.id } },
    );
    expect(reset.errors).toBeUndefined();
    expect(reset.data?.updateApplication.idTokenSigningAlgorithm).toBe('ES256');
    expect(await read()).toBe('ES256');
  });

  it('takes an RS256 ID token as id_token_hint, and refuses one signed by a key that is not ours', async () => {
    const user = await stack.createUser();
    const client = rsaClient();
    const { as, tokens } = await tokensOf(rsaApp, client, user.token);
    const logout = (hint: string) => {
      const url = new URL(as.end_session_endpoint!);
      url.search = new URLSearchParams({ id_token_hint: hint, post_logout_redirect_uri: signedOut }).toString();
      return fetch(url, { redirect: 'manual' });
    };

    // Same claims and kid, an RSA key of the attacker's.
    const { privateKey } = await generateKeyPair('RS256');
    const { kid } = decodeProtectedHeader(tokens.id_token!);
    const forged = await new SignJWT(oauth.getValidatedIdTokenClaims(tokens))
      .setProtectedHeader({ alg: 'RS256', kid: kid!, typ: 'JWT' })
      .sign(privateKey);
    const refused = await logout(forged);
    expect(refused.status).toBe(400);
    expect(await bearerStatus(tokens.access_token)).toBe(200);

    const answer = await logout(tokens.id_token!);
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe(signedOut);
    expect(await bearerStatus(tokens.access_token)).toBe(401);
  });

  it('rotates the RS256 key on its own: new ID tokens take the new kid, older ones still verify, ES256 is untouched', async () => {
    const client = rsaClient();
    const { tokens: older } = await tokensOf(rsaApp, client, (await stack.createUser()).token);
    const accessKid = decodeProtectedHeader(older.access_token).kid;

    const rotated = await stack.identity.signingKeys.rotate({ algorithm: 'RS256', activateAfterMs: 0 });
    const { tokens: newer } = await tokensOf(rsaApp, client, (await stack.createUser()).token);
    expect(decodeProtectedHeader(newer.id_token!).kid).toBe(rotated);
    expect(decodeProtectedHeader(newer.access_token).kid).toBe(accessKid);

    // Identity's own key set (the gateway re-reads it within a minute): both RSA keys, one EC key.
    const keys = createLocalJWKSet(await stack.identity.signingKeys.jwks());
    for (const idToken of [older.id_token!, newer.id_token!]) {
      await expect(
        jwtVerify(idToken, keys, { issuer: stack.gatewayUrl, audience: rsaApp.clientId, algorithms: ['RS256'] }),
      ).resolves.toBeDefined();
    }
    const algorithms = (await stack.identity.signingKeys.jwks()).keys.map((key) => key.alg).sort();
    expect(algorithms).toEqual(['ES256', 'RS256', 'RS256']);
  });

  it('withdraws the RS256 keys at once: its ID tokens stop working as hints, the next ones verify under a new key', async () => {
    const client = rsaClient();
    const user = await stack.createUser();
    const { as, tokens: older } = await tokensOf(rsaApp, client, user.token);
    const leaked = decodeProtectedHeader(older.id_token!).kid!;
    const admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });

    const rotation = await stack.graphql<{ rotateSigningKey: { kid: string; withdrawnKeyIds: string[] } }>(
      'mutation { rotateSigningKey(algorithm: RS256, immediately: true) { kid withdrawnKeyIds } }',
      { token: admin.token },
    );

    const { kid: fresh, withdrawnKeyIds } = rotation.data!.rotateSigningKey;
    expect(withdrawnKeyIds).toContain(leaked);
    // The gateway's copy of the key set is at most seconds old: a relying party re-reading it finds
    // the new key and not the withdrawn ones.
    await expect
      .poll(async () => (await publishedKeys()).filter((key) => key.alg === 'RS256').map((key) => key.kid), {
        timeout: 8_000,
        interval: 250,
      })
      .toEqual([fresh]);
    const refreshed = await refreshGrant(as, client, rsaApp.clientSecret, older.refresh_token!);
    expect(decodeProtectedHeader(refreshed.id_token!).kid).toBe(fresh);
    const gatewayKeys = createRemoteJWKSet(new URL('/.well-known/jwks.json', stack.gatewayUrl));
    const verify = (idToken: string) =>
      jwtVerify(idToken, gatewayKeys, { issuer: stack.gatewayUrl, audience: rsaApp.clientId, algorithms: ['RS256'] });
    await expect(verify(refreshed.id_token!)).resolves.toBeDefined();
    await expect(verify(older.id_token!)).rejects.toThrow();
    // Nor does identity take the withdrawn key's ID token as a logout hint; access tokens (ES256) carry on.
    const url = new URL(as.end_session_endpoint!);
    url.search = new URLSearchParams({
      id_token_hint: older.id_token!,
      post_logout_redirect_uri: signedOut,
    }).toString();
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(400);
    expect(await bearerStatus(refreshed.access_token)).toBe(200);
  });
});
