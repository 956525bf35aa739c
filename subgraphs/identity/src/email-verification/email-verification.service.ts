import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { createHash, randomBytes } from 'node:crypto';
import { selfServiceLink } from '../../../../lib/auth/self-service-pages.js';
import type { KeyedHasher } from '../../../../lib/crypto/keyed-hash.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { requireSender } from '../../../../lib/delivery/code-delivery.js';
import type { OutgoingCode, Sender } from '../../../../lib/delivery/sender.js';
import { AppError } from '../../../../lib/errors/index.js';
import { recordEvent } from '../../../../lib/events/record.js';
import type { RequestOrigin } from '../../../../lib/http/origin.js';
import { localeForRequest, type Locale } from '../../../../lib/i18n/locales.js';
import type { Logger } from '../../../../lib/logging/logger.js';
import {
  DAY_MS,
  issueRefusal,
  lockVerificationKey,
  newVerificationCode,
  type VerificationLimits,
} from '../../../../lib/verification/issue-limits.js';
import type { MfaTickets } from '../auth/mfa-ticket.js';
import { PasswordResetTicket } from '../password-reset/password-reset-ticket.entity.js';
import { lockAccount } from '../user/service-reach.js';
import { UserAccount } from '../user/user.entity.js';
import { EmailVerification, EmailVerificationPurpose } from './email-verification.entity.js';
import { emailVerificationMail, maskedAddress } from './messages.js';

/** How a verification link ended; the hosted page says each in words. */
export type LinkStatus = 'VERIFIED' | 'CHANGED' | 'USED' | 'EXPIRED' | 'SUPERSEDED' | 'INVALID' | 'TAKEN';

export interface LinkOutcome {
  readonly status: LinkStatus;
  /** The address now verified (VERIFIED, CHANGED). */
  readonly email?: string;
}

export interface SentVerification {
  readonly email: string;
  readonly expiresIn: number;
}

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A change of address that was applied: the old address is told once the transaction committed. */
interface Applied {
  readonly outcome: LinkOutcome;
  readonly previous?: string;
}

/**
 * Proving the primary e-mail address: a message with a single-use link and a 6-digit code, sent at
 * sign-up, on request, and to the new address when a member changes theirs (which replaces the old
 * one only once proved; the old address is told). The limits are member's business e-mail ones
 * (lib/verification): OTP_TTL_SECONDS, the resend cooldown, daily caps per account and per address,
 * and OTP_MAX_ATTEMPTS wrong codes. Links and codes are stored hashed; only the newest message per
 * purpose works.
 */
export class EmailVerificationService {
  constructor(
    private readonly sender: Sender | undefined,
    private readonly hashCode: KeyedHasher,
    private readonly limits: VerificationLimits,
    private readonly publicUrl: string,
    /** Sealed proof of a right password, handed out with EMAIL_NOT_VERIFIED so the person can ask again. */
    private readonly tickets: MfaTickets,
    private readonly logger: Logger,
  ) {}

  /** What a sign-in refused for an unverified address carries: lets its holder ask for a new message. */
  ticketFor(account: { id: string; passwordHash: string }): string {
    return this.tickets.issue(account);
  }

  /**
   * Right after sign-up: a failed or unconfigured delivery does not undo the account (it can ask
   * again), it is logged.
   */
  async sendAfterSignUp(em: EntityManager, account: UserAccount, origin: RequestOrigin): Promise<void> {
    if (!this.sender) return;
    try {
      await this.issue(em, account.id, EmailVerificationPurpose.PRIMARY, account.email, origin);
    } catch (error) {
      this.logger.warn({ err: error, userId: account.id }, 'sign-up verification mail not sent');
    }
  }

  /** A new message for the account's own address: signed in, or with the ticket of a refused sign-in. */
  async resend(
    em: EntityManager,
    who: { readonly userId?: string; readonly ticket?: string | null },
    origin: RequestOrigin,
  ): Promise<SentVerification> {
    const userId = who.userId ?? this.accountOfTicket(who.ticket);
    const account = await em.findOne(UserAccount, { id: userId, deletedAt: null }, { populate: ['passwordHash'] });
    if (!account) throw new AppError('INVALID_TOKEN', 'The ticket is invalid or expired; sign in again');
    if (who.userId === undefined) this.checkTicket(account, who.ticket);
    if (account.emailVerifiedAt) throw new AppError('CONFLICT', 'The e-mail address is already verified');
    return this.issue(em, account.id, EmailVerificationPurpose.PRIMARY, account.email, origin);
  }

  /** The account a ticket names (checked against the password later, under `checkTicket`). */
  private accountOfTicket(ticket: string | null | undefined): string {
    const accountId = ticket ? this.tickets.accountOf(ticket) : undefined;
    if (!accountId) {
      throw new AppError('UNAUTHENTICATED', 'Sign in, or pass the ticket of the refused sign-in', {
        details: { required: true },
      });
    }
    return accountId;
  }

  /** A genuine, unexpired ticket earned with the account's current password (its hash loaded). */
  private checkTicket(account: UserAccount, ticket: string | null | undefined): void {
    const passwordHash = account.passwordHash;
    if (!passwordHash || !ticket || !this.tickets.redeem(ticket, () => passwordHash)) {
      throw new AppError('INVALID_TOKEN', 'The ticket is invalid or expired; sign in again');
    }
  }

  /**
   * A change of the primary address: the new address gets a message and replaces the old one only
   * when its link or code comes back. Checked now (and again then): a well-formed address no other
   * account uses.
   */
  async startChange(
    em: EntityManager,
    userId: string,
    rawAddress: string,
    origin: RequestOrigin,
  ): Promise<SentVerification> {
    const address = rawAddress.trim().toLowerCase();
    if (!EMAIL_PATTERN.test(address) || address.length > 254) {
      throw new AppError('VALIDATION_FAILED', 'newEmail must be an email address', {
        details: { fields: [{ field: 'newEmail', message: 'must be an email address' }] },
      });
    }
    const account = await em.findOne(UserAccount, { id: userId, deletedAt: null });
    if (!account) throw new AppError('NOT_FOUND', 'The account no longer exists');
    if (account.email === address) throw new AppError('CONFLICT', 'This is already your e-mail address');
    if (await em.count(UserAccount, { email: address })) {
      throw new AppError('CONFLICT', 'An account with this email already exists', { details: { field: 'newEmail' } });
    }
    return this.issue(em, userId, EmailVerificationPurpose.NEW_ADDRESS, address, origin);
  }

  /**
   * Stores the hashed link and code, then sends them; only a delivered message counts and replaces the
   * older ones, so a failed delivery leaves the member with the link they already have.
   */
  private async issue(
    em: EntityManager,
    userId: string,
    purpose: EmailVerificationPurpose,
    target: string,
    origin: RequestOrigin,
  ): Promise<SentVerification> {
    const send = requireSender(this.sender, 'email');
    const code = newVerificationCode();
    const token = randomBytes(32).toString('base64url');
    const row = await em.transactional(async (tx) => {
      // Account first, then address, as member's verifications do: two sends cannot deadlock.
      await lockVerificationKey(tx, `email-verification:user:${userId}`);
      await lockVerificationKey(tx, `email-verification:target:${target}`);
      const now = new Date();
      const since = new Date(now.getTime() - DAY_MS);
      // One after another: a transaction's statements share its one connection.
      const latest = await tx.findOne(EmailVerification, { user: userId, purpose }, { orderBy: { createdAt: 'desc' } });
      const lastDayForMember = await tx.count(EmailVerification, { user: userId, createdAt: { $gt: since } });
      const lastDayForTarget = await tx.count(EmailVerification, { target, createdAt: { $gt: since } });
      const refusal = issueRefusal(
        { latestAt: latest?.createdAt, lastDayForMember, lastDayForTarget },
        this.limits,
        now,
      );
      if (refusal) throw refusal;
      return tx.create(EmailVerification, {
        user: userId,
        purpose,
        target,
        tokenHash: hashToken(token),
        codeHash: this.hashCode(code),
        expiresAt: new Date(now.getTime() + this.limits.ttlSeconds * 1000),
        createdAt: now,
      });
    });
    // identity cannot read the member's profile language (member's data): the request's own language.
    const locale = localeForRequest(origin);
    const link = selfServiceLink(this.publicUrl, 'verifyEmail', token, locale);
    const minutes = Math.ceil(this.limits.ttlSeconds / 60);
    const message =
      purpose === EmailVerificationPurpose.PRIMARY
        ? emailVerificationMail.verifyAddress(locale, target, link, code, minutes)
        : emailVerificationMail.verifyNewAddress(locale, target, link, code, minutes);
    try {
      await send(message);
    } catch (error) {
      await em.fork().nativeDelete(EmailVerification, { id: row.id });
      this.logger.error({ err: error }, 'verification mail not delivered');
      throw new AppError('SERVICE_UNAVAILABLE', 'The e-mail address could not be reached; try again later');
    }
    const after = em.fork();
    await after.nativeUpdate(
      EmailVerification,
      {
        user: userId,
        purpose,
        consumedAt: null,
        supersededAt: null,
        $or: [{ createdAt: { $lt: row.createdAt } }, { createdAt: row.createdAt, id: { $lt: row.id } }],
      },
      { supersededAt: new Date() },
    );
    const account = await after.findOne(UserAccount, userId);
    recordEvent(after, {
      type: 'user.email_verification_sent',
      tenantId: account?.tenant.id ?? null,
      actorUserId: userId,
      subjectUserId: userId,
      origin,
      payload: { purpose: purpose === EmailVerificationPurpose.PRIMARY ? 'primary' : 'new_address', email: target },
    });
    await after.flush();
    return { email: target, expiresIn: this.limits.ttlSeconds };
  }

  /** The link of a message: verifies (or changes) the address once; the page says how it ended. */
  async verifyLink(em: EntityManager, token: string, origin: RequestOrigin): Promise<LinkOutcome> {
    if (!TOKEN_PATTERN.test(token)) return { status: 'INVALID' };
    const tokenHash = hashToken(token);
    const found = await em.fork().findOne(EmailVerification, { tokenHash }, { fields: ['user'] });
    if (!found) return { status: 'INVALID' };
    const applied = await this.judged(em, found.user.id, origin, async (tx) => {
      // Locked after the account (lock order of sign-in and deletion), and read again under the lock.
      const row = await tx.findOne(EmailVerification, { tokenHash }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!row) return { outcome: { status: 'INVALID' } };
      const now = new Date();
      if (row.consumedAt) return { outcome: { status: 'USED' } };
      if (row.supersededAt) return { outcome: { status: 'SUPERSEDED' } };
      if (row.expiresAt <= now) return { outcome: { status: 'EXPIRED' } };
      return row;
    });
    return applied.outcome;
  }

  /**
   * The code of the newest message (sign-up, resend or change), by a signed-in member or with the ticket
   * of a refused sign-in. Wrong codes are counted under the row lock; after OTP_MAX_ATTEMPTS it locks.
   */
  async verifyCode(
    em: EntityManager,
    who: { readonly userId?: string; readonly ticket?: string | null },
    code: string,
    origin: RequestOrigin,
  ): Promise<UserAccount> {
    if (!/^\d{6}$/.test(code)) {
      throw new AppError('VALIDATION_FAILED', 'code must be 6 digits', {
        details: { fields: [{ field: 'code', message: 'must be 6 digits' }] },
      });
    }
    const userId = who.userId ?? this.accountOfTicket(who.ticket);
    let wrong: AppError | undefined;
    const applied = await this.judged(em, userId, origin, async (tx, account) => {
      if (who.userId === undefined) {
        await tx.populate(account, ['passwordHash']);
        this.checkTicket(account, who.ticket);
      }
      const now = new Date();
      const row = await tx.findOne(
        EmailVerification,
        { user: userId, consumedAt: null, supersededAt: null, expiresAt: { $gt: now } },
        { orderBy: { createdAt: 'desc' }, lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!row) throw new AppError('OTP_INVALID', 'No code is waiting, or it expired; ask for a new one');
      if (row.failedAttempts >= this.limits.maxAttempts) {
        throw new AppError('OTP_LOCKED', 'Too many wrong codes; ask for a new one');
      }
      if (!this.hashCode.matches(code, row.codeHash)) {
        row.failedAttempts += 1;
        const left = this.limits.maxAttempts - row.failedAttempts;
        // Returned, not thrown: the count must commit.
        wrong = new AppError('OTP_INVALID', `The code is wrong; ${left} attempt${left === 1 ? '' : 's'} left`, {
          details: { attemptsLeft: left },
        });
        return { outcome: { status: 'INVALID' } };
      }
      return row;
    });
    if (wrong) throw wrong;
    if (applied.outcome.status === 'TAKEN') {
      throw new AppError('CONFLICT', 'An account with this email already exists', { details: { field: 'newEmail' } });
    }
    const account = await em.fork().findOne(UserAccount, userId, { populate: ['tenant'] });
    if (!account) throw new AppError('NOT_FOUND', 'The account no longer exists');
    return account;
  }

  /**
   * One judgement of a link or code, in one transaction under the account's lock: `pick` answers the
   * verification to apply (or an outcome without one). A change's old address is told after commit.
   */
  private async judged(
    em: EntityManager,
    userId: string,
    origin: RequestOrigin,
    pick: (tx: EntityManager, account: UserAccount) => Promise<EmailVerification | Applied>,
  ): Promise<Applied> {
    let applied: Applied;
    try {
      applied = await em.transactional(async (tx) => {
        const account = await lockAccount(tx, { id: userId, deletedAt: null });
        if (!account) return { outcome: { status: 'INVALID' } };
        const picked = await pick(tx, account);
        if (!(picked instanceof EmailVerification)) return picked;
        return this.apply(tx, account, picked, origin);
      });
    } catch (error) {
      // Another account took the address between the request and its proof.
      if (error instanceof UniqueConstraintViolationException) return { outcome: { status: 'TAKEN' } };
      throw error;
    }
    if (applied.previous && applied.outcome.email) {
      await this.tellOldAddress(localeForRequest(origin), applied.previous, applied.outcome.email);
    }
    return applied;
  }

  private async apply(
    tx: EntityManager,
    account: UserAccount,
    row: EmailVerification,
    origin: RequestOrigin,
  ): Promise<Applied> {
    const now = new Date();
    const envelope = { tenantId: account.tenant.id, actorUserId: account.id, subjectUserId: account.id, origin };
    if (row.purpose === EmailVerificationPurpose.PRIMARY) {
      // The account's address changed since the message was sent: it proves nothing about today's.
      if (row.target !== account.email) return { outcome: { status: 'SUPERSEDED' } };
      row.consumedAt = now;
      account.emailVerifiedAt ??= now;
      recordEvent(tx, { type: 'user.email_verified', ...envelope, payload: { email: row.target } });
      return { outcome: { status: 'VERIFIED', email: row.target } };
    }
    if ((await tx.count(UserAccount, { email: row.target, id: { $ne: account.id } })) > 0) {
      return { outcome: { status: 'TAKEN' } };
    }
    const previous = account.email;
    row.consumedAt = now;
    account.email = row.target;
    account.emailVerifiedAt = now;
    // Messages that went to the old address (a verification, a reset link) no longer speak for the account.
    await tx.nativeUpdate(
      EmailVerification,
      { user: account.id, consumedAt: null, supersededAt: null, id: { $ne: row.id } },
      { supersededAt: now },
    );
    await tx.nativeUpdate(
      PasswordResetTicket,
      { user: account.id, usedAt: null, supersededAt: null },
      { supersededAt: now },
    );
    recordEvent(tx, { type: 'user.email_changed', ...envelope, payload: { from: previous, to: row.target } });
    return { outcome: { status: 'CHANGED', email: row.target }, previous };
  }

  /** Best effort: the change is made; a relay that refuses now is logged, not undone. */
  private async tellOldAddress(locale: Locale, previous: string, current: string): Promise<void> {
    const message: OutgoingCode = emailVerificationMail.addressChanged(locale, previous, maskedAddress(current));
    try {
      await requireSender(this.sender, 'email')(message);
    } catch (error) {
      this.logger.error({ err: error }, 'address change notice not delivered');
    }
  }
}
