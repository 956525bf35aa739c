import type { RequestHandler } from 'express';
import { ACCESS_TOKEN_ALGORITHM } from '../../../lib/auth/access-token.js';

/** Where the hosted sign-in and consent pages answer (gateway/src/pages): browsers start here. */
export const AUTHORIZATION_ENDPOINT_PATH = '/oauth/authorize';
/** RFC 6749's form-encoded token endpoint (gateway/src/rest/auth/token-endpoint.ts). */
export const TOKEN_ENDPOINT_PATH = '/oauth/token';

/**
 * Authorization-server metadata (RFC 8414). It lists only what this server does: the authorization
 * code flow with PKCE (S256) for registered applications, and refresh-token rotation. It is served at
 * `/.well-known/oauth-authorization-server` and, for clients that only look there, at
 * `/.well-known/openid-configuration` (RFC 8414 §5: that name is reused for general OAuth 2.0
 * metadata). This server is not an OpenID Provider: it issues no ID tokens and has no UserInfo
 * endpoint, so OpenID Connect Discovery's provider-only values (`id_token_signing_alg_values_supported`,
 * `subject_types_supported`, `claims_supported`, `userinfo_endpoint`) are left out, not claimed.
 * Access tokens are RFC 9068-style JWTs, verifiable with the keys at `jwks_uri`.
 */
export function authorizationServerMetadata(issuer: string) {
  return {
    issuer,
    authorization_endpoint: `${issuer}${AUTHORIZATION_ENDPOINT_PATH}`,
    token_endpoint: `${issuer}${TOKEN_ENDPOINT_PATH}`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    code_challenge_methods_supported: ['S256'],
    // The scopes of identity's subgraphs/identity/src/oauth/scopes.ts.
    scopes_supported: ['read', 'write'],
    // RFC 9207: every authorization response carries `iss`, against mix-up attacks.
    authorization_response_iss_parameter_supported: true,
    // Not defined by RFC 8414: the algorithm that signs the access tokens.
    access_token_signing_alg_values_supported: [ACCESS_TOKEN_ALGORITHM],
    service_documentation: `${issuer}/openapi.json`,
    // seed 004's JSON endpoints: the POST authorization endpoint (bearer token of the user, answers 302)
    // and the token endpoint taking a JSON body with client_secret_post.
    legacy_authorization_endpoint: `${issuer}/api/v1/auth/authorize`,
    legacy_token_endpoint: `${issuer}/api/v1/auth/token`,
  };
}

export function serveMetadata(issuer: string): RequestHandler {
  const body = authorizationServerMetadata(issuer);
  return (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(body);
  };
}
