import { createHash, randomBytes } from 'node:crypto';
import type { Principal } from '../../../../lib/auth/principal.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { isUuid } from '../../../../lib/db/uuid.js';
import { AppError } from '../../../../lib/errors/index.js';
import { recordEvent } from '../../../../lib/events/record.js';
import type { RequestOrigin } from '../../../../lib/http/origin.js';
import type { AuthService, IssuedTokens } from '../auth/auth.service.js';
import type { SessionService } from '../session/session.service.js';
import { hashPassword } from '../user/password.js';
import { passwordProblems } from '../user/password-policy.js';
import { assertServiceMayChange, lockAccount } from '../user/service-reach.js';
import { PasswordSetupTicket } from './password-setup-ticket.entity.js';

export const PASSWORD_SETUP_TTL_MS = 72 * 3600_000;
const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** Spends the account's unused tickets: a new one replaces them, and a role change ends them (setRole). */
export async function voidOpenTickets(em: EntityManager, userId: string): Promise<void> {
  await em.nativeUpdate(PasswordSetupTicket, { user: userId, usedAt: null }, { usedAt: new Date() });
}

/**
 * The documented way to a password for accounts provisioned without one (and an admin-initiated
 * reset): a system admin or a `users:write` service issues a ticket and delivers it to the person,
 * who sets a password with it and is signed in. A ticket works once, for 72 hours; issuing a new
 * one, or changing the account's role, voids the previous ones.
 */
export class PasswordSetupService {
  constructor(
    private readonly sessions: SessionService,
    private readonly auth: AuthService,
  ) {}

  /**
   * A service gets a ticket for an ordinary account only: the ticket signs in as the account, so one
   * for an administrator would make the service one. The role is checked on the locked row, in the
   * transaction that writes the ticket; a promotion waits for it, then voids the ticket (setRole).
   */
  async issue(em: EntityManager, caller: Principal, userId: string, origin: RequestOrigin) {
    if (!isUuid(userId)) throw new AppError('NOT_FOUND', 'No such user');
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + PASSWORD_SETUP_TTL_MS);
    await em.transactional(async (tx) => {
      const account = await lockAccount(tx, { id: userId });
      if (!account) throw new AppError('NOT_FOUND', 'No such user');
      assertServiceMayChange(caller, account);
      if (!account.isActive) throw new AppError('CONFLICT', 'The account is disabled');
      await voidOpenTickets(tx, account.id);
      tx.create(PasswordSetupTicket, { user: account, tokenHash: hashToken(token), expiresAt });
      recordEvent(tx, {
        type: 'user.password_setup_issued',
        tenantId: account.tenant.id,
        actorUserId: caller.kind === 'user' ? caller.userId : null,
        subjectUserId: account.id,
        origin,
        payload: caller.kind === 'service' ? { clientId: caller.clientId } : {},
      });
    });
    return { token, expiresAt };
  }

  /**
   * The password is checked before the ticket is spent, so a refused password leaves the ticket
   * usable; of concurrent uses of one ticket exactly one wins. Other sessions of the user end.
   */
  async complete(em: EntityManager, token: string, password: string, origin: RequestOrigin): Promise<IssuedTokens> {
    const ticket = await em.findOne(
      PasswordSetupTicket,
      { tokenHash: hashToken(token) },
      { populate: ['user', 'user.tenant'] },
    );
    const now = new Date();
    if (!ticket || ticket.usedAt || ticket.expiresAt <= now) {
      throw new AppError('INVALID_TOKEN', 'The password setup link is invalid, used or expired');
    }
    const account = ticket.user.getEntity();
    const problems = passwordProblems(password, { email: account.email });
    if (problems.length > 0) {
      throw new AppError('VALIDATION_FAILED', `newPassword ${problems.join('; ')}`, {
        details: { fields: problems.map((message) => ({ field: 'newPassword', message })) },
      });
    }
    const claimed = await em.nativeUpdate(PasswordSetupTicket, { id: ticket.id, usedAt: null }, { usedAt: now });
    if (claimed !== 1) throw new AppError('INVALID_TOKEN', 'The password setup link is invalid, used or expired');
    account.passwordHash = await hashPassword(password);
    account.failedLoginCount = 0;
    account.throttledUntil = null;
    await this.sessions.revokeUserSessions(em, account.id, 'password_set');
    recordEvent(em, {
      type: 'user.password_changed',
      tenantId: account.tenant.id,
      actorUserId: account.id,
      subjectUserId: account.id,
      origin,
    });
    await em.flush();
    return this.auth.login(em, { email: account.email, password }, origin);
  }
}
