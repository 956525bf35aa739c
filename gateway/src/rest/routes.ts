import { internalRoutes } from './internal/index.js';
import { memberRoutes } from './member/index.js';
import { oauthRoutes } from './oauth/index.js';
import type { RouteDefinition } from './route.js';

/**
 * Every documented legacy path, one declaration each. Domain issues add their routes here
 * (seed 000 `/internal/*`, seed 003 `/api/v1/members/*`, seed 004 `/api/v1/*`).
 */
export const legacyRoutes: readonly RouteDefinition[] = [...internalRoutes, ...memberRoutes, ...oauthRoutes];
