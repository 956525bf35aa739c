import { createHash } from 'node:crypto';
import { OPENID_SCOPE } from '../../../../lib/oidc/claims.js';

/**
 * OIDC Core §3.1.3.6 `at_hash`: the left half of the access token's hash under the ID token's `alg`,
 * base64url. SHA-256 for both ES256 and RS256.
 */
export function accessTokenHash(accessToken: string): string {
  const digest = createHash('sha256').update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** Whether a grant signs the user in to the application (OIDC): an ID token goes with its tokens. */
export const isOpenIdGrant = (scopes: readonly string[]): boolean => scopes.includes(OPENID_SCOPE);
