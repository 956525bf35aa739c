import { createHash, randomBytes } from 'node:crypto';
import { selfServiceLink } from '../../../../lib/auth/self-service-pages.js';
import type { KeyedHasher } from '../../../../lib/crypto/keyed-hash.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { requireSender } from '../../../../lib/delivery/code-delivery.js';
import type { Sender } from '../../../../lib/delivery/sender.js';
import { AppError } from '../../../../lib/errors/index.js';
import { recordEvent } from '../../../../lib/events/record.js';
import type { RequestOrigin } from '../../../../lib/http/origin.js';
import { localeForRequest } from '../../../../lib/i18n/locales.js';
import type { Logger } from '../../../../lib/logging/logger.js';
import {
  DAY_MS,
  issueRefusal,
  lockVerificationKey,
  type VerificationLimits,
} from '../../../../lib/verification/issue-limits.js';
import { normaliseEmail, type AuthService, type IssuedTokens } from '../auth/auth.service.js';
import type { SessionService } from '../session/session.service.js';
import { hashPassword } from '../user/password.js';
import { passwordProblems } from '../user/password-policy.js';
import { lockAccount } from '../user/service-reach.js';
import { UserAccount } from '../user/user.entity.js';
import { passwordResetMail } from './messages.js';
import { PasswordResetTicket } from './password-reset-ticket.entity.js';

export const PASSWORD_RESET_TTL_MS = 30 * 60_000;

/** Where a reset link stands; the hosted page says each in words. */
export type ResetLinkStatus = 'VALID' | 'USED' | 'EXPIRED' | 'SUPERSEDED' | 'INVALID';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** Stands in for the account of an unknown address, so the same statements run on no row. */
const NO_ACCOUNT = '00000000-0000-0000-0000-000000000000';
const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** INVALID_TOKEN saying which of the link's ends it met (`details.reason`), for the page to say so. */
function refusedLink(status: Exclude<ResetLinkStatus, 'VALID'>): AppError {
  const words: Record<typeof status, string> = {
    USED: 'This password reset link was already used',
    EXPIRED: 'This password reset link has expired',
    SUPERSEDED: 'A newer password reset link was sent; use that one',
    INVALID: 'This password reset link is not valid',
  };
  return new AppError('INVALID_TOKEN', words[status], { details: { reason: status.toLowerCase() } });
}

/**
 * Forgotten passwords. A request answers the same, and does the same work, whether or not the address
 * has an account: one locked read, one row written, one event; the mail (only when there is an active
 * account and the limits allow) leaves after the answer. The link works once, for 30 minutes, and a
 * newer request voids it. Completing it sets the password (policy checked first), ends every session
 * of the account and signs the person in, with the second factor when enrolled.
 */
export class PasswordResetService {
  constructor(
    private readonly sender: Sender | undefined,
    /** Keyed hash of addresses: the limits count requests per address without a list of addresses. */
    private readonly hashAddress: KeyedHasher,
    private readonly limits: VerificationLimits,
    private readonly publicUrl: string,
    private readonly sessions: SessionService,
    private readonly auth: AuthService,
    private readonly logger: Logger,
  ) {}

  async request(em: EntityManager, rawEmail: string, origin: RequestOrigin): Promise<void> {
    const email = normaliseEmail(rawEmail);
    if (email.length === 0 || email.length > 254) {
      throw new AppError('VALIDATION_FAILED', 'email must be an email address', {
        details: { fields: [{ field: 'email', message: 'must be an email address' }] },
      });
    }
    // Said to every address alike: a configuration problem, not a fact about the account.
    const send = requireSender(this.sender, 'email');
    const addressHash = this.hashAddress(email);
    // Tickets hashed under a SECRET_KEY fallback count too: a key change opens no fresh budget.
    const sameAddress = { $in: [...this.hashAddress.candidates(email)] };
    const token = randomBytes(32).toString('base64url');
    const recipient = await em.transactional(async (tx) => {
      await lockVerificationKey(tx, `password-reset:address:${addressHash}`);
      const account = await tx.findOne(UserAccount, { email, deletedAt: null });
      const accountId = account?.id ?? NO_ACCOUNT;
      const now = new Date();
      const since = new Date(now.getTime() - DAY_MS);
      // One after another: a transaction's statements share its one connection.
      const latest = await tx.findOne(
        PasswordResetTicket,
        { addressHash: sameAddress, sent: true },
        { orderBy: { createdAt: 'desc' } },
      );
      const lastDayForTarget = await tx.count(PasswordResetTicket, {
        addressHash: sameAddress,
        sent: true,
        createdAt: { $gt: since },
      });
      const lastDayForMember = await tx.count(PasswordResetTicket, {
        user: accountId,
        sent: true,
        createdAt: { $gt: since },
      });
      const throttled =
        issueRefusal({ latestAt: latest?.createdAt, lastDayForMember, lastDayForTarget }, this.limits, now) !==
        undefined;
      const mailed = account?.isActive === true && !throttled;
      // A newer link voids the older ones (for no row when nothing is sent).
      await tx.nativeUpdate(
        PasswordResetTicket,
        { user: mailed ? accountId : NO_ACCOUNT, usedAt: null, supersededAt: null },
        { supersededAt: now },
      );
      tx.create(PasswordResetTicket, {
        user: account ?? null,
        addressHash,
        tokenHash: hashToken(token),
        sent: mailed,
        expiresAt: new Date(now.getTime() + PASSWORD_RESET_TTL_MS),
        createdAt: now,
      });
      recordEvent(tx, {
        type: 'user.password_reset_requested',
        tenantId: account?.tenant.id ?? null,
        subjectUserId: account?.id ?? null,
        origin,
        payload: account ? (throttled ? { throttled: true } : {}) : { email },
      });
      return mailed ? account.email : undefined;
    });
    if (!recipient) return;
    // Not awaited: how long the relay takes must not tell the caller that the address has an account.
    // In the language of the request (the forgot-password page's): identity cannot read member profiles.
    const locale = localeForRequest(origin);
    const message = passwordResetMail.resetLink(
      locale,
      recipient,
      selfServiceLink(this.publicUrl, 'resetPassword', token, locale),
      PASSWORD_RESET_TTL_MS / 60_000,
    );
    send(message).catch((error: unknown) => this.logger.error({ err: error }, 'password reset mail not delivered'));
  }

  /** Where a link stands, for the page to show the form or say why not (nothing is spent). */
  async status(em: EntityManager, token: string): Promise<ResetLinkStatus> {
    if (!TOKEN_PATTERN.test(token)) return 'INVALID';
    const ticket = await em.findOne(PasswordResetTicket, { tokenHash: hashToken(token) });
    return ticket ? this.standing(ticket, new Date()) : 'INVALID';
  }

  private standing(ticket: PasswordResetTicket, now: Date): ResetLinkStatus {
    if (!ticket.user || !ticket.sent) return 'INVALID';
    if (ticket.usedAt) return 'USED';
    if (ticket.supersededAt) return 'SUPERSEDED';
    if (ticket.expiresAt <= now) return 'EXPIRED';
    return 'VALID';
  }

  /**
   * The new password is checked before the link is spent, so a refused one leaves it usable. Of
   * concurrent uses of one link exactly one wins (the claim is one conditional update under the
   * account lock); the others are refused as USED.
   */
  async complete(em: EntityManager, token: string, password: string, origin: RequestOrigin): Promise<IssuedTokens> {
    if (!TOKEN_PATTERN.test(token)) throw refusedLink('INVALID');
    const tokenHash = hashToken(token);
    const ticket = await em.fork().findOne(PasswordResetTicket, { tokenHash }, { populate: ['user'] });
    const standing = ticket ? this.standing(ticket, new Date()) : 'INVALID';
    if (standing !== 'VALID') throw refusedLink(standing);
    const account = ticket!.user!.getEntity();
    const problems = passwordProblems(password, { email: account.email });
    if (problems.length > 0) {
      throw new AppError('VALIDATION_FAILED', `newPassword ${problems.join('; ')}`, {
        details: { fields: problems.map((message) => ({ field: 'newPassword', message })) },
      });
    }
    const passwordHash = await hashPassword(password);
    const email = await em.transactional(async (tx) => {
      const locked = await lockAccount(tx, { id: account.id, deletedAt: null });
      if (!locked?.isActive) throw refusedLink('INVALID');
      const now = new Date();
      const claimed = await tx.nativeUpdate(
        PasswordResetTicket,
        { tokenHash, usedAt: null, supersededAt: null, expiresAt: { $gt: now } },
        { usedAt: now },
      );
      if (claimed !== 1) {
        const again = await tx.findOne(PasswordResetTicket, { tokenHash }, { refresh: true });
        const status = again ? this.standing(again, now) : 'INVALID';
        throw refusedLink(status === 'VALID' ? 'USED' : status);
      }
      locked.passwordHash = passwordHash;
      locked.failedLoginCount = 0;
      locked.throttledUntil = null;
      // The link went to the account's address: following it proves that address, as a verification does.
      if (this.hashAddress.matches(locked.email, ticket!.addressHash)) locked.emailVerifiedAt ??= now;
      await tx.nativeUpdate(
        PasswordResetTicket,
        { user: locked.id, usedAt: null, supersededAt: null },
        { supersededAt: now },
      );
      const sessionsEnded = await this.sessions.revokeUserSessions(tx, locked.id, 'password_reset');
      recordEvent(tx, {
        type: 'user.password_reset',
        tenantId: locked.tenant.id,
        actorUserId: locked.id,
        subjectUserId: locked.id,
        origin,
        payload: { sessionsEnded },
      });
      return locked.email;
    });
    // A sign-in like any other: MFA_REQUIRED (with its ticket) when a second factor is enrolled.
    return this.auth.login(em, { email, password }, origin);
  }
}
