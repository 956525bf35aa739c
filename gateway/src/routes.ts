import type { BrowserPath } from './http/cors.js';
import type { RateLimitedRoute } from './limits/route-classes.js';
import { openIdRawRoutes } from './oidc/index.js';
import { authorizePageRoutes } from './pages/authorize-routes.js';
import { selfServicePageRoutes } from './pages/self-service/routes.js';
import { platformRoutes } from './platform/routes.js';
import type { RawRouteDefinition } from './rest/raw-route.js';
import type { RouteDefinition } from './rest/route.js';
import { browserPaths } from './rest/router.js';
import { legacyRawRoutes } from './rest/routes.js';

/** The raw routes of the legacy families and the hosted pages, in the order they are mounted. */
export const rawRoutes: readonly RawRouteDefinition[] = [
  ...legacyRawRoutes,
  ...authorizePageRoutes,
  ...selfServicePageRoutes,
  ...openIdRawRoutes,
];

/**
 * Every route the gateway serves but `/graphql`, in the order server.ts mounts them (platform, raw,
 * REST), each with the budget it declares: the whole of the rate limiter's path classification.
 */
export function declaredRoutes(restRoutes: readonly RouteDefinition[]): readonly RateLimitedRoute[] {
  return [...platformRoutes, ...rawRoutes, ...restRoutes];
}

/** What browser applications of registered origins may call: bearer-token routes, the token endpoints. */
export function browserRoutes(restRoutes: readonly RouteDefinition[]): BrowserPath[] {
  const raw = rawRoutes.filter((route) => route.cors).map((route) => ({ path: route.path, methods: [route.method] }));
  return [...browserPaths(restRoutes), ...raw];
}

/** The routes a request can be refused at before it reaches them (rate limits, bodies): metrics name those too. */
export function refusableRoutes(restRoutes: readonly RouteDefinition[]): readonly { readonly path: string }[] {
  return [...restRoutes, ...rawRoutes.filter((route) => route.rateLimit !== 'unlimited')];
}
