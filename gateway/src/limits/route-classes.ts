import type { RateLimitClass } from '../../../lib/http/rate-limit-class.js';

/** A route's budget: one of the classes, or none (what pollers and browsers fetch freely). */
export type RouteRateLimit = RateLimitClass | 'unlimited';

/** What the limiter reads of every route the gateway serves: REST, raw and platform routes alike. */
export interface RateLimitedRoute {
  /** The HTTP method as the route is declared (`get`, `post`, …). */
  readonly method: string;
  /** The Express path: fixed segments and `:param` segments. */
  readonly path: string;
  readonly rateLimit: RouteRateLimit;
}

/** Finds the declared route a request would run; undefined for a path no route declares. */
export type RouteClassifier = (method: string, path: string) => RateLimitedRoute | undefined;

const FIXED_SEGMENT = /^[A-Za-z0-9._~-]+$/;
const PARAM_SEGMENT = /^:[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The pattern Express 5 routes `path` with, at the app's defaults (router → path-to-regexp 8, neither
 * case sensitive nor strict): fixed segments in any case, each `:param` one non-empty segment, at
 * most one trailing slash. Only that syntax is accepted: a route written with more (wildcards,
 * optional groups) stops the gateway at start-up rather than draw on a budget Express would not give it.
 */
export function expressPathPattern(path: string): RegExp {
  const segments = path.split('/').slice(1);
  if (!path.startsWith('/') || segments.some((s) => !FIXED_SEGMENT.test(s) && !PARAM_SEGMENT.test(s)))
    throw new Error(`Route path ${path} uses syntax the rate limiter cannot match as Express does`);
  const source = segments.map((s) => (s.startsWith(':') ? '[^/]+' : s.replace(/\./g, '\\.'))).join('/');
  return new RegExp(`^/${source}/?$`, 'i');
}

/**
 * The route Express would run, in mount order: the first whose path matches and that takes the
 * method (HEAD is served by GET routes); for another method on a declared path (a 404 or 405), the
 * path's first route, so that no method dodges the budget of its path.
 */
export function routeClassifier(routes: readonly RateLimitedRoute[]): RouteClassifier {
  const compiled = routes.map((route) => ({
    route,
    method: route.method.toUpperCase(),
    pattern: expressPathPattern(route.path),
  }));
  return (method, path) => {
    const asked = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
    // One pass, stopping at the answer: the gateway asks this for every request.
    let firstOfPath: RateLimitedRoute | undefined;
    for (const candidate of compiled) {
      if (!candidate.pattern.test(path)) continue;
      if (candidate.method === asked) return candidate.route;
      firstOfPath ??= candidate.route;
    }
    return firstOfPath;
  };
}
