import { generateKeyPairSync } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { es256PrivateKey, signCompactJws } from './compact-jws.js';

/** A key pair as identity makes and stores it: jose's generateKeyPair, exported as JWKs. */
async function storedKeyPair() {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { publicJwk: await exportJWK(publicKey), privateJwk: await exportJWK(privateKey) };
}

describe('ES256 compact JWS (identity signs, jose verifies)', () => {
  it('makes a JWT that jose verifies with the public key, claims and header as given', async () => {
    const { publicJwk, privateJwk } = await storedKeyPair();
    const now = Math.floor(Date.now() / 1000);
    const token = signCompactJws(
      { alg: 'ES256', kid: 'key-1', typ: 'at+jwt' },
      { iss: 'https://id.example', sub: 'user-1', aud: 'api', iat: now, exp: now + 60, amr: ['pwd'], name: 'Zoë' },
      es256PrivateKey(privateJwk),
    );
    const { payload, protectedHeader } = await jwtVerify(token, await importJWK(publicJwk, 'ES256'), {
      issuer: 'https://id.example',
      audience: 'api',
      typ: 'at+jwt',
      algorithms: ['ES256'],
    });
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: 'key-1', typ: 'at+jwt' });
    expect(payload).toMatchObject({ sub: 'user-1', amr: ['pwd'], name: 'Zoë', exp: now + 60 });
    expect(decodeProtectedHeader(token).kid).toBe('key-1');
  });

  it('signs as RFC 7518 §3.4 says: R and S, 64 octets, base64url without padding', async () => {
    const { publicJwk, privateJwk } = await storedKeyPair();
    const token = signCompactJws({ alg: 'ES256', kid: 'k', typ: 'JWT' }, { sub: 'x' }, es256PrivateKey(privateJwk));
    const parts = token.split('.');
    expect(parts).toHaveLength(3);
    expect(parts.every((part) => /^[A-Za-z0-9_-]+$/.test(part))).toBe(true);
    expect(Buffer.from(parts[2]!, 'base64url')).toHaveLength(64);
    // A changed payload no longer verifies.
    const forged = [parts[0], Buffer.from('{"sub":"y"}').toString('base64url'), parts[2]].join('.');
    await expect(compactVerify(forged, await importJWK(publicJwk, 'ES256'))).rejects.toThrow();
  });

  it('refuses a key that is not a private P-256 key', async () => {
    const { publicJwk } = await storedKeyPair();
    expect(() => es256PrivateKey(publicJwk)).toThrow('private P-256');
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'jwk' });
    expect(() => es256PrivateKey(p384)).toThrow('private P-256');
  });
});
