import type { AccessTokenVerifier } from './access-token.js';
import { AppError } from '../errors/index.js';
import type { ServicePrincipal, UserPrincipal } from './principal.js';
import type { SessionRevocations } from './revocation.js';
import { withdrawnKeyEntry } from './withdrawn-keys.js';

/**
 * A verified access token whose session has not ended (logout, password change, refresh-token
 * reuse) and whose signing key has not been withdrawn: its signature alone cannot tell either. The
 * gateway and every subgraph ask the same questions of the same store, so a subgraph reached
 * directly is no way around a logout.
 */
export async function verifyLiveToken(
  token: string,
  verifier: AccessTokenVerifier,
  revocations: SessionRevocations,
): Promise<UserPrincipal | ServicePrincipal> {
  const principal = await verifier.verify(token);
  if (principal.keyId !== undefined && (await revocations.isRevoked(withdrawnKeyEntry(principal.keyId))))
    throw new AppError('INVALID_TOKEN', 'The key that signed the token has been withdrawn');
  if (principal.kind === 'user' && (await revocations.isRevoked(principal.sessionId)))
    throw new AppError('INVALID_TOKEN', 'The session has ended');
  return principal;
}
