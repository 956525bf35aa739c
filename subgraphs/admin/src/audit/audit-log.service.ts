import type { FilterQuery } from '@mikro-orm/postgresql';
import type { Principal } from '../../../../lib/auth/principal.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { AppError } from '../../../../lib/errors/index.js';
import { AuditEntry } from './audit-entry.entity.js';

export interface AuditLogFilter {
  /** Entries by or about this user. */
  readonly userId?: string | null;
  readonly applicationId?: string | null;
  readonly action?: string | null;
  /** Inclusive. */
  readonly from?: Date | null;
  /** Exclusive. */
  readonly to?: Date | null;
}

export interface AuditLogPage {
  readonly items: AuditEntry[];
  readonly total: number;
  readonly page: number;
  readonly limit: number;
}

export const AUDIT_LOG_PAGE_MAX = 100;

/**
 * The audit log as administrators read it: newest first, filtered, paged. A group admin sees its own
 * tenant's entries only; a system admin sees every tenant's.
 */
export async function searchAuditLog(
  em: EntityManager,
  principal: Principal,
  filter: AuditLogFilter,
  page: number,
  limit: number,
): Promise<AuditLogPage> {
  if (principal.kind !== 'user' || (principal.role !== 'SYSTEM_ADMIN' && principal.role !== 'GROUP_ADMIN'))
    throw new AppError('FORBIDDEN');
  if (!Number.isInteger(page) || page < 1) throw new AppError('VALIDATION_FAILED', 'page must be 1 or more');
  if (!Number.isInteger(limit) || limit < 1 || limit > AUDIT_LOG_PAGE_MAX)
    throw new AppError('VALIDATION_FAILED', `limit must be between 1 and ${AUDIT_LOG_PAGE_MAX}`);
  if (filter.from && filter.to && filter.from >= filter.to)
    throw new AppError('VALIDATION_FAILED', 'the start must be before the end');

  const where: FilterQuery<AuditEntry>[] = [];
  if (principal.role === 'GROUP_ADMIN') where.push({ tenantId: principal.tenantId });
  if (filter.userId) where.push({ $or: [{ subjectUserId: filter.userId }, { actorUserId: filter.userId }] });
  if (filter.applicationId) where.push({ applicationId: filter.applicationId });
  if (filter.action) where.push({ action: filter.action });
  if (filter.from) where.push({ occurredAt: { $gte: filter.from } });
  if (filter.to) where.push({ occurredAt: { $lt: filter.to } });
  const [items, total] = await em.findAndCount(AuditEntry, where.length > 0 ? { $and: where } : {}, {
    orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
    limit,
    offset: (page - 1) * limit,
  });
  return { items, total, page, limit };
}
