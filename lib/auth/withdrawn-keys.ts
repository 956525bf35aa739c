import { ACCESS_TOKEN_TTL_SECONDS, CLOCK_SKEW_SECONDS } from './access-token.js';

/**
 * A signing key withdrawn in an emergency (a leaked private key) travels to every verifier as an
 * entry of the revocation store, beside the ended sessions: the same Redis keys and announcements,
 * the same feed, the same mirror. Its id cannot meet a session's (sessions are UUIDs). Every
 * verifier already holds the key in its cached key set and may remember tokens it signed; checking
 * the store for the token's `kid` at every request refuses them within the store's delay instead.
 */
const WITHDRAWN_KEY_PREFIX = 'signing-key:';

export function withdrawnKeyEntry(kid: string): string {
  return `${WITHDRAWN_KEY_PREFIX}${kid}`;
}

/**
 * How long the entry lives: as long as a token's lifetime plus clock skew, far longer than any
 * verifier keeps a key set (jose re-reads it after 10 minutes, identity after 30 s), after which
 * the withdrawn key, gone from the JWKS, verifies nothing anywhere and the entry may lapse.
 */
export function withdrawalHorizon(withdrawnAt: Date): number {
  return Math.ceil(withdrawnAt.getTime() / 1000) + ACCESS_TOKEN_TTL_SECONDS + 2 * CLOCK_SKEW_SECONDS;
}
