import type { RequestHandler } from 'express';
import { ACCESS_TOKEN_ALGORITHM } from '../../../lib/auth/access-token.js';

/**
 * Authorization-server metadata (RFC 8414), served as OpenID discovery too. It lists only what this
 * server does; the authorization-code endpoints join it with the OAuth applications.
 */
export function authorizationServerMetadata(issuer: string) {
  return {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    grant_types_supported: ['password', 'refresh_token'],
    token_endpoint_auth_methods_supported: ['none'],
    scopes_supported: ['openid', 'profile', 'email'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [ACCESS_TOKEN_ALGORITHM],
    // RFC 9068-style JWT access tokens, signed with the keys at jwks_uri.
    access_token_signing_alg_values_supported: [ACCESS_TOKEN_ALGORITHM],
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'sid', 'tid', 'role', 'scope', 'amr', 'auth_time'],
    service_documentation: `${issuer}/openapi.json`,
  };
}

export function serveMetadata(issuer: string): RequestHandler {
  const body = authorizationServerMetadata(issuer);
  return (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(body);
  };
}
