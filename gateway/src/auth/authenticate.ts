import type { IncomingHttpHeaders } from 'node:http';
import { bearerToken, type AccessTokenVerifier } from '../../../lib/auth/access-token.js';
import { verifyLiveToken } from '../../../lib/auth/live-token.js';
import { anonymous, type Principal } from '../../../lib/auth/principal.js';
import type { SessionRevocations } from '../../../lib/auth/revocation.js';
import { AppError } from '../../../lib/errors/index.js';

/**
 * The gateway authenticates each request once (rate limits, introspection policy and the REST layer
 * read the result) and refuses tokens of sessions that have ended (logout, password change), which
 * their signature alone cannot tell. Subgraphs verify the forwarded token again themselves, the same way.
 */
export async function authenticate(
  headers: IncomingHttpHeaders,
  verifier: AccessTokenVerifier,
  revocations: SessionRevocations,
): Promise<Principal> {
  const token = bearerToken(headers.authorization);
  if (!token) return anonymous;
  const principal = await verifyLiveToken(token, verifier, revocations);
  // Service tokens never come from outside: API clients present their keys instead (api-clients.ts).
  if (principal.kind !== 'user') throw new AppError('INVALID_TOKEN');
  return principal;
}
