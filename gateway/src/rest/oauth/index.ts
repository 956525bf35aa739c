import type { RouteDefinition } from '../route.js';
import { adminUserRoutes } from './admin-users.js';
import { authRoutes } from './auth.js';
import { usersMeRoutes } from './users-me.js';

/** seed 004: the legacy OAuth service's `/api/v1/*` paths, in its `{error, message, details}` dialect. */
export const oauthRoutes: readonly RouteDefinition[] = [...authRoutes, ...usersMeRoutes, ...adminUserRoutes];
