import { recordEvent } from '../../../lib/events/record.js';
import { UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import type { EntityManager } from '../../../lib/db/orm.js';
import type { Logger } from '../../../lib/logging/logger.js';
import { DEFAULT_TENANT_SLUG, Tenant } from './tenant/tenant.entity.js';
import { hashPassword } from './user/password.js';
import { UserAccount } from './user/user.entity.js';

/** The default tenant exists on every installation; concurrent replicas may race to create it. */
export async function ensureDefaultTenant(em: EntityManager): Promise<Tenant> {
  const existing = await em.findOne(Tenant, { slug: DEFAULT_TENANT_SLUG });
  if (existing) return existing;
  try {
    const tenant = em.create(Tenant, { slug: DEFAULT_TENANT_SLUG, name: 'Default' });
    await em.persistAndFlush(tenant);
    return tenant;
  } catch (error) {
    if (!(error instanceof UniqueConstraintViolationException)) throw error;
    em.clear();
    return em.findOneOrFail(Tenant, { slug: DEFAULT_TENANT_SLUG });
  }
}

/**
 * BOOTSTRAP_ADMIN_EMAIL/PASSWORD: create that system admin when no account has the email. An existing
 * account is left alone (its password is never reset by a restart).
 */
export async function ensureBootstrapAdmin(
  em: EntityManager,
  admin: { email: string; password: string },
  logger: Logger,
): Promise<void> {
  if (await em.count(UserAccount, { email: admin.email })) return;
  const tenant = await ensureDefaultTenant(em);
  try {
    const account = em.create(UserAccount, {
      email: admin.email,
      tenant,
      role: 'SYSTEM_ADMIN',
      displayName: 'Administrator',
      passwordHash: await hashPassword(admin.password),
    });
    recordEvent(em, {
      type: 'user.created',
      tenantId: tenant.id,
      subjectUserId: account.id,
      payload: { email: account.email, role: account.role, via: 'bootstrap' },
    });
    await em.persistAndFlush(account);
    logger.info({ email: admin.email }, 'bootstrap system admin created');
  } catch (error) {
    if (!(error instanceof UniqueConstraintViolationException)) throw error;
  }
}
