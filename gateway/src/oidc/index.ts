import { defineFamilyRoutes } from '../rest/families.js';
import type { RawRouteDefinition } from '../rest/raw-route.js';
import { endSessionRoutes } from './end-session-route.js';
import { userInfoRoutes } from './userinfo-route.js';

/** OpenID Connect's endpoints beside the authorization server's, in seed 004's OAuth family. */
export const openIdRawRoutes: readonly RawRouteDefinition[] = defineFamilyRoutes('oauth', [
  ...userInfoRoutes,
  ...endSessionRoutes,
]);
