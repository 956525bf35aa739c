import { createHmac, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import { constantTimeEqual } from './constant-time.js';
import { everyKey, type SecretKeys } from './secret-key.js';

/**
 * HMAC-SHA256 (hex) under a key derived from SECRET_KEY for one purpose. Called, it hashes under the
 * current key; what was stored or sent is recognised under any key of the set (SECRET_KEY_FALLBACKS).
 */
export interface KeyedHasher {
  (value: string | Buffer): string;
  /** The value's hash under every key, the current one first: for lookups by hash. */
  candidates(value: string | Buffer): readonly string[];
  /** Whether `hashed` is the value's hash under any key (constant time per key). */
  matches(value: string | Buffer, hashed: string): boolean;
  /**
   * A short public name of the current key (for this purpose), stored beside a hash that is kept
   * long (backup codes): what a key change voids can then be told without the values.
   */
  readonly keyId: string;
  /** The names of every key of the set, the current one first. */
  readonly keyIds: readonly string[];
}

/**
 * For short numeric secrets (6- and 8-digit codes), where a plain hash in a leaked table falls to an
 * offline search in seconds, and for messages between our own services (the outbox relay's batches).
 */
export function createKeyedHasher(keys: SecretKeys, purpose: string): KeyedHasher {
  // KeyObjects made once: given a Buffer, every createHmac imports the key anew (~20 µs on Node 24,
  // 3 µs with the KeyObject), and every sign-in mints a tagged refresh token.
  const [current, ...fallbacks] = everyKey(keys).map((key) => derivedKey(key, purpose));
  const keyIds = everyKey(keys).map((key) => keyIdOf(key, purpose));
  const hmac = (key: KeyObject, value: string | Buffer) => createHmac('sha256', key).update(value).digest('hex');
  const candidates = (value: string | Buffer) => [hmac(current!, value), ...fallbacks.map((key) => hmac(key, value))];
  return Object.assign((value: string | Buffer) => hmac(current!, value), {
    keyId: keyIds[0]!,
    keyIds: Object.freeze(keyIds),
    candidates,
    matches: (value: string | Buffer, hashed: string) =>
      candidates(value).reduce((found, candidate) => constantTimeEqual(candidate, hashed) || found, false),
  });
}

function derivedKey(secretKey: string, purpose: string): KeyObject {
  return createSecretKey(Buffer.from(hkdfSync('sha256', secretKey, 'membergraph', purpose, 32)));
}

/** 64 bits derived apart from the hashing key: they tell keys apart and tell nothing of either. */
function keyIdOf(secretKey: string, purpose: string): string {
  return Buffer.from(hkdfSync('sha256', secretKey, 'membergraph', `${purpose} key id`, 8)).toString('hex');
}
