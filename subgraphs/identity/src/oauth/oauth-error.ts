import { AppError, type ErrorCode } from '../../../../lib/errors/index.js';

/** RFC 6749 error codes (§4.1.2.1 authorization, §5.2 token) this server answers with. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  // OpenID Connect Core §3.1.2.6, redirected only.
  | 'login_required'
  | 'consent_required'
  | 'request_not_supported'
  | 'request_uri_not_supported';

/**
 * Each OAuth error travels as a catalog error whose `details.error` names the RFC code: seed 004's
 * `{error, message, details}` shows it as `error`, and the standard token endpoint maps it to the
 * RFC's own status (gateway/src/rest/auth/token-endpoint.ts).
 */
const catalogCodes: Record<OAuthErrorCode, ErrorCode> = {
  invalid_request: 'VALIDATION_FAILED',
  invalid_client: 'UNAUTHENTICATED',
  invalid_grant: 'INVALID_TOKEN',
  unauthorized_client: 'FORBIDDEN',
  unsupported_grant_type: 'VALIDATION_FAILED',
  unsupported_response_type: 'VALIDATION_FAILED',
  invalid_scope: 'VALIDATION_FAILED',
  access_denied: 'FORBIDDEN',
  login_required: 'UNAUTHENTICATED',
  consent_required: 'FORBIDDEN',
  request_not_supported: 'VALIDATION_FAILED',
  request_uri_not_supported: 'VALIDATION_FAILED',
};

export function oauthError(error: OAuthErrorCode, description: string, details: Record<string, unknown> = {}) {
  return new AppError(catalogCodes[error], description, { details: { ...details, error } });
}
