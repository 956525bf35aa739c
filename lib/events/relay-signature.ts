import { createKeyedHasher } from '../crypto/keyed-hash.js';
import type { SecretKeys } from '../crypto/secret-key.js';

/** The header carrying the relay's HMAC of the request body. */
export const RELAY_SIGNATURE_HEADER = 'x-membergraph-relay-signature';

/**
 * Subgraphs hand events to admin over the internal network; the body is signed with a key derived
 * from the SECRET_KEY every service shares, so nothing else that reaches admin's port can forge an
 * audit entry or a webhook. Replays are harmless: admin accepts each event id once.
 */
export function relaySigner(secretKeys: SecretKeys) {
  const sign = createKeyedHasher(secretKeys, 'event-relay');
  return {
    sign,
    verify: (body: Buffer, signature: string | undefined): boolean =>
      signature !== undefined && sign.matches(body, signature),
  };
}
