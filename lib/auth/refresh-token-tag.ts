import { randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../crypto/constant-time.js';
import { createKeyedHasher } from '../crypto/keyed-hash.js';
import type { SecretKeys } from '../crypto/secret-key.js';

/**
 * Refresh tokens name their session: `base64url(session id (16 bytes) ‖ 256 random bits ‖ tag)`, the
 * tag an HMAC of the rest under a key derived from SECRET_KEY. Identity still finds a token only by
 * its SHA-256; the tag lets the gateway charge a refresh to its session's auth budget without a
 * database read, while a made-up token (no valid tag) costs its sender's address, as before.
 */
export interface RefreshTokenTags {
  mint(sessionId: string): string;
  /** The session a token was minted for, or undefined when it is not one of ours (or predates tags). */
  sessionOf(token: string): string | undefined;
}

const ID_BYTES = 16;
const RANDOM_BYTES = 32;
const TAG_BYTES = 16;
const TOKEN_BYTES = ID_BYTES + RANDOM_BYTES + TAG_BYTES;
/** base64url without padding of TOKEN_BYTES. */
const TOKEN_LENGTH = Math.ceil((TOKEN_BYTES * 8) / 6);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createRefreshTokenTags(secretKeys: SecretKeys): RefreshTokenTags {
  const hmac = createKeyedHasher(secretKeys, 'refresh-token-tag');
  const tag = (hex: string) => Buffer.from(hex, 'hex').subarray(0, TAG_BYTES);
  return {
    mint(sessionId) {
      if (!UUID.test(sessionId)) throw new Error('a session id is a UUID');
      const body = Buffer.concat([Buffer.from(sessionId.replace(/-/g, ''), 'hex'), randomBytes(RANDOM_BYTES)]);
      return Buffer.concat([body, tag(hmac(body))]).toString('base64url');
    },
    sessionOf(token) {
      if (token.length !== TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
      const bytes = Buffer.from(token, 'base64url');
      const body = bytes.subarray(0, ID_BYTES + RANDOM_BYTES);
      const given = bytes.subarray(ID_BYTES + RANDOM_BYTES);
      // Tags minted under a SECRET_KEY fallback too: sessions outlive a key change.
      const known = hmac.candidates(body).reduce((found, hex) => constantTimeEqual(given, tag(hex)) || found, false);
      if (!known) return undefined;
      const hex = body.subarray(0, ID_BYTES).toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
  };
}
