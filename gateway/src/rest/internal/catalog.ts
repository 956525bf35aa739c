import { z } from 'zod';
import {
  InternalCompaniesDocument,
  InternalModulesDocument,
  InternalPermissionSnapshotDocument,
  InternalSitesDocument,
  InternalSystemsDocument,
} from '../../generated/graphql.js';
import { declareRoute, type RouteDeclaration } from '../route.js';
import { clientRefusals, legacyStatus, page, pagingQuery, toLegacyScopeType, toLegacyStatus } from './shapes.js';

const tags = ['internal: catalog'];
const errors = {
  ...clientRefusals,
  422: 'limit is not an integer from 1 to 1000, or offset is not an integer of 0 or more',
} as const;

/** seed 000 catalog reads, oldest first; the API client needs the `catalog:read` scope. */
export const catalogRoutes: readonly RouteDeclaration[] = [
  declareRoute({
    method: 'get',
    path: '/internal/systems',
    auth: 'api-client',
    rateLimit: 'internal',
    summary: 'Systems, oldest first',
    tags,
    query: z.object(pagingQuery(200)),
    response: page(z.object({ id: z.string(), system_key: z.string(), name: z.string(), status: legacyStatus })),
    errors,
    async handle({ query, graphql }) {
      const { systems } = await graphql(InternalSystemsDocument, { limit: query.limit, offset: query.offset });
      return {
        body: {
          items: systems.items.map((s) => ({
            id: s.id,
            system_key: s.systemKey,
            name: s.name,
            status: toLegacyStatus(s.status),
          })),
          total: systems.total,
          limit: systems.limit,
          offset: systems.offset,
        },
      };
    },
  }),
  declareRoute({
    method: 'get',
    path: '/internal/modules',
    auth: 'api-client',
    rateLimit: 'internal',
    summary: 'Modules of every system, oldest first',
    tags,
    query: z.object(pagingQuery(500)),
    response: page(
      z.object({
        id: z.string(),
        module_key: z.string(),
        system_key: z.string(),
        name: z.string(),
        status: legacyStatus,
      }),
    ),
    errors,
    async handle({ query, graphql }) {
      const { modules } = await graphql(InternalModulesDocument, { limit: query.limit, offset: query.offset });
      return {
        body: {
          items: modules.items.map((m) => ({
            id: m.id,
            module_key: m.moduleKey,
            system_key: m.systemKey,
            name: m.name,
            status: toLegacyStatus(m.status),
          })),
          total: modules.total,
          limit: modules.limit,
          offset: modules.offset,
        },
      };
    },
  }),
  declareRoute({
    method: 'get',
    path: '/internal/companies',
    auth: 'api-client',
    rateLimit: 'internal',
    summary: 'Companies, oldest first',
    tags,
    query: z.object({
      keyword: z.string().max(200).optional().describe('Part of the name or key, case-insensitive'),
      ...pagingQuery(500),
    }),
    response: page(z.object({ id: z.string(), company_key: z.string(), name: z.string(), status: legacyStatus })),
    errors,
    async handle({ query, graphql }) {
      const { companies } = await graphql(InternalCompaniesDocument, {
        keyword: query.keyword ?? null,
        limit: query.limit,
        offset: query.offset,
      });
      return {
        body: {
          items: companies.items.map((c) => ({
            id: c.id,
            company_key: c.companyKey,
            name: c.name,
            status: toLegacyStatus(c.status),
          })),
          total: companies.total,
          limit: companies.limit,
          offset: companies.offset,
        },
      };
    },
  }),
  declareRoute({
    method: 'get',
    path: '/internal/sites',
    auth: 'api-client',
    rateLimit: 'internal',
    summary: 'Sites, oldest first, optionally of one company',
    tags,
    query: z.object({
      company_key: z.string().max(200).optional().describe('Business key of the company whose sites to list'),
      ...pagingQuery(500),
    }),
    response: page(
      z.object({
        id: z.string(),
        site_key: z.string(),
        company_key: z.string(),
        name: z.string(),
        status: legacyStatus,
      }),
    ),
    errors,
    async handle({ query, graphql }) {
      const { sites } = await graphql(InternalSitesDocument, {
        companyKey: query.company_key ?? null,
        limit: query.limit,
        offset: query.offset,
      });
      return {
        body: {
          items: sites.items.map((s) => ({
            id: s.id,
            site_key: s.siteKey,
            company_key: s.companyKey,
            name: s.name,
            status: toLegacyStatus(s.status),
          })),
          total: sites.total,
          limit: sites.limit,
          offset: sites.offset,
        },
      };
    },
  }),
  declareRoute({
    method: 'get',
    path: '/internal/permissions/:user_sub/snapshot',
    auth: 'api-client',
    rateLimit: 'internal',
    summary: "Every grant of one user, by the user's subject",
    tags,
    params: z.object({ user_sub: z.string().min(1).max(255) }),
    response: z.object({
      user_sub: z.string(),
      permissions: z.array(
        z.object({
          scope_type: z.enum(['site', 'company']),
          scope_id: z.string().describe('Business key of the site or company'),
          system: z.string().describe('System key'),
          module: z.string().describe('Module key'),
          actions: z.array(z.string()),
        }),
      ),
    }),
    errors: clientRefusals,
    async handle({ params, graphql }) {
      const { permissionSnapshot } = await graphql(InternalPermissionSnapshotDocument, { userSub: params.user_sub });
      return {
        body: {
          user_sub: permissionSnapshot.userSub,
          permissions: permissionSnapshot.permissions.map((p) => ({
            scope_type: toLegacyScopeType(p.scopeType),
            scope_id: p.scopeId,
            system: p.systemKey,
            module: p.moduleKey,
            actions: p.actions,
          })),
        },
      };
    },
  }),
];
