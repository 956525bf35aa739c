import { defineFamilyRoutes } from '../families.js';
import type { RouteDefinition } from '../route.js';
import { adminAuditRoutes } from './audit.js';
import { adminUserRoutes } from './users.js';

/** seed 004 `/api/v1/admin/*`: users, the audit log and statistics, for administrators. */
export const adminRoutes: readonly RouteDefinition[] = defineFamilyRoutes('oauth', [
  ...adminUserRoutes,
  ...adminAuditRoutes,
]);
