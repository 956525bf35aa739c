import { adminRoutes } from './admin/index.js';
import { applicationsRoutes } from './applications/index.js';
import { authRawRoutes, authRoutes } from './auth/index.js';
import { internalRoutes } from './internal/index.js';
import { memberRoutes } from './members/index.js';
import type { RawRouteDefinition } from './raw-route.js';
import type { RouteDefinition } from './route.js';
import { usersRawRoutes, usersRoutes } from './users/index.js';

/**
 * Every documented legacy path, one declaration each, in a folder per path family: seed 000
 * `/internal/*` (internal/), seed 003 `/api/v1/members/*` (members/), seed 004's `/api/v1/auth/*`,
 * `/api/v1/users/me*`, `/api/v1/admin/*` and `/api/v1/applications*` (auth/, users/, admin/,
 * applications/). Each folder's index sets its family (families.ts).
 */
export const legacyRoutes: readonly RouteDefinition[] = [
  ...internalRoutes,
  ...memberRoutes,
  ...authRoutes,
  ...usersRoutes,
  ...adminRoutes,
  ...applicationsRoutes,
];

/** The legacy paths the route table cannot express, served by plain Express handlers (raw-route.ts). */
export const legacyRawRoutes: readonly RawRouteDefinition[] = [...authRawRoutes, ...usersRawRoutes];
