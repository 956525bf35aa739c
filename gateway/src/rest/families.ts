import { AppError, errorCatalog, type ErrorCode } from '../../../lib/errors/index.js';

/**
 * The three legacy contracts speak three error dialects. Each family turns one catalog error into its
 * own status and body, and (for seed 003) wraps successes in an envelope.
 */
export type RestFamily = 'internal' | 'member' | 'oauth';

/**
 * The routes of one folder, in its family: set once there (the folder's index), not on each route.
 * REST declarations become RouteDefinitions, raw ones RawRouteDefinitions.
 */
export function defineFamilyRoutes<R extends object>(
  family: RestFamily,
  routes: readonly R[],
): readonly (R & { readonly family: RestFamily })[] {
  return routes.map((route) => ({ ...route, family }));
}

/** Which legacy dialect a path speaks, for errors raised before a route is matched. */
export function familyForPath(path: string): RestFamily {
  if (path.startsWith('/internal')) return 'internal';
  if (path.startsWith('/api/v1/members')) return 'member';
  return 'oauth';
}

export interface RenderedError {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * seed 000: `{"detail": "<code>"}` in lower snake case; a validation failure lists its problems
 * (`{"detail": [{"loc", "msg", "type"}]}`), as the legacy FastAPI service did.
 */
function renderInternal(error: AppError): RenderedError {
  return { status: error.status, body: { detail: error.details['detail'] ?? error.code.toLowerCase() } };
}

/** seed 003: numeric codes with the documented HTTP statuses. */
export const memberErrorCodes: Record<ErrorCode, { readonly code: number; readonly status: number }> = {
  UNAUTHENTICATED: { code: 29501000, status: 401 },
  INVALID_TOKEN: { code: 29501000, status: 401 },
  INVALID_CREDENTIALS: { code: 29501000, status: 401 },
  MFA_REQUIRED: { code: 29501000, status: 401 },
  FORBIDDEN: { code: 29505000, status: 403 },
  OTP_INVALID: { code: 29505000, status: 403 },
  EMAIL_NOT_VERIFIED: { code: 29505000, status: 403 },
  NOT_FOUND: { code: 29301000, status: 404 },
  // go-zero's router answered another method on a known path 405 with `Allow` (and no body); the
  // envelope's code is seed 003's for a request it cannot take.
  METHOD_NOT_ALLOWED: { code: 10101000, status: 405 },
  CONFLICT: { code: 29303000, status: 409 },
  TOTP_ALREADY_ENROLLED: { code: 29303000, status: 409 },
  TOTP_NOT_ENROLLED: { code: 29309000, status: 409 },
  OTP_LOCKED: { code: 29309000, status: 409 },
  VALIDATION_FAILED: { code: 10101000, status: 400 },
  // seed 003 documents no 413: too large is a malformed parameter there.
  PAYLOAD_TOO_LARGE: { code: 10101000, status: 400 },
  // Nor 415: a body it cannot read, in whatever way, is a malformed parameter as well.
  BAD_REQUEST: { code: 10101000, status: 400 },
  UNSUPPORTED_MEDIA_TYPE: { code: 10101000, status: 400 },
  RATE_LIMITED: { code: 29604000, status: 429 },
  OTP_COOLDOWN: { code: 29604000, status: 429 },
  OTP_DAILY_LIMIT: { code: 29310000, status: 429 },
  NOT_CONFIGURED: { code: 29605000, status: 501 },
  // 資料庫錯誤 is the database failing; a dependency that refused (an SMS provider, say) is one more
  // internal failure (系統內部錯誤): seed 003 documents only these two 500s.
  DATABASE_ERROR: { code: 29201000, status: 500 },
  SERVICE_UNAVAILABLE: { code: 29601000, status: 500 },
  INTERNAL: { code: 29601000, status: 500 },
};
/** seed 003: a required field is missing (distinct from a malformed one). */
export const MEMBER_FIELD_REQUIRED = 29104000;
export const MEMBER_SUCCESS = { code: 102000, message: 'SUCCESS' } as const;

function renderMember(error: AppError): RenderedError {
  const mapped = memberErrorCodes[error.code];
  const code = error.details['required'] === true ? MEMBER_FIELD_REQUIRED : mapped.code;
  return { status: mapped.status, body: { code, message: error.message } };
}

/** seed 004: `{"error", "message", "details"}` with the standard statuses. */
function renderOAuth(error: AppError): RenderedError {
  const { required: _required, ...details } = error.details;
  return {
    status: error.status,
    body: {
      error: typeof details['error'] === 'string' ? details['error'] : error.code.toLowerCase(),
      message: error.message,
      details,
    },
  };
}

export function renderError(family: RestFamily, error: AppError): RenderedError {
  switch (family) {
    case 'internal':
      return renderInternal(error);
    case 'member':
      return renderMember(error);
    case 'oauth':
      return renderOAuth(error);
  }
}

export function renderSuccess(family: RestFamily, data: unknown): unknown {
  return family === 'member' ? { ...MEMBER_SUCCESS, data: data ?? null } : data;
}

/** Anything that is not a catalog error is reported as INTERNAL, with nothing of its own. */
export function asAppError(error: unknown): AppError {
  return error instanceof AppError ? error : new AppError('INTERNAL', errorCatalog.INTERNAL.message, { cause: error });
}
