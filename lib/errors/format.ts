import { DriverException } from '@mikro-orm/postgresql';
import type { GraphQLFormattedError } from 'graphql';
import pg from 'pg';
import { errorCatalog, isErrorCode, statusOf, type ErrorCode } from './catalog.js';

/** Codes that Apollo Server and graphql-js raise for malformed requests; safe to pass through. */
const requestErrorCodes = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

/** MikroORM wraps what the driver raises (SQL errors, lost connections, pool timeouts); raw pg may not. */
function isDatabaseFailure(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; depth += 1) {
    if (cause instanceof DriverException || cause instanceof pg.DatabaseError) return true;
    cause = (cause as { originalError?: unknown }).originalError ?? cause.cause;
  }
  return false;
}

/**
 * Apollo `formatError`: catalog errors and request errors pass through; anything else becomes
 * DATABASE_ERROR (the database failed) or INTERNAL (a bug, a dependency), with no message, stack or
 * details of its own. `error` is the raised error with its cause, when Apollo passes it; the log
 * plugin (log-plugin.ts) records that cause.
 */
export function formatGraphQLError(formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.['code'];
  const details = formatted.extensions?.['details'];
  if (isErrorCode(code)) {
    // Only what the catalog defines leaves: a downstream `response` body or stack never does.
    return {
      ...formatted,
      extensions: { code, http: { status: statusOf(code) }, ...(details !== undefined ? { details } : {}) },
    };
  }
  if (typeof code === 'string' && requestErrorCodes.has(code)) {
    const extensions: Record<string, unknown> = { code, http: { status: 400 } };
    // type-graphql argument validation: keep the field list, never the submitted values (passwords).
    const validationErrors = formatted.extensions?.['validationErrors'];
    if (Array.isArray(validationErrors)) {
      extensions['validationErrors'] = validationErrors.map((v: { property?: string; constraints?: unknown }) => ({
        property: v.property,
        constraints: v.constraints,
      }));
    }
    return { ...formatted, extensions };
  }
  const masked: ErrorCode = isDatabaseFailure(error) ? 'DATABASE_ERROR' : 'INTERNAL';
  return {
    message: errorCatalog[masked].message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: masked, http: { status: statusOf(masked) } },
  };
}
