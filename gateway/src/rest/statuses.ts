import { AppError, type ErrorCode } from '../../../lib/errors/index.js';
import { renderError, type RestFamily } from './families.js';
import type { AuthScheme, RouteDefinition } from './route.js';

/** The status a family answers a catalog error with (seed 003 folds several into 400 and 500). */
function statusIn(family: RestFamily, code: ErrorCode): number {
  return renderError(family, new AppError(code)).status;
}

/** Describes each status once; the first description given to a status wins. */
function add(into: Map<number, string>, status: number, description: string): void {
  if (!into.has(status)) into.set(status, description);
}

const bearerSchemes: readonly AuthScheme[] = ['bearer', 'member'];

/**
 * What every route of a family and scheme can answer whatever its handler does: refusals of the
 * shared machinery (rate limits, body parsing, the storable-text rule, authentication) and failures.
 * Declared here once rather than by hand on each route, so no route can forget one.
 */
function sharedStatuses(route: RouteDefinition): Map<number, string> {
  const { family, auth } = route;
  const shared = new Map<number, string>();
  // Every REST route draws on a budget (route.ts rateLimit: a class, never `unlimited`).
  add(shared, statusIn(family, 'RATE_LIMITED'), 'Too many requests (see Retry-After)');
  add(shared, statusIn(family, 'VALIDATION_FAILED'), 'A path, query or body value is invalid');
  add(shared, statusIn(family, 'BAD_REQUEST'), 'The body is unreadable (malformed JSON) or the path is badly encoded');
  add(shared, statusIn(family, 'PAYLOAD_TOO_LARGE'), 'The body is larger than the route accepts');
  add(shared, statusIn(family, 'UNSUPPORTED_MEDIA_TYPE'), 'The body is in an unsupported format');
  if (auth !== 'none') add(shared, statusIn(family, 'UNAUTHENTICATED'), 'Missing or invalid credentials');
  if (bearerSchemes.includes(auth))
    add(shared, statusIn(family, 'FORBIDDEN'), "Not allowed (an application's token where a user's is required)");
  if (auth === 'api-client')
    add(shared, statusIn(family, 'FORBIDDEN'), 'The API client may not use this path or scope');
  // The legacy routers answered another method on a known path with 405 and `Allow` (router.ts).
  add(shared, statusIn(family, 'METHOD_NOT_ALLOWED'), 'Another method on this path (see Allow)');
  add(shared, statusIn(family, 'DATABASE_ERROR'), 'DATABASE_ERROR or INTERNAL: the server failed');
  add(shared, statusIn(family, 'SERVICE_UNAVAILABLE'), 'A dependency is unavailable');
  return shared;
}

/**
 * Every status a route can answer, with its description: its success, its own `errors`, then the
 * shared ones. The OpenAPI document and the router's status guard both read this, so they agree.
 */
export function declaredStatuses(route: RouteDefinition): ReadonlyMap<number, string> {
  const declared = new Map<number, string>();
  add(declared, route.successStatus ?? 200, 'Success');
  for (const [status, description] of Object.entries(route.errors)) add(declared, Number(status), description);
  for (const [status, description] of sharedStatuses(route)) add(declared, status, description);
  return declared;
}
