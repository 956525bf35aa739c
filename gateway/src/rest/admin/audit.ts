import { z } from 'zod';
import { OAuthAuditLogsDocument, OAuthStatisticsDocument } from '../../generated/graphql.js';
import { pageNumber } from '../paging.js';
import { declareRoute, type RouteDeclaration } from '../route.js';

const tags = ['oauth: admin'];
const unauthorized = 'No bearer token, or it is invalid, expired or of an ended session';
const notAdmin = 'The caller is not an administrator';
const DAY_MS = 86_400_000;
const dateOnly = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `YYYY-MM-DD` (a whole UTC day: the start of it, or for an end date the start of the next, so the
 * end day is included) or an ISO 8601 instant with its offset (taken as is).
 */
function dateBound(edge: 'start' | 'end') {
  return z
    .string()
    .refine(
      (v) =>
        (dateOnly.test(v) || z.iso.datetime({ offset: true }).safeParse(v).success) && !Number.isNaN(Date.parse(v)),
      {
        message: 'must be a date (YYYY-MM-DD) or an ISO 8601 date-time',
      },
    )
    .transform((v) => {
      const at = new Date(dateOnly.test(v) ? `${v}T00:00:00Z` : v);
      return dateOnly.test(v) && edge === 'end' ? new Date(at.getTime() + DAY_MS) : at;
    });
}

const auditEntry = z.object({
  id: z.string(),
  action: z.string().describe('The event type, e.g. user.login, user.role_changed'),
  user_id: z.string().nullable().describe('Whom the entry is about'),
  actor_id: z.string().nullable().describe('Who did it (null: the system or someone not signed in)'),
  app_id: z.string().nullable(),
  tenant_id: z.string().nullable(),
  ip_address: z.string().nullable(),
  user_agent: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  created_at: z.iso.datetime(),
});

/** seed 004 `/api/v1/admin/audit-logs` and `/api/v1/admin/statistics`. */
export const adminAuditRoutes: readonly RouteDeclaration[] = [
  declareRoute({
    method: 'get',
    path: '/api/v1/admin/audit-logs',
    auth: 'bearer',
    rateLimit: 'admin',
    summary: 'The audit log, newest first (a group admin: its own tenant only)',
    tags,
    query: z.object({
      user_id: z.uuid().optional().describe('Entries by or about this user'),
      app_id: z.string().max(200).optional(),
      action: z.string().max(100).optional(),
      start_date: dateBound('start').optional().describe('Inclusive'),
      end_date: dateBound('end').optional().describe('Inclusive for a date, exclusive for a date-time'),
      page: pageNumber(),
      limit: z.coerce.number().int().min(1).max(100).default(20),
    }),
    response: z.object({
      items: z.array(auditEntry),
      total: z.number().int(),
      page: z.number().int(),
      limit: z.number().int(),
    }),
    errors: {
      401: unauthorized,
      403: notAdmin,
      422: 'Malformed filter or paging, or start_date not before end_date',
    },
    async handle({ query, graphql }) {
      const { auditLogs } = await graphql(OAuthAuditLogsDocument, {
        filter: {
          userId: query.user_id ?? null,
          applicationId: query.app_id ?? null,
          action: query.action ?? null,
          from: query.start_date?.toISOString() ?? null,
          to: query.end_date?.toISOString() ?? null,
        },
        page: query.page,
        limit: query.limit,
      });
      return {
        body: {
          items: auditLogs.items.map((entry) => ({
            id: entry.id,
            action: entry.action,
            user_id: entry.subjectUserId,
            actor_id: entry.actorUserId,
            app_id: entry.applicationId,
            tenant_id: entry.tenantId,
            ip_address: entry.ipAddress,
            user_agent: entry.userAgent,
            details: entry.details as Record<string, unknown>,
            created_at: entry.occurredAt,
          })),
          total: auditLogs.total,
          page: auditLogs.page,
          limit: auditLogs.limit,
        },
      };
    },
  }),
  declareRoute({
    method: 'get',
    path: '/api/v1/admin/statistics',
    auth: 'bearer',
    rateLimit: 'admin',
    summary: 'Platform figures; "today" is the current UTC day (a group admin: its own tenant only)',
    tags,
    response: z.object({
      total_users: z.number().int(),
      active_users_today: z.number().int().describe('Distinct accounts that signed in today'),
      total_applications: z.number().int(),
      total_authentications_today: z
        .number()
        .int()
        .describe('Credential sign-ins today (API login or hosted page); an OAuth sign-in counts once'),
      top_applications: z.array(
        z.object({ app_id: z.string(), name: z.string().nullable(), authentications: z.number().int() }),
      ),
    }),
    errors: { 401: unauthorized, 403: notAdmin },
    async handle({ graphql }) {
      const { statistics: s } = await graphql(OAuthStatisticsDocument);
      return {
        body: {
          total_users: s.totalUsers,
          active_users_today: s.activeUsersToday,
          total_applications: s.totalApplications,
          total_authentications_today: s.totalAuthenticationsToday,
          top_applications: s.topApplications.map((t) => ({
            app_id: t.applicationId,
            name: t.name,
            authentications: t.authentications,
          })),
        },
      };
    },
  }),
];
