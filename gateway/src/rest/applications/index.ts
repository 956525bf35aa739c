import { defineFamilyRoutes } from '../families.js';
import type { RouteDefinition } from '../route.js';
import { applicationRoutes } from './applications.js';

/** seed 004 `/api/v1/applications*`: the OAuth applications administrators register. */
export const applicationsRoutes: readonly RouteDefinition[] = defineFamilyRoutes('oauth', applicationRoutes);
