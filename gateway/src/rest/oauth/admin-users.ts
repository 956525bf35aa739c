import { z } from 'zod';
import { OAuthAdminUserDocument, OAuthAdminUsersDocument, OAuthSetUserRoleDocument } from '../../generated/graphql.js';
import { pageNumber } from '../paging.js';
import { defineRoute, type RouteDefinition } from '../route.js';
import { adminUserResponse, legacyRole, toAdminUserResponse, toGraphQLRole } from './shapes.js';

const tags = ['oauth: admin'];
const unauthorized = 'No bearer token, or it is invalid, expired or of an ended session';
// Identity decides who may act on whom (shield and its admin service); these routes only translate.
const notAdmin = 'The caller is not an administrator';
const userId = z.object({ user_id: z.uuid() });

/** seed 004 `/api/v1/admin/users*`: a group admin sees and manages its own tenant only. */
export const adminUserRoutes: readonly RouteDefinition[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/admin/users',
    family: 'oauth',
    auth: 'bearer',
    summary: 'Users the caller administers, oldest first (a group admin: its own tenant only)',
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
    errors: { 401: unauthorized, 403: notAdmin, 422: 'Malformed paging or an unknown role' },
    async handle({ query, graphql }) {
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
  defineRoute({
    method: 'get',
    path: '/api/v1/admin/users/:user_id',
    family: 'oauth',
    auth: 'bearer',
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
  defineRoute({
    method: 'put',
    path: '/api/v1/admin/users/:user_id/role',
    family: 'oauth',
    auth: 'bearer',
    summary: "Changes a user's role; the user's sessions end, so it signs in again",
    tags,
    params: userId,
    body: z.object({ role: legacyRole }),
    response: adminUserResponse,
    errors: {
      401: unauthorized,
      403: 'Not an administrator, a group admin granting system_admin or touching a system admin, or one’s own role',
      404: 'No such user, or not in the group admin’s tenant',
      409: 'The last active system admin cannot be demoted',
      422: 'user_id is not a UUID, or the role is unknown',
    },
    async handle({ params, body, graphql }) {
      const { setUserRole } = await graphql(OAuthSetUserRoleDocument, {
        userId: params.user_id,
        role: toGraphQLRole(body.role),
      });
      return { body: toAdminUserResponse(setUserRole) };
    },
  }),
];
