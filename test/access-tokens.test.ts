import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_AUDIENCE, createAccessTokenVerifier } from '../lib/auth/access-token.js';
import { startTestStack, type TestStack, type TestUser } from './support/stack.js';

let stack: TestStack;
let user: TestUser;
beforeAll(async () => {
  stack = await startTestStack();
  user = await stack.createUser();
});
afterAll(async () => {
  await stack?.stop();
});

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
}

async function meStatus(token: string, url?: string) {
  const response = await stack.graphql<{ me: { id: string } | null }>('{ me { id } }', {
    token,
    ...(url ? { url } : {}),
  });
  return { status: response.status, code: response.errors?.[0]?.extensions?.['code'], id: response.data?.me?.id };
}

describe('access tokens', () => {
  it('carry the documented claims and verify in the gateway and every subgraph', async () => {
    const claims = claimsOf(user.token);
    expect(Object.keys(claims).sort()).toEqual(
      ['amr', 'aud', 'auth_time', 'exp', 'iat', 'iss', 'jti', 'role', 'scope', 'sid', 'sub', 'tid'].sort(),
    );
    expect(claims['exp'] as number).toBe((claims['iat'] as number) + 1800);
    expect(decodeProtectedHeader(user.token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(await meStatus(user.token)).toEqual({ status: 200, code: undefined, id: user.id });
  });

  const forgeries: [string, () => Promise<string>][] = [
    ['alg: none', async () => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claimsOf(user.token))}.`],
    [
      'a tampered payload (role raised to SYSTEM_ADMIN)',
      async () => {
        const [header, , signature] = user.token.split('.');
        return `${header}.${base64url({ ...claimsOf(user.token), role: 'SYSTEM_ADMIN' })}.${signature}`;
      },
    ],
    [
      'a key that is not ours, claiming our kid',
      async () => {
        const { privateKey } = await generateKeyPair('ES256');
        const { kid } = decodeProtectedHeader(user.token);
        return new SignJWT(claimsOf(user.token)).setProtectedHeader({ alg: 'ES256', kid: kid! }).sign(privateKey);
      },
    ],
    [
      'HS256 signed with our public key (algorithm confusion)',
      async () => {
        const jwks = (await (await fetch(`${stack.gatewayUrl}/.well-known/jwks.json`)).json()) as { keys: object[] };
        const secret = new TextEncoder().encode(JSON.stringify(jwks.keys[0]));
        return new SignJWT(claimsOf(user.token)).setProtectedHeader({ alg: 'HS256' }).sign(secret);
      },
    ],
    [
      'an expired token signed by our own key',
      async () => {
        const issuedTwoHoursAgo = Math.floor(Date.now() / 1000) - 7200;
        const { token } = await stack.identity.signingKeys.signAccessToken(
          {
            userId: user.id,
            tenantId: user.tenantId,
            role: 'USER',
            sessionId: randomUUID(),
            scopes: [],
            amr: ['pwd'],
            authTime: issuedTwoHoursAgo,
          },
          issuedTwoHoursAgo,
        );
        expect(claimsOf(token)['exp']).toBeLessThan(Date.now() / 1000);
        return token;
      },
    ],
    ['garbage', async () => 'not.a.jwt'],
  ];

  for (const [name, forge] of forgeries) {
    it(`refuses ${name} at the gateway (401) and in a subgraph called directly`, async () => {
      const token = await forge();
      expect(await meStatus(token)).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
      expect(await meStatus(token, stack.subgraphs.member.url)).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
    });
  }

  it('refuses a token issued for another audience or by another issuer', async () => {
    // Our issuer only signs for itself, so the verifier's checks are shown with a key set of the test's.
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    const verifier = createAccessTokenVerifier({
      issuer: 'https://id.example.com',
      jwks: createLocalJWKSet({ keys: [jwk] }),
    });
    const sign = (iss: string, aud: string) =>
      new SignJWT({ sid: 's', tid: 't', role: 'USER', scope: '', amr: ['pwd'] })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setSubject('u')
        .setIssuer(iss)
        .setAudience(aud)
        .setIssuedAt()
        .setJti('j')
        .setExpirationTime('5m')
        .sign(privateKey);
    await expect(verifier.verify(await sign('https://id.example.com', API_AUDIENCE))).resolves.toMatchObject({
      userId: 'u',
    });
    await expect(verifier.verify(await sign('https://evil.example.com', API_AUDIENCE))).rejects.toMatchObject({
      code: 'INVALID_TOKEN',
    });
    await expect(verifier.verify(await sign('https://id.example.com', 'another-api'))).rejects.toMatchObject({
      code: 'INVALID_TOKEN',
    });
  });

  it('roll over keys: a rotated-in key is published before it signs, old tokens keep verifying', async () => {
    const current = decodeProtectedHeader(user.token).kid;

    // Default rotation: the new key is in the JWKS at once but does not sign yet.
    const pending = await stack.identity.signingKeys.rotate();
    expect((await stack.identity.signingKeys.jwks()).keys.map((k) => k.kid)).toEqual(
      expect.arrayContaining([current, pending]),
    );
    expect(decodeProtectedHeader((await stack.createUser()).token).kid).toBe(current);

    // Once active (here: at once), new tokens carry the new kid and every verifier learns it.
    const active = await stack.identity.signingKeys.rotate({ activateAfterMs: 0 });
    const fresh = await stack.createUser();
    expect(decodeProtectedHeader(fresh.token).kid).toBe(active);
    // Activated without the propagation delay, so each verifier (gateway and all four subgraphs)
    // learns the kid on its next key-set refresh: within seconds, not at once.
    await vi.waitFor(
      async () => {
        const everywhere = await stack.graphql<{ me: { id: string } }>(
          '{ me { id memberProfile { language } permissions { id } auditTrail { id } } }',
          { token: fresh.token },
        );
        expect(everywhere.errors).toBeUndefined();
        expect(everywhere.data?.me.id).toBe(fresh.id);
      },
      { timeout: 15_000, interval: 500 },
    );
    expect(await meStatus(user.token)).toMatchObject({ status: 200, id: user.id });
  });
});
