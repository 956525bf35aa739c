import type { IncomingHttpHeaders } from 'node:http';
import { bearerToken, type AccessTokenVerifier } from '../../../lib/auth/access-token.js';
import { anonymous, type Principal } from '../../../lib/auth/principal.js';

/**
 * The gateway authenticates each request once (rate limits, introspection policy and the REST layer
 * read the result). Subgraphs verify the forwarded token again themselves.
 */
export async function authenticate(headers: IncomingHttpHeaders, verifier: AccessTokenVerifier): Promise<Principal> {
  const token = bearerToken(headers.authorization);
  return token ? verifier.verify(token) : anonymous;
}
