import type { RouteDefinition } from '../route.js';
import { adminAuditRoutes } from './admin-audit.js';
import { adminUserRoutes } from './admin-users.js';
import { applicationRoutes } from './applications.js';
import { authRoutes } from './auth.js';
import { authorizeRoutes } from './authorize.js';
import { myApplicationRoutes } from './my-applications.js';
import { profilePictureRoutes } from './profile-picture.js';
import { tokenRoutes } from './token.js';
import { usersMeRoutes } from './users-me.js';

/** seed 004: the legacy OAuth service's `/api/v1/*` paths, in its `{error, message, details}` dialect. */
export const oauthRoutes: readonly RouteDefinition[] = [
  ...authRoutes,
  ...authorizeRoutes,
  ...tokenRoutes,
  ...usersMeRoutes,
  ...myApplicationRoutes,
  ...profilePictureRoutes,
  ...adminUserRoutes,
  ...adminAuditRoutes,
  ...applicationRoutes,
];
