import { defineFamilyRoutes } from '../families.js';
import type { RawRouteDefinition } from '../raw-route.js';
import type { RouteDefinition } from '../route.js';
import { authorizeRoutes } from './authorize.js';
import { signInRoutes } from './sign-in.js';
import { tokenEndpointRoute } from './token-endpoint.js';
import { introspectionEndpointRoute, revocationEndpointRoute } from './token-status-endpoints.js';
import { tokenRoutes } from './token.js';

/** seed 004 `/api/v1/auth/*`: sign-in, refresh, the JSON authorization and token endpoints. */
export const authRoutes: readonly RouteDefinition[] = defineFamilyRoutes('oauth', [
  ...signInRoutes,
  ...authorizeRoutes,
  ...tokenRoutes,
]);

/** RFC 6749's form-encoded `POST /oauth/token` (beside seed 004's JSON one), RFC 7009 revocation, RFC 7662 introspection. */
export const authRawRoutes: readonly RawRouteDefinition[] = defineFamilyRoutes('oauth', [
  tokenEndpointRoute,
  revocationEndpointRoute,
  introspectionEndpointRoute,
]);
