import { createPrivateKey, sign, type JsonWebKey, type KeyObject } from 'node:crypto';

/**
 * Signing of identity's tokens: a JWS in compact serialization (RFC 7515 §7.1) with ES256 (RFC 7518
 * §3.4: ECDSA on P-256 with SHA-256, the signature as R and S, 32 octets each) or RS256 (§3.3:
 * RSASSA-PKCS1-v1_5 with SHA-256, keys of at least 2048 bits). jose's SignJWT signs through WebCrypto
 * on libuv's pool and copies its claims first (structuredClone): about 0.15 ms of CPU a token on these
 * machines, where node:crypto's synchronous ES256 sign costs 0.05 ms. Verification stays jose's
 * everywhere.
 */
export type JwsAlgorithm = 'ES256' | 'RS256';

/** RFC 7518 §3.3: "A key of size 2048 bits or larger MUST be used with these algorithms." */
export const RSA_MODULUS_BITS = 2048;

/** The private key of `algorithm`, from the JWK identity stores sealed. */
export function jwsPrivateKey(algorithm: JwsAlgorithm, jwk: JsonWebKey): KeyObject {
  // Only the key's members: export metadata (`key_ops`, `ext`) is not node:crypto's to judge.
  if (algorithm === 'ES256') {
    if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string') {
      throw new Error('an ES256 signing key must be a private P-256 EC key');
    }
    return createPrivateKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, d: jwk.d }, format: 'jwk' });
  }
  const { kty, n, e, d, p, q, dp, dq, qi } = jwk;
  if (kty !== 'RSA' || typeof d !== 'string' || typeof n !== 'string') {
    throw new Error('an RS256 signing key must be a private RSA key');
  }
  const key = createPrivateKey({ key: { kty, n, e, d, p, q, dp, dq, qi }, format: 'jwk' });
  if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < RSA_MODULUS_BITS) {
    throw new Error(`an RS256 signing key must have at least ${RSA_MODULUS_BITS} bits`);
  }
  return key;
}

export interface JwsHeader {
  readonly alg: JwsAlgorithm;
  readonly kid: string;
  readonly typ: string;
}

const base64url = (json: object) => Buffer.from(JSON.stringify(json)).toString('base64url');

/** `header.payload.signature`, each part base64url without padding; the key must be the header's `alg`'s. */
export function signCompactJws(header: JwsHeader, payload: object, key: KeyObject): string {
  if (key.asymmetricKeyType !== (header.alg === 'ES256' ? 'ec' : 'rsa')) {
    throw new Error(`the key is not one for ${header.alg}`);
  }
  const signingInput = `${base64url(header)}.${base64url(payload)}`;
  const signature =
    header.alg === 'ES256'
      ? sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' })
      : sign('sha256', Buffer.from(signingInput), key);
  return `${signingInput}.${signature.toString('base64url')}`;
}
