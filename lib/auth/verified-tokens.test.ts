import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTVerifyGetKey } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { API_AUDIENCE, createAccessTokenVerifier } from './access-token.js';
import { VerifiedTokenCache } from './verified-tokens.js';

describe('VerifiedTokenCache', () => {
  it('answers until the whole second of exp, as jose decides expiry', () => {
    let now = 1_000_000;
    const cache = new VerifiedTokenCache<string>({ maxEntries: 10, maxAgeMs: 600_000, now: () => now });
    cache.set('t', 'claims', 1_010); // expires at 1,010 s
    now = 1_009_999;
    expect(cache.get('t')).toBe('claims');
    now = 1_010_000;
    expect(cache.get('t')).toBeUndefined();
    // Gone, not only hidden: the clock going back does not bring it back.
    now = 1_000_000;
    expect(cache.get('t')).toBeUndefined();
  });

  it('reuses a verification for maxAgeMs at most, however long the token lives', () => {
    let now = 1_000_000;
    const cache = new VerifiedTokenCache<string>({ maxEntries: 10, maxAgeMs: 5_000, now: () => now });
    cache.set('t', 'claims', 9_999_999);
    now += 4_999;
    expect(cache.get('t')).toBe('claims');
    now += 1;
    expect(cache.get('t')).toBeUndefined();
  });

  it('holds maxEntries tokens, making room by dropping the least recently used', () => {
    const cache = new VerifiedTokenCache<string>({ maxEntries: 2, maxAgeMs: 60_000, now: () => 0 });
    cache.set('a', 'A', 100);
    cache.set('b', 'B', 100);
    expect(cache.get('a')).toBe('A'); // b is now the least recently used
    cache.set('c', 'C', 100);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('A');
    expect(cache.get('c')).toBe('C');
  });
});

describe('a verifier that remembers verified tokens', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  async function setup() {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    const local = createLocalJWKSet({ keys: [jwk] });
    const keyLookups = vi.fn<JWTVerifyGetKey>((header, token) => local(header, token));
    const verifier = createAccessTokenVerifier({
      issuer: 'https://id.example.com',
      jwks: keyLookups,
      cache: { maxEntries: 100, maxAgeMs: 5 * 60_000 },
    });
    const sign = (expiresIn: string, claims: Record<string, unknown> = {}) =>
      new SignJWT({ sid: 's', tid: 't', role: 'USER', scope: 'read', amr: ['pwd'], ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setSubject('u')
        .setIssuer('https://id.example.com')
        .setAudience(API_AUDIENCE)
        .setIssuedAt()
        .setJti('j')
        .setExpirationTime(expiresIn)
        .sign(privateKey);
    return { verifier, keyLookups, sign };
  }

  it('checks the signature of a token once, and hands out the same frozen principal', async () => {
    const { verifier, keyLookups, sign } = await setup();
    const token = await sign('5m');
    const first = await verifier.verify(token);
    const second = await verifier.verify(token);
    expect(second).toBe(first);
    expect(first).toMatchObject({ kind: 'user', userId: 'u', scopes: ['read'] });
    expect(Object.isFrozen(first) && Object.isFrozen(first.scopes)).toBe(true);
    expect(keyLookups).toHaveBeenCalledTimes(1);
  });

  it('refuses a remembered token once it has expired', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { verifier, sign } = await setup();
    const token = await sign('10s');
    await expect(verifier.verify(token)).resolves.toMatchObject({ userId: 'u' });
    vi.setSystemTime(Date.now() + 11_000);
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('remembers no failure: a token refused once is checked again, and refused again', async () => {
    const { verifier, keyLookups, sign } = await setup();
    const token = await sign('5m');
    const [header, payload, signature] = token.split('.');
    const tampered = `${header}.${payload}.${signature!.slice(0, -4)}AAAA`;
    await expect(verifier.verify(tampered)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    await expect(verifier.verify(tampered)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    expect(keyLookups).toHaveBeenCalledTimes(2);
    // The genuine token is a different string: verified on its own.
    await expect(verifier.verify(token)).resolves.toMatchObject({ userId: 'u' });
  });
});
