import type { MfaTickets } from './mfa-ticket.js';
import { UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import type { UserPrincipal } from '../../../../lib/auth/principal.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { AppError } from '../../../../lib/errors/index.js';
import { recordEvent } from '../../../../lib/events/record.js';
import type { RequestOrigin } from '../../../../lib/http/origin.js';
import { ensureDefaultTenant } from '../bootstrap.js';
import type { EmailVerificationService } from '../email-verification/email-verification.service.js';
import type { SigningKeyService } from '../keys/signing-key.service.js';
import type { TotpService } from '../mfa/totp.service.js';
import { Session } from '../session/session.entity.js';
import type { SessionService } from '../session/session.service.js';
import { decoyPasswordHash, hashPassword, needsRehash, verifyPassword } from '../user/password.js';
import { PASSWORD_MAX_LENGTH, passwordProblems } from '../user/password-policy.js';
import { UserAccount } from '../user/user.entity.js';
import {
  checkCredentials,
  countFailedSignIn,
  lockAccountForCheck,
  lockAccountForSignIn,
  readAccountForSignIn,
  type SignInAccount,
  throttledRefusal,
  throttledUntil,
} from './login-throttle.js';
import { writeSignIn, type OpenedSession } from './sign-in-writes.js';

export interface IssuedTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn: number;
  readonly account: SignInAccount;
}

/** A password checked against a hash read without the lock: it stands under the lock while the hash is the same. */
interface PasswordVerdict {
  readonly passwordHash: string;
  readonly matches: boolean;
}

/** A sign-in committed, its access token not signed yet. */
interface SignedIn {
  readonly account: SignInAccount;
  readonly session: OpenedSession;
  readonly refreshToken: string;
}

export interface RegisterRequest {
  readonly email: string;
  readonly password: string;
  readonly username?: string | null;
  readonly displayName?: string | null;
}

export interface LoginRequest {
  readonly email: string;
  readonly password: string;
  readonly totpCode?: string | null;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function invalidPassword(problems: string[], field: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field} ${problems.join('; ')}`, {
    details: { fields: problems.map((message) => ({ field, message })) },
  });
}

/** Sign-up, sign-in, refresh, sign-out and password change: the rules of first-party authentication. */
export class AuthService {
  constructor(
    private readonly signingKeys: SigningKeyService,
    private readonly sessions: SessionService,
    private readonly options: { readonly registrationEnabled: boolean; readonly requireVerifiedEmail?: boolean },
    private readonly totp: TotpService,
    private readonly mfaTickets: MfaTickets,
    /** Sends the verification mail of a sign-up, and the ticket of a sign-in refused for an unverified address. */
    private readonly emailVerification?: EmailVerificationService,
  ) {}

  async register(em: EntityManager, request: RegisterRequest, origin: RequestOrigin): Promise<IssuedTokens> {
    if (!this.options.registrationEnabled) throw new AppError('FORBIDDEN', 'Sign-up is disabled on this installation');
    const email = normaliseEmail(request.email);
    const problems = passwordProblems(request.password, { email });
    if (problems.length > 0) throw invalidPassword(problems, 'password');
    const tenant = await ensureDefaultTenant(em);
    // REQUIRE_VERIFIED_EMAIL: the account is made and its mail sent, but nobody is signed in yet.
    const signIn = !this.options.requireVerifiedEmail;
    const passwordHash = await hashPassword(request.password);
    const account = em.create(UserAccount, {
      email,
      tenant,
      username: request.username?.trim() || null,
      displayName: request.displayName?.trim() || null,
      passwordHash,
      lastLoginAt: signIn ? new Date() : null,
    });
    const opened = signIn ? this.sessions.open(em, account, ['pwd'], origin) : undefined;
    recordEvent(em, {
      type: 'user.created',
      tenantId: tenant.id,
      actorUserId: account.id,
      subjectUserId: account.id,
      origin,
    });
    if (opened) {
      recordEvent(em, {
        type: 'user.login',
        tenantId: tenant.id,
        actorUserId: account.id,
        subjectUserId: account.id,
        origin,
      });
    }
    try {
      await em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        const field = /username/.test(error.message) ? 'username' : 'email';
        throw new AppError('CONFLICT', `An account with this ${field} already exists`, { details: { field } });
      }
      throw error;
    }
    await this.emailVerification?.sendAfterSignUp(em, account, origin);
    if (!opened) {
      throw this.emailNotVerified(
        account,
        passwordHash,
        'The account is created. Verify your e-mail address to sign in: open the link we sent you',
      );
    }
    return this.issue(account, opened.session, opened.refreshToken);
  }

  /**
   * An unknown email and a wrong password answer alike and take alike (a decoy hash is verified, the
   * same statements run on no row). A throttled account is refused before its password is even
   * checked. With a confirmed authenticator the right password alone gets MFA_REQUIRED (not a
   * failure: the client asks for the code); a wrong code counts as a failed sign-in. Judged under
   * the account lock (checkCredentials), so concurrent guesses cannot outrun the throttle; only a
   * sign-in that needs nothing more than its password is written without it (signInAtOnce).
   */
  async login(em: EntityManager, request: LoginRequest, origin: RequestOrigin): Promise<IssuedTokens> {
    const email = normaliseEmail(request.email);
    const atOnce = await this.signInAtOnce(em, email, request.password, origin);
    if (atOnce && 'accessToken' in atOnce) return atOnce;
    const { account, session, refreshToken } = await checkCredentials(em, async (tx) => {
      const checked = await lockAccountForSignIn(tx, { email });
      const account = checked?.account;
      if (!checked || !account?.passwordHash) {
        // Same work as a wrong password: a hash verification and the failure-count update (of no row).
        await verifyPassword(await decoyPasswordHash(), request.password);
        await countFailedSignIn(tx, {
          account: account ? { id: account.id, tenantId: account.tenant.id } : null,
          origin,
          payload: { email, reason: 'unknown_account' },
        });
        return new AppError('INVALID_CREDENTIALS');
      }
      const now = new Date();
      const refusal = this.throttled(tx, account, origin, now);
      if (refusal) return refusal;
      // The verdict on the hash read without the lock stands while the hash is the same one.
      const matches =
        atOnce?.passwordHash === account.passwordHash
          ? atOnce.matches
          : await verifyPassword(account.passwordHash, request.password);
      if (!matches) {
        await this.countFailure(tx, account, origin, 'wrong_password');
        return new AppError('INVALID_CREDENTIALS');
      }
      if (!account.isActive) throw new AppError('FORBIDDEN', 'This account is disabled');
      this.assertVerifiedEmail(account, account.passwordHash);
      const amr = checked.hasConfirmedFactor ? await this.secondFactor(tx, account, request.totpCode, origin) : ['pwd'];
      if (amr instanceof AppError) return amr;
      const rehashedPassword = needsRehash(account.passwordHash) ? await hashPassword(request.password) : undefined;
      return this.signedIn(tx, account, amr, origin, now, rehashedPassword);
    });
    return this.issue(account, session, refreshToken);
  }

  /**
   * Most sign-ins: an active account, not throttled, without a second factor, its address verified
   * where that is required, its hash made with today's parameters, and the right password. Its hash
   * is verified (about 12 ms of CPU) with no lock held and no transaction open, then its writes are
   * one statement that applies only if the row is still the version read (writeSignIn): two
   * statements instead of a transaction of four. Whatever else, or an account changed meanwhile (a
   * failure counted, a throttle started, the password or the account changed), is judged under the
   * lock by login, with the verdict on this hash (a wrong guess is not hashed twice).
   */
  private async signInAtOnce(
    em: EntityManager,
    email: string,
    password: string,
    origin: RequestOrigin,
  ): Promise<IssuedTokens | PasswordVerdict | undefined> {
    const seen = await readAccountForSignIn(em, { email }, { lock: false });
    const account = seen?.account;
    const passwordHash = account?.passwordHash;
    const now = new Date();
    if (!seen || !account || !passwordHash || throttledUntil(account, now)) return undefined;
    const verdict = { passwordHash, matches: await verifyPassword(passwordHash, password) };
    const nothingMore =
      verdict.matches &&
      account.isActive &&
      !seen.hasConfirmedFactor &&
      !needsRehash(passwordHash) &&
      !(this.options.requireVerifiedEmail && !account.emailVerifiedAt);
    if (!nothingMore) return verdict;
    const written = await writeSignIn(em, this.sessions, { account, amr: ['pwd'], origin, now, version: seen.version });
    return written ? this.issue(account, written.session, written.refreshToken) : verdict;
  }

  /**
   * The second step of a sign-in that answered MFA_REQUIRED: its `details.mfaTicket` and a code from
   * the authenticator (or a backup code). The ticket stands in for the password, so clients need not
   * keep it; it lasts 5 minutes and dies with a password change. Judged under the account lock.
   */
  async completeMfaSignIn(
    em: EntityManager,
    ticket: string,
    code: string,
    origin: RequestOrigin,
  ): Promise<IssuedTokens> {
    const invalid = new AppError('INVALID_TOKEN', 'The sign-in ticket is invalid or expired; sign in again');
    const accountId = this.mfaTickets.accountOf(ticket);
    if (!accountId) throw invalid;
    const { account, session, refreshToken } = await checkCredentials(em, async (tx) => {
      const account = (await lockAccountForSignIn(tx, { id: accountId }))?.account;
      const passwordHash = account?.passwordHash;
      if (!account || !passwordHash || !this.mfaTickets.redeem(ticket, () => passwordHash)) throw invalid;
      const now = new Date();
      const refusal = this.throttled(tx, account, origin, now);
      if (refusal) return refusal;
      if (!account.isActive) throw new AppError('FORBIDDEN', 'This account is disabled');
      this.assertVerifiedEmail(account, passwordHash);
      if (!code) throw new AppError('VALIDATION_FAILED', 'totpCode is required', { details: { required: true } });
      const amr = await this.secondFactor(tx, account, code, origin);
      if (amr instanceof AppError) return amr;
      return this.signedIn(tx, account, amr, origin, now);
    });
    return this.issue(account, session, refreshToken);
  }

  /**
   * REQUIRE_VERIFIED_EMAIL: a right password for an unverified address is refused, with a ticket (15
   * minutes' proof of the password) that asks for a new message (resendEmailVerification) or takes the
   * code (verifyEmailWithCode). Not a failure: nothing is counted.
   */
  private assertVerifiedEmail(account: SignInAccount, passwordHash: string): void {
    if (this.options.requireVerifiedEmail && !account.emailVerifiedAt)
      throw this.emailNotVerified(account, passwordHash);
  }

  private emailNotVerified(
    account: SignInAccount,
    passwordHash: string,
    message = 'Verify your e-mail address before signing in: open the link we sent you, or ask for a new one',
  ): AppError {
    const verificationTicket = this.emailVerification?.ticketFor({ id: account.id, passwordHash });
    return new AppError('EMAIL_NOT_VERIFIED', message, verificationTicket ? { details: { verificationTicket } } : {});
  }

  /**
   * The signed-in user's current password, before a change that needs it (the e-mail address). Wrong
   * guesses count toward the account's throttle, judged under the account lock as changePassword is.
   */
  async confirmCurrentPassword(
    em: EntityManager,
    principal: UserPrincipal,
    password: string,
    origin: RequestOrigin,
  ): Promise<void> {
    // argon2 hashes whatever it is given: no password is longer, so nothing longer is worth the CPU.
    if ([...password].length > PASSWORD_MAX_LENGTH) {
      throw new AppError('VALIDATION_FAILED', 'currentPassword is not correct', {
        details: { fields: [{ field: 'currentPassword', message: 'is not correct' }] },
      });
    }
    await checkCredentials(em, async (tx) => {
      const account = await lockAccountForCheck(tx, { id: principal.userId });
      if (!account) throw new AppError('NOT_FOUND', 'The member does not exist');
      const throttled = throttledUntil(account);
      if (throttled) return throttledRefusal(throttled);
      if (!account.passwordHash || !(await verifyPassword(account.passwordHash, password))) {
        await countFailedSignIn(tx, {
          account: { id: account.id, tenantId: principal.tenantId },
          origin,
          payload: { reason: 'wrong_current_password' },
        });
        return new AppError('VALIDATION_FAILED', 'currentPassword is not correct', {
          details: { fields: [{ field: 'currentPassword', message: 'is not correct' }] },
        });
      }
      return undefined;
    });
  }

  /** RATE_LIMITED (recorded as `user.login_throttled`) while the account's throttle runs. */
  private throttled(tx: EntityManager, account: SignInAccount, origin: RequestOrigin, now: Date): AppError | null {
    const until = throttledUntil(account, now);
    if (!until) return null;
    recordEvent(tx, { type: 'user.login_throttled', tenantId: account.tenant.id, subjectUserId: account.id, origin });
    return throttledRefusal(until);
  }

  /**
   * The tail of every successful sign-in, in its transaction: counters reset, a session opened, the
   * event recorded (one statement: sign-in-writes.ts).
   */
  private async signedIn(
    tx: EntityManager,
    account: SignInAccount,
    amr: string[],
    origin: RequestOrigin,
    now: Date,
    rehashedPassword?: string,
  ): Promise<SignedIn> {
    const written = await writeSignIn(tx, this.sessions, {
      account,
      amr,
      origin,
      now,
      ...(rehashedPassword ? { rehashedPassword } : {}),
    });
    // Under the lock the row cannot have changed since it was read.
    if (!written) throw new Error('The locked account was not signed in');
    return { account, session: written.session, refreshToken: written.refreshToken };
  }

  async refresh(em: EntityManager, refreshToken: string, origin: RequestOrigin): Promise<IssuedTokens> {
    const rotated = await this.sessions.rotate(em, refreshToken, origin);
    return this.issue(rotated.account, rotated.session, rotated.refreshToken);
  }

  /** seed 004's refresh: a new access token; the refresh token stays the session's (not rotated). */
  async renew(em: EntityManager, refreshToken: string, origin: RequestOrigin): Promise<IssuedTokens> {
    const renewed = await this.sessions.renew(em, refreshToken, origin);
    return this.issue(renewed.account, renewed.session, refreshToken);
  }

  async logout(em: EntityManager, principal: UserPrincipal, origin: RequestOrigin): Promise<void> {
    const session = await em.findOne(Session, { id: principal.sessionId, user: principal.userId });
    if (session) await this.sessions.revokeSession(em, session, 'logout');
    recordEvent(em, {
      type: 'user.logout',
      tenantId: principal.tenantId,
      actorUserId: principal.userId,
      subjectUserId: principal.userId,
      origin,
      payload: { sessionId: principal.sessionId },
    });
    await em.flush();
  }

  /**
   * The current password must be right (wrong guesses count towards the throttle, judged under the
   * account lock). Every other session of the user ends; the one that changed the password stays
   * signed in.
   */
  async changePassword(
    em: EntityManager,
    principal: UserPrincipal,
    passwords: { current: string; next: string },
    origin: RequestOrigin,
  ): Promise<void> {
    await checkCredentials(em, async (tx) => {
      const account = await lockAccountForCheck(tx, { id: principal.userId });
      if (!account) throw new AppError('NOT_FOUND', 'The member does not exist');
      const throttled = throttledUntil(account);
      if (throttled) return throttledRefusal(throttled);
      if (!account.passwordHash || !(await verifyPassword(account.passwordHash, passwords.current))) {
        await countFailedSignIn(tx, {
          account: { id: account.id, tenantId: principal.tenantId },
          origin,
          payload: { reason: 'wrong_current_password' },
        });
        return new AppError('VALIDATION_FAILED', 'currentPassword is not correct', {
          details: { fields: [{ field: 'currentPassword', message: 'is not correct' }] },
        });
      }
      const problems = passwordProblems(passwords.next, { email: account.email });
      if (passwords.next === passwords.current) problems.push('must differ from the current password');
      if (problems.length > 0) throw invalidPassword(problems, 'newPassword');
      account.passwordHash = await hashPassword(passwords.next);
      account.failedLoginCount = 0;
      account.throttledUntil = null;
      await this.sessions.revokeUserSessions(tx, account.id, 'password_changed', principal.sessionId);
      recordEvent(tx, {
        type: 'user.password_changed',
        tenantId: principal.tenantId,
        actorUserId: account.id,
        subjectUserId: account.id,
        origin,
      });
      return undefined;
    });
  }

  /**
   * The methods (amr) of a sign-in whose password was right: adds `otp` when a factor is enrolled
   * (the password sign-in asks only when lockAccountForSignIn saw a confirmed one).
   * A wrong code is counted and returned as OTP_INVALID, to be thrown once the count is committed.
   */
  private async secondFactor(
    tx: EntityManager,
    account: SignInAccount,
    code: string | null | undefined,
    origin: RequestOrigin,
  ): Promise<string[] | AppError> {
    const factor = await this.totp.confirmedFactor(tx, account.id);
    if (!factor) return ['pwd'];
    if (!code) {
      // The ticket lets the client send the code alone next (completeMfaSignIn).
      const mfaTicket = account.passwordHash
        ? this.mfaTickets.issue({ id: account.id, passwordHash: account.passwordHash })
        : undefined;
      throw new AppError('MFA_REQUIRED', undefined, mfaTicket ? { details: { mfaTicket } } : {});
    }
    const method = await this.totp.consume(tx, factor, code);
    if (method) return ['pwd', 'otp'];
    await this.countFailure(tx, account, origin, 'wrong_otp');
    return new AppError('OTP_INVALID');
  }

  private countFailure(
    em: EntityManager,
    account: SignInAccount,
    origin: RequestOrigin,
    reason: 'wrong_password' | 'wrong_otp',
  ) {
    return countFailedSignIn(em, {
      account: { id: account.id, tenantId: account.tenant.id },
      origin,
      payload: { reason },
    });
  }

  /** Signs after the unit of work is committed: the signing key is read on another connection. */
  private async issue(account: SignInAccount, session: OpenedSession, refreshToken: string): Promise<IssuedTokens> {
    const access = await this.signingKeys.signAccessToken({
      userId: account.id,
      tenantId: account.tenant.id,
      role: account.role,
      sessionId: session.id,
      scopes: [],
      amr: session.amr,
      authTime: Math.floor(session.authTime.getTime() / 1000),
      sessionEndsAt: this.sessions.endsUnlessRefreshed(session),
    });
    return { accessToken: access.token, refreshToken, expiresIn: access.expiresIn, account };
  }
}
