import { createHash, randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../../../../lib/crypto/constant-time.js';

/** A public identifier: random so that applications cannot be enumerated. */
export function mintClientId(): string {
  return `mga_${randomBytes(16).toString('base64url')}`;
}

const hashSecret = (secret: string) => createHash('sha256').update(secret, 'utf8').digest();

/** A 256-bit secret, shown once; what is kept is its SHA-256 (no slow hash needed at this entropy). */
export function mintClientSecret() {
  const secret = `mgs_${randomBytes(32).toString('base64url')}`;
  return {
    secret,
    stored: { clientSecretHash: hashSecret(secret).toString('hex'), clientSecretPrefix: secret.slice(0, 8) },
  };
}

/** Hash against hash in constant time, whatever the presented length. */
export function secretMatches(storedHashHex: string, presented: string): boolean {
  return constantTimeEqual(Buffer.from(storedHashHex, 'hex'), hashSecret(presented));
}

/** Authorization codes and refresh tokens: 256 random bits, stored as SHA-256 hex. */
export function mintOpaqueToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashOpaqueToken(token) };
}

export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
