import { UniqueConstraintViolationException, type ObjectQuery } from '@mikro-orm/postgresql';
import type { Principal } from '../../../../lib/auth/principal.js';
import { containsPattern } from '../../../../lib/db/like.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { AppError } from '../../../../lib/errors/index.js';
import { recordEvent, type RequestOrigin } from '../../../../lib/events/record.js';
import { normaliseEmail } from '../auth/auth.service.js';
import { ensureDefaultTenant } from '../bootstrap.js';
import type { SessionService } from '../session/session.service.js';
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
    const existing = await em.findOne(UserAccount, { externalSub: userSub }, { populate: ['tenant'] });
    const actor = caller.kind === 'user' ? caller.userId : null;
    const clientId = caller.kind === 'service' ? caller.clientId : null;
    let account: UserAccount;
    if (existing) {
      account = existing;
      account.email = email;
      if (request.username !== undefined) account.username = request.username?.trim() || null;
      if (request.displayName !== undefined) account.displayName = request.displayName?.trim() || null;
      // Deactivating ends every session, as an admin's setUserActive does: tokens stop at once.
      if (request.isActive === false && account.isActive) {
        await this.sessions.revokeUserSessions(em, account.id, 'deactivated');
      }
      if (request.isActive != null) account.isActive = request.isActive;
      recordEvent(em, {
        type: 'user.updated',
        tenantId: account.tenant.id,
        actorUserId: actor,
        subjectUserId: account.id,
        origin,
        payload: { userSub, clientId },
      });
    } else {
      const tenant = await ensureDefaultTenant(em);
      account = em.create(UserAccount, {
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
        actorUserId: actor,
        subjectUserId: account.id,
        origin,
        payload: { userSub, clientId },
      });
    }
    try {
      await em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        const field = /username/.test(error.message)
          ? 'username'
          : /external_sub/.test(error.message)
            ? 'user_sub'
            : 'email';
        throw new AppError('CONFLICT', `Another account already has this ${field}`, { details: { field } });
      }
      throw error;
    }
    return { account, action: existing ? 'updated' : 'created' };
  }
}
