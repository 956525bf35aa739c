import { generateKeyPairSync } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { jwsPrivateKey, signCompactJws } from './compact-jws.js';

/** A key pair as identity makes and stores it: jose's generateKeyPair, exported as JWKs. */
async function storedKeyPair(algorithm: 'ES256' | 'RS256' = 'ES256') {
  const { publicKey, privateKey } = await generateKeyPair(algorithm, { extractable: true });
  return { publicJwk: await exportJWK(publicKey), privateJwk: await exportJWK(privateKey) };
}

describe('ES256 compact JWS (identity signs, jose verifies)', () => {
  it('makes a JWT that jose verifies with the public key, claims and header as given', async () => {
    const { publicJwk, privateJwk } = await storedKeyPair();
    const now = Math.floor(Date.now() / 1000);
    const token = signCompactJws(
      { alg: 'ES256', kid: 'key-1', typ: 'at+jwt' },
      { iss: 'https://id.example', sub: 'user-1', aud: 'api', iat: now, exp: now + 60, amr: ['pwd'], name: 'Zoë' },
      jwsPrivateKey('ES256', privateJwk),
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
    const token = signCompactJws(
      { alg: 'ES256', kid: 'k', typ: 'JWT' },
      { sub: 'x' },
      jwsPrivateKey('ES256', privateJwk),
    );
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
    expect(() => jwsPrivateKey('ES256', publicJwk)).toThrow('private P-256');
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'jwk' });
    expect(() => jwsPrivateKey('ES256', p384)).toThrow('private P-256');
  });
});

describe('RS256 compact JWS (ID tokens of applications that ask for it)', () => {
  it('makes a JWT that jose verifies as RS256, claims and header as given', async () => {
    const { publicJwk, privateJwk } = await storedKeyPair('RS256');
    const now = Math.floor(Date.now() / 1000);
    const token = signCompactJws(
      { alg: 'RS256', kid: 'rsa-1', typ: 'JWT' },
      { iss: 'https://id.example', sub: 'user-1', aud: 'client-1', iat: now, exp: now + 60, name: 'Zoë' },
      jwsPrivateKey('RS256', privateJwk),
    );
    const { payload, protectedHeader } = await jwtVerify(token, await importJWK(publicJwk, 'RS256'), {
      issuer: 'https://id.example',
      audience: 'client-1',
      algorithms: ['RS256'],
    });
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: 'rsa-1', typ: 'JWT' });
    expect(payload).toMatchObject({ sub: 'user-1', name: 'Zoë', exp: now + 60 });
    // RFC 7518 §3.3: the signature is as long as the 2048-bit modulus.
    expect(Buffer.from(token.split('.')[2]!, 'base64url')).toHaveLength(256);
  });

  it('refuses a public key, an EC key, and an RSA key under 2048 bits', async () => {
    const { publicJwk } = await storedKeyPair('RS256');
    expect(() => jwsPrivateKey('RS256', publicJwk)).toThrow('private RSA');
    const ec = (await storedKeyPair('ES256')).privateJwk;
    expect(() => jwsPrivateKey('RS256', ec)).toThrow('private RSA');
    const short = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'jwk' });
    expect(() => jwsPrivateKey('RS256', short)).toThrow('at least 2048 bits');
  });

  it('never signs with a key of another algorithm than the header names', async () => {
    const ec = jwsPrivateKey('ES256', (await storedKeyPair('ES256')).privateJwk);
    const rsa = jwsPrivateKey('RS256', (await storedKeyPair('RS256')).privateJwk);
    expect(() => signCompactJws({ alg: 'RS256', kid: 'k', typ: 'JWT' }, {}, ec)).toThrow('not one for RS256');
    expect(() => signCompactJws({ alg: 'ES256', kid: 'k', typ: 'JWT' }, {}, rsa)).toThrow('not one for ES256');
  });
});
