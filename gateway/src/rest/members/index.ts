import { defineFamilyRoutes } from '../families.js';
import type { RouteDefinition } from '../route.js';
import { profileRoutes } from './profile.js';
import { totpRoutes } from './totp.js';
import { verificationRoutes } from './verification.js';

/** seed 003 `/api/v1/members/me*`: every route answers in the `{code, message, data}` envelope. */
export const memberRoutes: readonly RouteDefinition[] = defineFamilyRoutes('member', [
  ...profileRoutes,
  ...verificationRoutes,
  ...totpRoutes,
]);
