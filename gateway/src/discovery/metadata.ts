import type { RequestHandler } from 'express';
import { ACCESS_TOKEN_ALGORITHM } from '../../../lib/auth/access-token.js';
import { CLAIM_SCOPES, ID_TOKEN_CLAIMS, OPENID_SCOPE, PROFILE_CLAIMS } from '../../../lib/oidc/claims.js';
import { ID_TOKEN_SIGNING_ALGORITHMS } from '../../../lib/oidc/id-token-algorithms.js';

/** Where the hosted sign-in and consent pages answer (gateway/src/pages): browsers start here. */
export const AUTHORIZATION_ENDPOINT_PATH = '/oauth/authorize';
/** RFC 6749's form-encoded token endpoint (gateway/src/rest/auth/token-endpoint.ts). */
export const TOKEN_ENDPOINT_PATH = '/oauth/token';
/** RFC 7009 and RFC 7662 (gateway/src/rest/auth/token-status-endpoints.ts). */
export const REVOCATION_ENDPOINT_PATH = '/oauth/revoke';
export const INTROSPECTION_ENDPOINT_PATH = '/oauth/introspect';
/** OpenID Connect RP-Initiated Logout (gateway/src/oidc/end-session-route.ts). */
export const END_SESSION_ENDPOINT_PATH = '/oauth/logout';
/** OpenID Connect UserInfo (gateway/src/oidc/userinfo-route.ts). */
export const USERINFO_ENDPOINT_PATH = '/oauth/userinfo';

/**
 * Authorization-server metadata (RFC 8414) and OpenID Provider metadata (OpenID Connect Discovery 1.0
 * §3), one document served at `/.well-known/openid-configuration` and
 * `/.well-known/oauth-authorization-server`. It lists only what this server does: the authorization
 * code flow with PKCE (S256) for registered applications, refresh-token rotation, and OpenID Connect
 * on that flow (scope `openid`: ID tokens signed ES256, or RS256 for an application registered so,
 * with the keys at `jwks_uri`; public subject identifiers). What it leaves out it does not do: no implicit or hybrid response types, no request
 * objects, no `claims` parameter, no pairwise subjects. Access tokens are RFC 9068-style JWTs,
 * verifiable with the same keys.
 */
export function authorizationServerMetadata(issuer: string) {
  return {
    issuer,
    authorization_endpoint: `${issuer}${AUTHORIZATION_ENDPOINT_PATH}`,
    token_endpoint: `${issuer}${TOKEN_ENDPOINT_PATH}`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    userinfo_endpoint: `${issuer}${USERINFO_ENDPOINT_PATH}`,
    end_session_endpoint: `${issuer}${END_SESSION_ENDPOINT_PATH}`,
    revocation_endpoint: `${issuer}${REVOCATION_ENDPOINT_PATH}`,
    // Public clients revoke with their client_id alone (RFC 7009 §2.1 lets the server decide).
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    introspection_endpoint: `${issuer}${INTROSPECTION_ENDPOINT_PATH}`,
    // Confidential clients only.
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    code_challenge_methods_supported: ['S256'],
    // The scopes of identity's subgraphs/identity/src/oauth/scopes.ts.
    scopes_supported: ['read', 'write', OPENID_SCOPE, ...CLAIM_SCOPES],
    // RFC 9207: every authorization response carries `iss`, against mix-up attacks.
    authorization_response_iss_parameter_supported: true,
    // Not defined by RFC 8414: the algorithm that signs the access tokens.
    access_token_signing_alg_values_supported: [ACCESS_TOKEN_ALGORITHM],
    // OpenID Connect Discovery §3 (RS256 required). ES256 by default; each application may choose.
    id_token_signing_alg_values_supported: [...ID_TOKEN_SIGNING_ALGORITHMS],
    subject_types_supported: ['public'],
    // OIDC Core §3.1.2.1 (identity's authorization.service.ts PROMPT_VALUES; the hosted pages act on them).
    prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
    // The ID token's own, and the profile claims a member's sharing flags may release (lib/oidc/claims.ts).
    claims_supported: [...ID_TOKEN_CLAIMS, ...PROFILE_CLAIMS],
    claim_types_supported: ['normal'],
    claims_parameter_supported: false,
    // Discovery's defaults for these two are true: said false, as no request object is read.
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
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
