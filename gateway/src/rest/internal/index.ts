import { defineFamilyRoutes } from '../families.js';
import type { RouteDefinition } from '../route.js';
import { catalogRoutes } from './catalog.js';
import { userRoutes } from './users.js';

/** seed 000: the legacy `/internal/*` paths for API clients, in its `{"detail": …}` dialect. */
export const internalRoutes: readonly RouteDefinition[] = defineFamilyRoutes('internal', [
  ...catalogRoutes,
  ...userRoutes,
]);
