import type { Request, Response } from 'express';
import { AppError } from '../../../../lib/errors/index.js';
import type { Logger } from '../../../../lib/logging/logger.js';
import type { ApplicationTokenRequestInput } from '../../generated/graphql.js';
import { NO_STORE_HEADERS } from '../../http/no-store.js';

/** An RFC 6749 §5.2 error, answered as `{error, error_description}`. */
export class TokenEndpointError extends Error {
  constructor(
    readonly error: string,
    readonly status: number,
    description: string,
  ) {
    super(description);
  }
}

export const invalidRequest = (description: string) => new TokenEndpointError('invalid_request', 400, description);

/** RFC 6749 §5.2 allows only these characters in error_description. */
const describe = (message: string) => message.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, ' ');

/** Identity's catalog errors carry the RFC code in `details.error`; anything else is ours. */
export function toTokenEndpointError(error: unknown, logger: Logger): TokenEndpointError {
  if (error instanceof TokenEndpointError) return error;
  if (error instanceof AppError) {
    const code = typeof error.details['error'] === 'string' ? error.details['error'] : undefined;
    if (code) return new TokenEndpointError(code, code === 'invalid_client' ? 401 : 400, error.message);
    if (error.code === 'VALIDATION_FAILED') return invalidRequest(error.message);
    if (error.code === 'SERVICE_UNAVAILABLE') {
      return new TokenEndpointError('temporarily_unavailable', 503, 'Try again shortly');
    }
  }
  logger.error({ err: error instanceof AppError ? (error.originalError ?? error) : error }, 'token endpoint failed');
  return new TokenEndpointError('server_error', 500, 'Internal error');
}

export function sendTokenEndpointError(res: Response, error: TokenEndpointError, basic: boolean): void {
  res.set(NO_STORE_HEADERS);
  // RFC 6749 §5.2: a client that authenticated with the Authorization header gets a challenge back.
  if (error.status === 401 && basic) res.set('WWW-Authenticate', 'Basic realm="membergraph", charset="UTF-8"');
  res.status(error.status).json({ error: error.error, error_description: describe(error.message) });
}

interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** RFC 6749 §2.3.1: `Basic base64(urlencode(client_id) ":" urlencode(client_secret))`; other schemes are ignored. */
function basicCredentials(authorization: string | undefined): ClientCredentials | undefined {
  if (!authorization || !/^Basic\s/i.test(authorization)) return undefined;
  const malformed = new TokenEndpointError('invalid_client', 401, 'The Basic credentials are malformed');
  const encoded = /^Basic\s+([A-Za-z0-9+/]+=*)\s*$/i.exec(authorization)?.[1];
  const decoded = encoded ? Buffer.from(encoded, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon < 1) throw malformed;
  const unescape = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '));
  try {
    return { clientId: unescape(decoded.slice(0, colon)), clientSecret: unescape(decoded.slice(colon + 1)) };
  } catch {
    throw malformed;
  }
}

/** One form parameter; RFC 6749 §3.2 forbids sending one twice. */
function parameter(body: Record<string, unknown>, name: string): string | null {
  const value = body[name];
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string') throw invalidRequest(`${name} is repeated`);
  return value;
}

/**
 * The client authentication of a form (already parsed): client_secret_basic or client_secret_post,
 * never both, or none (a public client).
 */
export function clientAuthentication(req: Request): {
  clientId: string | null;
  clientSecret: string | null;
  basic: boolean;
} {
  if (!req.is('application/x-www-form-urlencoded')) {
    throw invalidRequest('The body must be application/x-www-form-urlencoded');
  }
  const body = (req.body ?? {}) as Record<string, unknown>;
  const basic = basicCredentials(req.headers.authorization);
  const clientId = parameter(body, 'client_id');
  const clientSecret = parameter(body, 'client_secret');
  if (basic && clientSecret !== null) throw invalidRequest('Use one client authentication method, not two');
  if (basic && clientId !== null && clientId !== basic.clientId) {
    throw invalidRequest('client_id differs from the one in the Authorization header');
  }
  return {
    basic: basic !== undefined,
    clientId: basic?.clientId ?? clientId,
    clientSecret: basic?.clientSecret ?? clientSecret,
  };
}

/** A form parameter of an already parsed body (null when absent; refused when repeated). */
export function formParameter(req: Request, name: string): string | null {
  return parameter((req.body ?? {}) as Record<string, unknown>, name);
}

/** The token request of a form (already parsed) and its client authentication. */
export function tokenRequest(req: Request): { input: ApplicationTokenRequestInput; basic: boolean } {
  const { basic, clientId, clientSecret } = clientAuthentication(req);
  const body = (req.body ?? {}) as Record<string, unknown>;
  return {
    basic,
    input: {
      grantType: parameter(body, 'grant_type') ?? '',
      clientId,
      clientSecret,
      code: parameter(body, 'code'),
      redirectUri: parameter(body, 'redirect_uri'),
      codeVerifier: parameter(body, 'code_verifier'),
      refreshToken: parameter(body, 'refresh_token'),
      scope: parameter(body, 'scope'),
    },
  };
}
