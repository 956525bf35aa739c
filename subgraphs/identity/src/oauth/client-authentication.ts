import type { EntityManager } from '../../../../lib/db/orm.js';
import { OAuthApplication } from './application.entity.js';
import { secretMatches } from './client-credentials.js';
import { oauthError } from './oauth-error.js';

/** How a client authenticates at the token, revocation and introspection endpoints. */
export interface ClientCredentialsInput {
  readonly clientId?: string | null;
  readonly clientSecret?: string | null;
}

/**
 * RFC 6749 §2.3: confidential clients prove their secret; public clients send none (PKCE protects
 * their codes). Every failure is `invalid_client`.
 */
export async function authenticateClient(
  em: EntityManager,
  request: ClientCredentialsInput,
  options: { readonly confidentialOnly?: boolean } = {},
): Promise<OAuthApplication> {
  const failed = (why: string) => oauthError('invalid_client', `Client authentication failed: ${why}`);
  if (!request.clientId) throw failed('no client_id');
  const application = await em.findOne(
    OAuthApplication,
    { clientId: request.clientId, deletedAt: null },
    { populate: ['clientSecretHash'] },
  );
  if (!application) throw failed('unknown client');
  if (application.clientType === 'public') {
    if (options.confidentialOnly) throw failed('only confidential clients may call this endpoint');
    if (request.clientSecret) throw failed('a public client has no secret');
    return application;
  }
  if (!request.clientSecret) throw failed('client_secret is required');
  if (!application.clientSecretHash || !secretMatches(application.clientSecretHash, request.clientSecret)) {
    throw failed('wrong client_secret');
  }
  return application;
}
