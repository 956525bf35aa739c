import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../../../../lib/crypto/constant-time.js';

/** The only method accepted: `plain` would hand the verifier to whoever sees the authorization request. */
export const PKCE_METHOD = 'S256';

/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const verifierPattern = /^[A-Za-z0-9\-._~]{43,128}$/;
/** BASE64URL(SHA-256(verifier)) without padding: always 43 characters. */
const challengePattern = /^[A-Za-z0-9_-]{43}$/;

export type ChallengeCheck =
  { readonly ok: true; readonly challenge: string | null } | { readonly ok: false; readonly description: string };

/**
 * The PKCE parameters of an authorization request. A challenge without a method means `plain`
 * (RFC 7636 §4.3), which is refused like an explicit `plain`. `required` is set for public clients.
 */
export function checkChallenge(
  challenge: string | null | undefined,
  method: string | null | undefined,
  required: boolean,
): ChallengeCheck {
  if (!challenge) {
    if (method) return { ok: false, description: 'code_challenge_method was sent without code_challenge' };
    return required
      ? { ok: false, description: 'This client must use PKCE: send code_challenge with code_challenge_method=S256' }
      : { ok: true, challenge: null };
  }
  if ((method ?? 'plain') !== PKCE_METHOD) {
    return { ok: false, description: 'Only code_challenge_method=S256 is supported' };
  }
  if (!challengePattern.test(challenge)) {
    return { ok: false, description: 'code_challenge must be the 43-character BASE64URL of a SHA-256 digest' };
  }
  return { ok: true, challenge };
}

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** RFC 7636 §4.6, compared in constant time. A malformed verifier never matches. */
export function verifierMatches(verifier: string, challenge: string): boolean {
  if (!verifierPattern.test(verifier)) return false;
  return constantTimeEqual(s256(verifier), challenge);
}
