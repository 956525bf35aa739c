import { GraphQLError } from 'graphql';

/**
 * The one catalog of error codes (DESIGN §3). Every service raises these; GraphQL carries the code in
 * `extensions.code` and the status in `extensions.http.status`; each REST family maps the same code to
 * its own legacy shape (gateway/src/rest/families.ts).
 */
export const errorCatalog = {
  UNAUTHENTICATED: { status: 401, message: 'Authentication is required' },
  INVALID_CREDENTIALS: { status: 401, message: 'Invalid email or password' },
  INVALID_TOKEN: { status: 401, message: 'The token is invalid or expired' },
  MFA_REQUIRED: { status: 401, message: 'A second factor is required' },
  /** REQUIRE_VERIFIED_EMAIL: the password was right, the address is not verified yet. */
  EMAIL_NOT_VERIFIED: { status: 403, message: 'Verify your e-mail address before signing in' },
  FORBIDDEN: { status: 403, message: 'You are not allowed to do this' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  /** A known REST path asked with a method it does not take (the answer lists them in `Allow`). */
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method Not Allowed' },
  CONFLICT: { status: 409, message: 'The resource conflicts with an existing one' },
  VALIDATION_FAILED: { status: 422, message: 'The input is invalid' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  /** A request that cannot be read at all: undecodable bytes, a path with broken %-encoding. */
  BAD_REQUEST: { status: 400, message: 'The request is malformed' },
  /** A body in a charset or Content-Encoding the gateway does not read. */
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body is in an unsupported format' },
  RATE_LIMITED: { status: 429, message: 'Too many requests' },
  OTP_COOLDOWN: { status: 429, message: 'A code was sent recently; wait before asking again' },
  OTP_DAILY_LIMIT: { status: 429, message: 'The daily verification limit is reached' },
  OTP_LOCKED: { status: 409, message: 'Too many wrong codes; this challenge is locked' },
  OTP_INVALID: { status: 403, message: 'The code is invalid' },
  TOTP_ALREADY_ENROLLED: { status: 409, message: 'An authenticator is already enrolled' },
  TOTP_NOT_ENROLLED: { status: 409, message: 'No authenticator is enrolled' },
  NOT_CONFIGURED: { status: 501, message: 'This feature is not configured' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'A dependency is unavailable' },
  /** The database refused or failed a statement (formatGraphQLError sets it; nobody throws it). */
  DATABASE_ERROR: { status: 500, message: 'A database error occurred' },
  INTERNAL: { status: 500, message: 'Internal error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalog;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCatalog, value);
}

export function statusOf(code: ErrorCode): number {
  return errorCatalog[code].status;
}

export interface AppErrorOptions {
  /** Safe, user-facing structured details (field errors, retry-after...). Never internals. */
  readonly details?: Record<string, unknown>;
  readonly cause?: unknown;
}

/** The only error type services throw on purpose. Anything else is masked as INTERNAL. */
export class AppError extends GraphQLError {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message?: string, options: AppErrorOptions = {}) {
    const status = statusOf(code);
    const details = options.details ?? {};
    // No `extensions.http` here: Apollo Server would turn it into the HTTP status of the whole
    // response (a subgraph answering 401 breaks the gateway). formatGraphQLError adds it to the body.
    super(message ?? errorCatalog[code].message, {
      originalError: options.cause instanceof Error ? options.cause : undefined,
      extensions: { code, ...(Object.keys(details).length > 0 ? { details } : {}) },
    });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.details = details;
  }

  /**
   * For failures before execution (the context function: a bad token). These do set the HTTP
   * status of the response, as nothing of the request ran.
   */
  toRequestError(): GraphQLError {
    return new GraphQLError(this.message, {
      extensions: { code: this.code, http: { status: this.status } },
    });
  }
}
