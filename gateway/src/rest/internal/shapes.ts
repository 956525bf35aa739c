import { z } from 'zod';
import type { CatalogStatus, ProvisionAction, ScopeType } from '../../generated/graphql.js';
import { GRAPHQL_INT_MAX } from '../paging.js';

/** seed 000 spells statuses, scope types and actions in lower case; GraphQL enums are upper case. */
const statuses: Record<CatalogStatus, 'active' | 'inactive'> = { ACTIVE: 'active', INACTIVE: 'inactive' };
export const legacyStatus = z.enum(['active', 'inactive']);
export const toLegacyStatus = (status: CatalogStatus) => statuses[status];

const scopeTypes: Record<ScopeType, 'site' | 'company'> = { SITE: 'site', COMPANY: 'company' };
export const toLegacyScopeType = (scopeType: ScopeType) => scopeTypes[scopeType];

const actions: Record<ProvisionAction, 'created' | 'updated'> = { CREATED: 'created', UPDATED: 'updated' };
export const toLegacyAction = (action: ProvisionAction) => actions[action];

/** `limit` and `offset` as the legacy service took them: integers, limit 1–1000, offset 0 or more. */
export function pagingQuery(defaultLimit: number) {
  return {
    limit: z.coerce.number().int().min(1).max(1000).default(defaultLimit).describe('1 to 1000'),
    offset: z.coerce.number().int().min(0).max(GRAPHQL_INT_MAX).default(0).describe('0 or more'),
  };
}

/** `{items, total, limit, offset}` around one item shape. */
export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });
}

/** The refusals every `/internal` route can answer (seed 000 `detail` codes). */
export const clientRefusals = {
  401: 'invalid_client (no or unknown X-Client-Key, disabled client), invalid_api_key or client_expired',
  403: 'origin_not_allowed, ip_not_allowed, path_not_allowed, or forbidden (the client lacks the scope)',
} as const;
