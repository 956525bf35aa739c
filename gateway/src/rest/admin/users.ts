import { z } from 'zod';
import { hasRole } from '../../../../lib/auth/policies.js';
import type { Principal } from '../../../../lib/auth/principal.js';
import { AppError } from '../../../../lib/errors/index.js';
import { OAuthAdminUserDocument, OAuthAdminUsersDocument, OAuthSetUserRoleDocument } from '../../generated/graphql.js';
import { pageNumber } from '../paging.js';
import { declareRoute, type RouteDeclaration } from '../route.js';
import { adminUserResponse, legacyRole, toAdminUserResponse, toGraphQLRole } from '../oauth-shapes.js';

const tags = ['oauth: admin'];
const unauthorized = 'No bearer token, or it is invalid, expired or of an ended session';
// Identity decides who may act on whom (shield and its admin service); these routes only translate.
const notAdmin = 'The caller is not an administrator';
const notSystemAdmin = 'The caller is not a system administrator (seed 004: "System Admin only")';
const userId = z.object({ user_id: z.uuid() });

/**
 * seed 004 marks the user list and role changes "System Admin only" (the rest "Admin only"). GraphQL
 * keeps a group admin's tenant-scoped powers; these legacy paths answer as the legacy service did.
 */
function requireSystemAdmin(principal: Principal): void {
  if (!hasRole(principal, 'SYSTEM_ADMIN')) throw new AppError('FORBIDDEN', 'Only a system administrator can do this');
}

/** seed 004 `/api/v1/admin/users*`: a group admin reads one user of its own tenant; the rest is system admins'. */
export const adminUserRoutes: readonly RouteDeclaration[] = [
  declareRoute({
    method: 'get',
    path: '/api/v1/admin/users',
    auth: 'bearer',
    rateLimit: 'admin',
    summary: 'Every user, oldest first (system admins only)',
    tags,
    query: z.object({
      page: pageNumber(),
      limit: z.coerce.number().int().min(1).max(100).default(20),
      role: legacyRole.optional(),
      search: z.string().max(200).optional().describe('Part of an email, username, full name or subject id'),
    }),
    response: z.object({
      items: z.array(adminUserResponse),
      total: z.number().int(),
      page: z.number().int(),
      limit: z.number().int(),
    }),
    errors: { 401: unauthorized, 403: notSystemAdmin, 422: 'Malformed paging or an unknown role' },
    async handle({ query, principal, graphql }) {
      requireSystemAdmin(principal);
      const { users } = await graphql(OAuthAdminUsersDocument, {
        page: query.page,
        limit: query.limit,
        role: query.role ? toGraphQLRole(query.role) : null,
        search: query.search ?? null,
      });
      return {
        body: { items: users.items.map(toAdminUserResponse), total: users.total, page: users.page, limit: users.limit },
      };
    },
  }),
  declareRoute({
    method: 'get',
    path: '/api/v1/admin/users/:user_id',
    auth: 'bearer',
    rateLimit: 'admin',
    summary: 'One user the caller administers',
    tags,
    params: userId,
    response: adminUserResponse,
    errors: {
      401: unauthorized,
      403: notAdmin,
      404: 'No such user, or not in the group admin’s tenant',
      422: 'user_id is not a UUID',
    },
    async handle({ params, graphql }) {
      const { user } = await graphql(OAuthAdminUserDocument, { id: params.user_id });
      return { body: toAdminUserResponse(user) };
    },
  }),
  declareRoute({
    method: 'put',
    path: '/api/v1/admin/users/:user_id/role',
    auth: 'bearer',
    rateLimit: 'admin',
    summary: "Changes a user's role (system admins only); the user's sessions end, so it signs in again",
    tags,
    params: userId,
    body: z.object({ role: legacyRole }),
    response: adminUserResponse,
    errors: {
      401: unauthorized,
      403: 'Not a system administrator, or one’s own role',
      404: 'No such user',
      409: 'The last active system admin cannot be demoted',
      422: 'user_id is not a UUID, or the role is unknown',
    },
    async handle({ params, body, principal, graphql }) {
      requireSystemAdmin(principal);
      const { setUserRole } = await graphql(OAuthSetUserRoleDocument, {
        userId: params.user_id,
        role: toGraphQLRole(body.role),
      });
      return { body: toAdminUserResponse(setUserRole) };
    },
  }),
];
