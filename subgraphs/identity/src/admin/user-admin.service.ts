import { LockMode, ref, type ObjectQuery } from '@mikro-orm/postgresql';
import type { Role, ServicePrincipal, UserPrincipal } from '../../../../lib/auth/principal.js';
import { containsPattern } from '../../../../lib/db/like.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { lockUntilCommit } from '../../../../lib/db/transaction-lock.js';
import { AppError } from '../../../../lib/errors/index.js';
import { recordEvent } from '../../../../lib/events/record.js';
import type { RequestOrigin } from '../../../../lib/http/origin.js';
import { removeSecondFactor } from '../mfa/second-factor.js';
import { EmailVerification } from '../email-verification/email-verification.entity.js';
import { PasswordResetTicket } from '../password-reset/password-reset-ticket.entity.js';
import { voidOpenTickets } from '../password-setup/password-setup.service.js';
import type { SessionService } from '../session/session.service.js';
import { Tenant } from '../tenant/tenant.entity.js';
import { lockAccount } from '../user/service-reach.js';
import { UserAccount } from '../user/user.entity.js';

export const USER_PAGE_MAX_LIMIT = 100;

export interface UserSearch {
  readonly search?: string | null;
  readonly role?: Role | null;
  readonly page: number;
  readonly limit: number;
}

export interface UserPage {
  readonly items: UserAccount[];
  readonly total: number;
  readonly page: number;
  readonly limit: number;
}

/**
 * What administrators may do to accounts. A system admin acts on every tenant; a group admin only on
 * its own tenant, never grants SYSTEM_ADMIN and never touches a system admin. Nobody changes their
 * own role or disables themselves, and the last active system admin cannot be demoted or disabled.
 * Changes end the user's sessions, since their tokens carry the old role, tenant or state; a role
 * change also voids unused password-setup tickets.
 */
export class UserAdminService {
  constructor(private readonly sessions: SessionService) {}

  /** Readers: administrators, and services holding the `users:read` scope (every tenant). */
  async list(em: EntityManager, admin: UserPrincipal | ServicePrincipal, query: UserSearch): Promise<UserPage> {
    if (!Number.isInteger(query.page) || query.page < 1)
      throw new AppError('VALIDATION_FAILED', 'page must be 1 or more');
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > USER_PAGE_MAX_LIMIT) {
      throw new AppError('VALIDATION_FAILED', `limit must be between 1 and ${USER_PAGE_MAX_LIMIT}`);
    }
    const where: ObjectQuery<UserAccount> = {
      ...this.scope(admin),
      ...(query.role ? { role: query.role } : {}),
    };
    const search = query.search?.trim();
    if (search) {
      const like = containsPattern(search);
      where.$or = [
        { email: { $ilike: like } },
        { username: { $ilike: like } },
        { displayName: { $ilike: like } },
        { externalSub: { $ilike: like } },
      ];
    }
    const [items, total] = await em.findAndCount(UserAccount, where, {
      orderBy: { createdAt: 'asc', id: 'asc' },
      limit: query.limit,
      offset: (query.page - 1) * query.limit,
    });
    return { items, total, page: query.page, limit: query.limit };
  }

  /** NOT_FOUND for a user outside the admin's reach: whether it exists elsewhere is not said. */
  async get(em: EntityManager, admin: UserPrincipal | ServicePrincipal, userId: string): Promise<UserAccount> {
    const account = await em.findOne(UserAccount, { id: userId, ...this.scope(admin) });
    if (!account) throw new AppError('NOT_FOUND', 'No such user');
    return account;
  }

  async setRole(em: EntityManager, admin: UserPrincipal, userId: string, role: Role, origin: RequestOrigin) {
    const found = await this.manageable(em, admin, userId);
    if (admin.role !== 'SYSTEM_ADMIN' && role === 'SYSTEM_ADMIN') {
      throw new AppError('FORBIDDEN', 'Only a system administrator can grant SYSTEM_ADMIN');
    }
    // On the locked row, re-read: a password setup or provisioning change in flight for this account
    // (they take the same lock) finishes first, under the old role, or sees the new one.
    return em.transactional(async (tx) => {
      const account = await lockAccount(tx, { id: found.id, deletedAt: null });
      if (!account) throw new AppError('NOT_FOUND', 'No such user');
      this.refuseUnmanageable(admin, account);
      if (account.role === role) return account;
      if (account.role === 'SYSTEM_ADMIN') await this.keepOneSystemAdmin(tx, account.id);
      const previous = account.role;
      account.role = role;
      // A ticket issued under the old role (a service may issue one for an ordinary account) must not
      // sign in under the new one, as the sessions below must not.
      await voidOpenTickets(tx, account.id);
      await this.sessions.revokeUserSessions(tx, account.id, 'role_changed');
      recordEvent(tx, {
        type: 'user.role_changed',
        tenantId: account.tenant.id,
        actorUserId: admin.userId,
        subjectUserId: account.id,
        origin,
        payload: { from: previous, to: role },
      });
      return account;
    });
  }

  async setActive(em: EntityManager, admin: UserPrincipal, userId: string, isActive: boolean, origin: RequestOrigin) {
    const found = await this.manageable(em, admin, userId);
    if (found.isActive === isActive) return found;
    return em.transactional(async (tx) => {
      const account = await lockAccount(tx, { id: found.id, deletedAt: null });
      if (!account) throw new AppError('NOT_FOUND', 'No such user');
      this.refuseUnmanageable(admin, account);
      if (account.isActive === isActive) return account;
      if (!isActive && account.role === 'SYSTEM_ADMIN') await this.keepOneSystemAdmin(tx, account.id);
      account.isActive = isActive;
      if (!isActive) await this.sessions.revokeUserSessions(tx, account.id, 'deactivated');
      recordEvent(tx, {
        type: isActive ? 'user.activated' : 'user.deactivated',
        tenantId: account.tenant.id,
        actorUserId: admin.userId,
        subjectUserId: account.id,
        origin,
      });
      return account;
    });
  }

  /**
   * Removes a member's authenticator and backup codes, for one who lost both (or whose phone was
   * stolen): the member signs in with the password alone and may enroll again. Every session ends,
   * as the lost device may hold one. Not one's own (disableTotp asks for a code first), and a group
   * admin not a system admin's, as for every change here.
   */
  async removeAuthenticator(em: EntityManager, admin: UserPrincipal, userId: string, origin: RequestOrigin) {
    const found = await this.manageable(em, admin, userId);
    return em.transactional(async (tx) => {
      // The account row first, as verifyTotp and sign-in take it: a code judged meanwhile waits.
      const account = await lockAccount(tx, { id: found.id, deletedAt: null });
      if (!account) throw new AppError('NOT_FOUND', 'No such user');
      this.refuseUnmanageable(admin, account);
      if (!(await removeSecondFactor(tx, account.id))) throw new AppError('TOTP_NOT_ENROLLED');
      await this.sessions.revokeUserSessions(tx, account.id, 'authenticator_removed');
      recordEvent(tx, {
        type: 'user.totp_disabled',
        tenantId: account.tenant.id,
        actorUserId: admin.userId,
        subjectUserId: account.id,
        origin,
      });
      return account;
    });
  }

  /** System admins only (shield); the user's tokens carry the old tenant, so its sessions end. */
  async moveToTenant(em: EntityManager, admin: UserPrincipal, userId: string, tenantId: string, origin: RequestOrigin) {
    const account = await this.manageable(em, admin, userId);
    const tenant = await em.findOne(Tenant, { id: tenantId });
    if (!tenant) throw new AppError('NOT_FOUND', 'No such tenant');
    if (account.tenant.id === tenant.id) return account;
    const from = account.tenant.id;
    account.tenant = ref(tenant);
    await this.sessions.revokeUserSessions(em, account.id, 'tenant_changed');
    recordEvent(em, {
      type: 'user.tenant_changed',
      tenantId: tenant.id,
      actorUserId: admin.userId,
      subjectUserId: account.id,
      origin,
      payload: { from, to: tenant.id },
    });
    await em.flush();
    return account;
  }

  /**
   * Deletes an account: its e-mail address, names, password, second factor and external subject are
   * erased (the address and subject can be used again), every session ends, and `user.deleted` is
   * recorded with the account's subject; the member and catalog subgraphs consume it and erase the
   * profile and the grants. The row and its id stay, so audit entries keep their subject.
   */
  async delete(em: EntityManager, admin: UserPrincipal, userId: string, origin: RequestOrigin): Promise<void> {
    if (userId === admin.userId) throw new AppError('FORBIDDEN', 'You cannot delete yourself');
    const account = await this.manageable(em, admin, userId);
    const tenantId = account.tenant.id;
    // Read before the erasure: catalog's grants are keyed by it (lib/events/consumers.ts).
    const sub = account.externalSub ?? account.id;
    // One transaction: the erasure, the removed second factor and `user.deleted` commit together.
    await em.transactional(async (tx) => {
      // The account row first, as verifyTotp takes it: the two cannot deadlock over the factor.
      // (A query, not tx.lock: MikroORM 6's lockPessimistic leaves out the configured schema.)
      await tx.findOneOrFail(UserAccount, { id: account.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      if (account.role === 'SYSTEM_ADMIN') await this.keepOneSystemAdmin(tx, account.id);
      tx.assign(account, {
        deletedAt: new Date(),
        isActive: false,
        email: `deleted-${account.id}@deleted.invalid`,
        username: null,
        displayName: null,
        passwordHash: null,
        externalSub: null,
      });
      await removeSecondFactor(tx, account.id);
      // They hold addresses (a verification's target) and working links.
      await tx.nativeDelete(EmailVerification, { user: account.id });
      await tx.nativeDelete(PasswordResetTicket, { user: account.id });
      tx.assign(account, { emailVerifiedAt: null });
      await this.sessions.revokeUserSessions(tx, account.id, 'deleted');
      recordEvent(tx, {
        type: 'user.deleted',
        tenantId,
        actorUserId: admin.userId,
        subjectUserId: account.id,
        origin,
        payload: { sub },
      });
    });
  }

  private scope(reader: UserPrincipal | ServicePrincipal): ObjectQuery<UserAccount> {
    // A deleted account is found by nobody.
    if (reader.kind === 'service') return { deletedAt: null };
    return reader.role === 'SYSTEM_ADMIN' ? { deletedAt: null } : { tenant: reader.tenantId, deletedAt: null };
  }

  private async manageable(em: EntityManager, admin: UserPrincipal, userId: string): Promise<UserAccount> {
    const account = await this.get(em, admin, userId);
    this.refuseUnmanageable(admin, account);
    return account;
  }

  private refuseUnmanageable(admin: UserPrincipal, account: UserAccount): void {
    if (account.id === admin.userId) throw new AppError('FORBIDDEN', 'You cannot change your own role or state');
    if (admin.role !== 'SYSTEM_ADMIN' && account.role === 'SYSTEM_ADMIN') {
      throw new AppError('FORBIDDEN', 'Only a system administrator can manage a system administrator');
    }
  }

  /**
   * Refuses to let `leaving` stop being an active system admin if nobody else is one. Inside the
   * caller's transaction, under a lock every such change takes: two admins demoting, disabling or
   * deleting each other at the same moment would otherwise each count the other and leave none.
   * The count, a statement run after the lock is granted, sees whatever the previous holder committed.
   */
  private async keepOneSystemAdmin(tx: EntityManager, leaving: string): Promise<void> {
    await lockUntilCommit(tx, 'membergraph:system-admins');
    const others = await tx.count(UserAccount, { role: 'SYSTEM_ADMIN', isActive: true, id: { $ne: leaving } });
    if (others === 0) throw new AppError('CONFLICT', 'The last active system administrator must stay one');
  }
}
