import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  API_AUDIENCE,
  createAccessTokenVerifier,
  SERVICE_TOKEN_TTL_SECONDS,
} from './access-token.js';

const issuer = 'https://id.example.com';

async function signingKey(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256' };
  const sign = (claims: Record<string, unknown>, lifetimeSeconds = 300, iat = Math.floor(Date.now() / 1000)) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid })
      .setSubject('u')
      .setIssuer(issuer)
      .setAudience(API_AUDIENCE)
      .setIssuedAt(iat)
      .setJti('j')
      .setExpirationTime(iat + lifetimeSeconds)
      .sign(privateKey);
  return { jwk, sign };
}

const userClaims = { sid: 's', tid: 't', role: 'USER', scope: '', amr: ['pwd'] };
const serviceClaims = { client_id: 'legacy-billing', scope: 'catalog:read' };

describe('a token’s lifetime', () => {
  it('is at most what identity issues: 30 minutes for a member, 5 for a service', async () => {
    const key = await signingKey('k1');
    const verifier = createAccessTokenVerifier({ issuer, jwks: createLocalJWKSet({ keys: [key.jwk] }) });
    const verify = async (claims: Record<string, unknown>, lifetime: number) =>
      verifier.verify(await key.sign(claims, lifetime)).then(
        (principal) => principal.kind,
        (error: { code?: string }) => error.code,
      );
    expect(await verify(userClaims, ACCESS_TOKEN_TTL_SECONDS)).toBe('user');
    expect(await verify(userClaims, ACCESS_TOKEN_TTL_SECONDS + 1)).toBe('INVALID_TOKEN');
    expect(await verify(userClaims, 365 * 86_400)).toBe('INVALID_TOKEN');
    // An application's token on a member's behalf is a member's token.
    expect(await verify({ ...userClaims, client_id: 'app' }, ACCESS_TOKEN_TTL_SECONDS)).toBe('user');
    expect(await verify({ ...userClaims, client_id: 'app' }, ACCESS_TOKEN_TTL_SECONDS + 1)).toBe('INVALID_TOKEN');
    expect(await verify(serviceClaims, SERVICE_TOKEN_TTL_SECONDS)).toBe('service');
    expect(await verify(serviceClaims, SERVICE_TOKEN_TTL_SECONDS + 1)).toBe('INVALID_TOKEN');
  });

  it('counts from when it was issued, not from now', async () => {
    const key = await signingKey('k1');
    const verifier = createAccessTokenVerifier({ issuer, jwks: createLocalJWKSet({ keys: [key.jwk] }) });
    const issuedAnHourAgo = Math.floor(Date.now() / 1000) - 3_600;
    // Still unexpired, but issued for an hour and a half.
    const token = await key.sign(userClaims, 5_400, issuedAnHourAgo);
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
  });
});

/** Identity's JWKS endpoint, serving whichever keys the test publishes, counting reads. */
async function jwksServer(keys: JWK[]) {
  const state = { keys, reads: 0 };
  const server: Server = createServer((_req, res) => {
    state.reads += 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`);
  servers.push(server);
  return { state, url };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('a key published after the verifier read the set', () => {
  it('verifies its first tokens even when the set was read a moment before', async () => {
    const [current, emergency] = await Promise.all([signingKey('current'), signingKey('emergency')]);
    const jwks = await jwksServer([current.jwk]);
    const verifier = createAccessTokenVerifier({ issuer, jwks: jwks.url });
    await expect(verifier.verify(await current.sign(userClaims))).resolves.toMatchObject({ keyId: 'current' });
    expect(jwks.state.reads).toBe(1);

    // An emergency rollover: the new key is published and signs at once, within the verifier's
    // one-second pause between reads. Its tokens wait for the next read instead of being refused.
    jwks.state.keys = [emergency.jwk];
    const started = Date.now();
    const firstTokens = await Promise.all(
      Array.from({ length: 10 }, async () => verifier.verify(await emergency.sign(userClaims))),
    );
    expect(firstTokens.map((principal) => principal.keyId)).toEqual(Array(10).fill('emergency'));
    expect(Date.now() - started).toBeLessThan(2_000);
    // One read for all ten.
    expect(jwks.state.reads).toBe(2);
  });

  it('still refuses a kid the set does not have, after one more read', async () => {
    const [current, unknown] = await Promise.all([signingKey('current'), signingKey('made-up')]);
    const jwks = await jwksServer([current.jwk]);
    const verifier = createAccessTokenVerifier({ issuer, jwks: jwks.url });
    await verifier.verify(await current.sign(userClaims));
    const forged = await Promise.all(
      Array.from({ length: 20 }, async () =>
        verifier.verify(await unknown.sign(userClaims)).catch((error: { code?: string }) => error.code),
      ),
    );
    expect(forged).toEqual(Array(20).fill('INVALID_TOKEN'));
    // Twenty made-up tokens within the pause cost identity one read, not twenty.
    expect(jwks.state.reads).toBe(2);
    // The known key keeps verifying meanwhile, from the set in hand.
    await expect(verifier.verify(await current.sign(userClaims))).resolves.toMatchObject({ keyId: 'current' });
    expect(jwks.state.reads).toBe(2);
  });
});
