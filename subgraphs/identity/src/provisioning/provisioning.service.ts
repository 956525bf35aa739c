import { UniqueConstraintViolationException, type ObjectQuery } from '@mikro-orm/postgresql';
import type { Principal } from '../../../../lib/auth/principal.js';
import { containsPattern } from '../../../../lib/db/like.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { isUuid } from '../../../../lib/db/uuid.js';
import { AppError } from '../../../../lib/errors/index.js';
import { recordEvent } from '../../../../lib/events/record.js';
import type { RequestOrigin } from '../../../../lib/http/origin.js';
import { normaliseEmail } from '../auth/auth.service.js';
import { ensureDefaultTenant } from '../bootstrap.js';
import type { SessionService } from '../session/session.service.js';
import { assertServiceMayChange, lockAccount } from '../user/service-reach.js';
import { UserAccount } from '../user/user.entity.js';

export const DIRECTORY_MAX_LIMIT = 1000;

export interface ProvisionRequest {
  readonly userSub: string;
  readonly email: string;
  readonly username?: string | null;
  readonly displayName?: string | null;
  readonly isActive?: boolean | null;
}

export interface Provisioned {
  readonly account: UserAccount;
  readonly action: 'created' | 'updated';
}

/**
 * Accounts that legacy services and identity providers keep in step by subject (`user_sub`).
 * Accounts created here have no password: they sign in through their identity provider until the
 * person sets one.
 */
export class ProvisioningService {
  constructor(private readonly sessions: SessionService) {}

  async directory(em: EntityManager, query: { keyword?: string | null; limit: number; offset: number }) {
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > DIRECTORY_MAX_LIMIT) {
      throw new AppError('VALIDATION_FAILED', `limit must be between 1 and ${DIRECTORY_MAX_LIMIT}`);
    }
    if (!Number.isInteger(query.offset) || query.offset < 0)
      throw new AppError('VALIDATION_FAILED', 'offset must be 0 or more');
    const keyword = query.keyword?.trim();
    const like = keyword ? containsPattern(keyword) : undefined;
    const where: ObjectQuery<UserAccount> = like
      ? {
          deletedAt: null,
          $or: [
            { username: { $ilike: like } },
            { email: { $ilike: like } },
            { displayName: { $ilike: like } },
            { externalSub: { $ilike: like } },
          ],
        }
      : { deletedAt: null };
    const [items, total] = await em.findAndCount(UserAccount, where, {
      orderBy: { createdAt: 'asc', id: 'asc' },
      limit: query.limit,
      offset: query.offset,
    });
    return { items, total, limit: query.limit, offset: query.offset };
  }

  /**
   * Creates the account for a subject, or brings it in line with what the caller says. An email
   * that already belongs to another subject's account is a CONFLICT, never a silent merge.
   */
  async upsertBySub(
    em: EntityManager,
    caller: Principal,
    request: ProvisionRequest,
    origin: RequestOrigin,
  ): Promise<Provisioned> {
    const userSub = request.userSub.trim();
    const email = normaliseEmail(request.email);
    try {
      const updated = await em.transactional((tx) => this.update(tx, caller, userSub, email, request, origin));
      if (updated) return { account: updated, action: 'updated' };
      return { account: await this.create(em, caller, userSub, email, request, origin), action: 'created' };
    } catch (error) {
      throw asConflict(error);
    }
  }

  /**
   * The subject's account, changed on its locked row (null when the subject has none yet). A service
   * may not change an administrator's (service-reach.ts); asking for what is already there changes
   * nothing, so an identity provider's sync of an administrator stays idempotent.
   */
  private async update(
    tx: EntityManager,
    caller: Principal,
    userSub: string,
    email: string,
    request: ProvisionRequest,
    origin: RequestOrigin,
  ): Promise<UserAccount | null> {
    const account = await lockAccount(tx, { externalSub: userSub });
    if (!account) return null;
    const next = {
      email,
      username: request.username === undefined ? (account.username ?? null) : request.username?.trim() || null,
      displayName:
        request.displayName === undefined ? (account.displayName ?? null) : request.displayName?.trim() || null,
      isActive: request.isActive ?? account.isActive,
    };
    const changes =
      next.email !== account.email ||
      next.username !== (account.username ?? null) ||
      next.displayName !== (account.displayName ?? null) ||
      next.isActive !== account.isActive;
    if (changes) assertServiceMayChange(caller, account);
    const deactivating = account.isActive && !next.isActive;
    // A new address is unproved: verification is about the address, not the account.
    const readdressed = next.email !== account.email;
    tx.assign(account, readdressed ? { ...next, emailVerifiedAt: null } : next);
    // Written before any session ends: an address or username of another account refuses the
    // request here, and the revocations (published at once) are not left behind by a rollback.
    await tx.flush();
    // Deactivating ends every session, as an admin's setUserActive does: tokens stop at once.
    if (deactivating) await this.sessions.revokeUserSessions(tx, account.id, 'deactivated');
    recordEvent(tx, {
      type: 'user.updated',
      tenantId: account.tenant.id,
      actorUserId: caller.kind === 'user' ? caller.userId : null,
      subjectUserId: account.id,
      origin,
      payload: { userSub, clientId: caller.kind === 'service' ? caller.clientId : null },
    });
    return account;
  }

  /** A new (ordinary) account for the subject, in the default tenant; nobody's role comes from here. */
  private async create(
    em: EntityManager,
    caller: Principal,
    userSub: string,
    email: string,
    request: ProvisionRequest,
    origin: RequestOrigin,
  ): Promise<UserAccount> {
    await refuseAnotherAccountsId(em, userSub);
    const tenant = await ensureDefaultTenant(em);
    const account = em.create(UserAccount, {
      tenant,
      email,
      externalSub: userSub,
      username: request.username?.trim() || null,
      displayName: request.displayName?.trim() || null,
      isActive: request.isActive ?? true,
    });
    recordEvent(em, {
      type: 'user.created',
      tenantId: tenant.id,
      actorUserId: caller.kind === 'user' ? caller.userId : null,
      subjectUserId: account.id,
      origin,
      payload: { userSub, clientId: caller.kind === 'service' ? caller.clientId : null },
    });
    await em.flush();
    return account;
  }
}

/**
 * An account's `sub` is its external subject or, without one, its id, and permission grants are
 * keyed by `sub`. A subject that is the id of an account without one (an administrator signed up
 * here, say, or a deleted account whose grants remain) would give the new account that account's
 * subject and grants. No lock: an id never changes, and an account only loses its external subject
 * (when an administrator deletes it), never gains one.
 */
async function refuseAnotherAccountsId(em: EntityManager, userSub: string): Promise<void> {
  if (!isUuid(userSub)) return;
  if ((await em.count(UserAccount, { id: userSub, externalSub: null })) > 0) throw subConflict();
}

const subConflict = () =>
  new AppError('CONFLICT', 'Another account already has this user_sub', { details: { field: 'user_sub' } });

/** A unique column another account holds, as a CONFLICT naming the field. */
function asConflict(error: unknown): unknown {
  if (!(error instanceof UniqueConstraintViolationException)) return error;
  if (/external_sub/.test(error.message)) return subConflict();
  const field = /username/.test(error.message) ? 'username' : 'email';
  return new AppError('CONFLICT', `Another account already has this ${field}`, { details: { field } });
}
