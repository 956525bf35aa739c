import { UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import type { UserPrincipal } from '../../../../lib/auth/principal.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { AppError } from '../../../../lib/errors/index.js';
import { recordEvent } from '../../../../lib/events/record.js';
import type { RequestOrigin } from '../../../../lib/http/origin.js';
import { Tenant } from './tenant.entity.js';

/** Tenants are created and listed by system administrators. */
export class TenantService {
  list(em: EntityManager): Promise<Tenant[]> {
    return em.find(Tenant, {}, { orderBy: { createdAt: 'asc' } });
  }

  async create(em: EntityManager, admin: UserPrincipal, input: { slug: string; name: string }, origin: RequestOrigin) {
    const tenant = em.create(Tenant, { slug: input.slug, name: input.name.trim() });
    recordEvent(em, {
      type: 'tenant.created',
      tenantId: tenant.id,
      actorUserId: admin.userId,
      origin,
      payload: { slug: input.slug },
    });
    try {
      await em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new AppError('CONFLICT', 'A tenant with this slug already exists', { details: { field: 'slug' } });
      }
      throw error;
    }
    return tenant;
  }
}
