import { defineFamilyRoutes } from '../families.js';
import type { RawRouteDefinition } from '../raw-route.js';
import type { RouteDefinition } from '../route.js';
import { myApplicationRoutes } from './my-applications.js';
import { profilePictureMediaRoute } from './profile-picture-media.js';
import { profilePictureRoutes } from './profile-picture.js';
import { usersMeRoutes } from './users-me.js';

/** seed 004 `/api/v1/users/me*`: the signed-in user's own account, applications and picture. */
export const usersRoutes: readonly RouteDefinition[] = defineFamilyRoutes('oauth', [
  ...usersMeRoutes,
  ...myApplicationRoutes,
  ...profilePictureRoutes,
]);

/** The public URLs of the pictures uploaded here (`/media/profile-pictures/*`). */
export const usersRawRoutes: readonly RawRouteDefinition[] = defineFamilyRoutes('oauth', [profilePictureMediaRoute]);
