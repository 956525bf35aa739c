import type { GraphQLFormattedError } from 'graphql';
import { errorCatalog, isErrorCode, statusOf } from './catalog.js';

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

/**
 * Apollo `formatError`: catalog errors and request errors pass through; anything else (a bug, a
 * database error) becomes INTERNAL with no message, stack or details of its own.
 */
export function formatGraphQLError(formatted: GraphQLFormattedError): GraphQLFormattedError {
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
  return {
    message: errorCatalog.INTERNAL.message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: 'INTERNAL', http: { status: errorCatalog.INTERNAL.status } },
  };
}
