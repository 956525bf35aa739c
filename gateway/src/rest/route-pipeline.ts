import { type z } from 'zod';
import type { Principal } from '../../../lib/auth/principal.js';
import { AppError } from '../../../lib/errors/index.js';
import { findUnstorableText, UNSTORABLE_TEXT_MESSAGE } from '../../../lib/http/storable-text.js';
import { renderSuccess, type RestFamily } from './families.js';
import { inLegacyTerms, requestValidationError } from './legacy-validation.js';
import type { RouteDefinition, RouteInput } from './route.js';

/** What the client sent, before the route's schemas have looked at it. */
export interface RawRouteRequest {
  readonly params: unknown;
  readonly query: unknown;
  readonly body: unknown;
}

/** A route's answer, rendered in its family's success shape; errors are thrown as AppError. */
export interface RouteAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
  readonly readableBy?: readonly string[];
}

/**
 * Validates one part of the request (params, query, body) against the route's schema, after the
 * rule every part of every route shares, declared schema or not: no string the database cannot
 * store (lib/http/storable-text.ts).
 */
function parsePart<S extends z.ZodType>(family: RestFamily, schema: S | undefined, value: unknown, where: string) {
  const unstorable = findUnstorableText(value);
  if (unstorable) {
    throw requestValidationError(
      family,
      [{ code: 'invalid_format', path: unstorable, message: UNSTORABLE_TEXT_MESSAGE }],
      where,
    );
  }
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw requestValidationError(family, parsed.error.issues, where);
  return parsed.data;
}

/**
 * Everything a declared route does between an authenticated request and its answer, without HTTP:
 * validation, the handler, legacy field names in its errors, the response held to its declared
 * shape (undeclared fields stripped) and the family's envelope. The router serves it over Express;
 * unit tests run it with a fake `graphql` (test/support/route-harness.ts).
 */
export async function runRoute(
  route: RouteDefinition,
  request: RawRouteRequest,
  principal: Principal,
  graphql: RouteInput<unknown, unknown, unknown>['graphql'],
): Promise<RouteAnswer> {
  const params = parsePart(route.family, route.params, request.params, 'params');
  const query = parsePart(route.family, route.query, request.query, 'query');
  const body = parsePart(route.family, route.body, request.body ?? {}, 'body');
  const result = await route.handle({ params, query, body, principal, graphql }).catch((error: unknown) => {
    // The handler's validation errors name GraphQL inputs: in the legacy body's terms here.
    throw route.legacyFieldNames ? inLegacyTerms(route.family, error, route.legacyFieldNames) : error;
  });
  const shaped = route.response.safeParse(result.body);
  if (!shaped.success) {
    throw new AppError('INTERNAL', undefined, {
      cause: new Error(`Response of ${route.path} breaks its contract: ${shaped.error.message}`),
    });
  }
  return {
    status: result.status ?? route.successStatus ?? 200,
    body: renderSuccess(route.family, shaped.data),
    ...(result.headers ? { headers: result.headers } : {}),
    ...(result.readableBy ? { readableBy: result.readableBy } : {}),
  };
}
