import { UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import type { UserPrincipal } from '../../../../lib/auth/principal.js';
import type { SecretBox } from '../../../../lib/crypto/secret-box.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { AppError } from '../../../../lib/errors/index.js';
import { recordEvent } from '../../../../lib/events/record.js';
import type { RequestOrigin } from '../../../../lib/http/origin.js';
import {
  checkCredentials,
  countFailedSignIn,
  lockAccountForCheck,
  throttledRefusal,
  throttledUntil,
} from '../auth/login-throttle.js';
import { Session } from '../session/session.entity.js';
import { UserAccount } from '../user/user.entity.js';
import { BackupCode } from './backup-code.entity.js';
import { newBackupCodes, type BackupCodeHasher } from './backup-codes.js';
import { removeSecondFactor } from './second-factor.js';
import { matchTotpStep, newTotpSecret, otpauthUrl, TOTP_DIGITS, TOTP_ISSUER, TOTP_PERIOD_SECONDS } from './totp.js';
import { TotpFactor } from './totp-factor.entity.js';

/** A started enrollment must be confirmed within this long. */
export const ENROLLMENT_TTL_SECONDS = 600;
/** disableTotp needs a verifyTotp in the same session at most this long ago. */
export const STEP_UP_MAX_AGE_MS = 10 * 60_000;

export interface TotpStatus {
  readonly enrolled: boolean;
  readonly enrolledAt: Date | null;
  readonly backupCodesRemaining: number;
  readonly digits: number;
  readonly periodSeconds: number;
}

export interface TotpEnrollment {
  readonly otpauthUrl: string;
  readonly issuer: string;
  readonly account: string;
  readonly digits: number;
  readonly periodSeconds: number;
  readonly expiresIn: number;
}

export type SecondFactorMethod = 'totp' | 'backup_code';

/** 6 digits are an authenticator code, 8 a backup code; spaces and dashes are tolerated. */
function classify(code: string): { kind: SecondFactorMethod; code: string } | null {
  const digits = code.replace(/[\s-]/g, '');
  if (new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(digits)) return { kind: 'totp', code: digits };
  if (/^\d{8}$/.test(digits)) return { kind: 'backup_code', code: digits };
  return null;
}

/** Authenticator (TOTP) enrollment, verification and backup codes. */
export class TotpService {
  constructor(
    private readonly box: SecretBox,
    private readonly hashBackupCode: BackupCodeHasher,
  ) {}

  async status(em: EntityManager, userId: string): Promise<TotpStatus> {
    const factor = await this.confirmedFactor(em, userId);
    const backupCodesRemaining = factor ? await this.usableBackupCodes(em, userId) : 0;
    return {
      enrolled: factor !== null,
      enrolledAt: factor?.confirmedAt ?? null,
      backupCodesRemaining,
      digits: TOTP_DIGITS,
      periodSeconds: TOTP_PERIOD_SECONDS,
    };
  }

  /** A new secret, pending until confirmed; restarting replaces a pending one. */
  async enrollStart(em: EntityManager, userId: string): Promise<TotpEnrollment> {
    const account = await this.liveAccount(em, userId);
    const existing = await em.findOne(TotpFactor, { user: userId });
    if (existing?.confirmedAt) throw new AppError('TOTP_ALREADY_ENROLLED');
    const secret = newTotpSecret();
    const fields = {
      secretSealed: this.box.seal(secret),
      createdAt: new Date(),
      pendingExpiresAt: new Date(Date.now() + ENROLLMENT_TTL_SECONDS * 1000),
      lastUsedStep: 0,
    };
    if (existing) Object.assign(existing, fields);
    else em.create(TotpFactor, { user: account, ...fields });
    try {
      await em.flush();
    } catch (error) {
      // Two enrollments started at once: the other one won.
      if (error instanceof UniqueConstraintViolationException) throw new AppError('CONFLICT');
      throw error;
    }
    return {
      otpauthUrl: otpauthUrl(secret, account.email),
      issuer: TOTP_ISSUER,
      account: account.email,
      digits: TOTP_DIGITS,
      periodSeconds: TOTP_PERIOD_SECONDS,
      expiresIn: ENROLLMENT_TTL_SECONDS,
    };
  }

  /** The first correct code confirms the factor; the backup codes are returned this once only. */
  async enrollConfirm(
    em: EntityManager,
    principal: UserPrincipal,
    code: string,
    origin: RequestOrigin,
  ): Promise<string[]> {
    const factor = await em.findOne(TotpFactor, { user: principal.userId }, { populate: ['secretSealed'] });
    if (factor?.confirmedAt) throw new AppError('TOTP_ALREADY_ENROLLED');
    if (!factor?.pendingExpiresAt || factor.pendingExpiresAt <= new Date()) {
      throw new AppError('NOT_FOUND', 'No enrollment is pending; start a new one');
    }
    const totp = classify(code);
    const step = totp?.kind === 'totp' ? await matchTotpStep(this.box.open(factor.secretSealed), totp.code) : null;
    if (step === null) throw new AppError('OTP_INVALID');
    return em.transactional(async (tx) => {
      // Conditional: of two concurrent confirmations only one confirms (and issues codes).
      const confirmed = await tx.nativeUpdate(
        TotpFactor,
        { id: factor.id, confirmedAt: null, lastUsedStep: { $lt: step } },
        { confirmedAt: new Date(), pendingExpiresAt: null, lastUsedStep: step },
      );
      if (confirmed !== 1) throw new AppError('OTP_INVALID');
      const codes = await this.replaceBackupCodes(tx, principal.userId);
      recordEvent(tx, {
        type: 'user.totp_enrolled',
        tenantId: principal.tenantId,
        actorUserId: principal.userId,
        subjectUserId: principal.userId,
        origin,
      });
      return codes;
    });
  }

  /**
   * Step-up: a correct code marks the current session as recently verified. A wrong one counts
   * towards the account's sign-in throttle, and a throttled account is refused whatever the code: a
   * stolen access token must not buy unlimited guesses at the factor that guards disableTotp. The
   * account row is locked meanwhile, so concurrent guesses are judged one after the other and none
   * slips past the throttle the previous ones started.
   */
  async verify(em: EntityManager, principal: UserPrincipal, code: string, origin: RequestOrigin): Promise<void> {
    await checkCredentials(em, async (tx): Promise<AppError | null> => {
      const factor = await this.confirmedFactor(tx, principal.userId);
      // Deleting an account removes its factor: a gone account is not enrolled either.
      if (!factor) return new AppError('TOTP_NOT_ENROLLED');
      const account = await lockAccountForCheck(tx, { id: principal.userId });
      if (!account) throw new Error(`enrolled factor without its account ${principal.userId}`);
      const throttled = throttledUntil(account);
      if (throttled) return throttledRefusal(throttled);
      if (!(await this.consume(tx, factor, code))) {
        await countFailedSignIn(tx, {
          account: { id: account.id, tenantId: principal.tenantId },
          origin,
          payload: { reason: 'wrong_step_up_code' },
        });
        return new AppError('OTP_INVALID');
      }
      await tx.nativeUpdate(Session, { id: principal.sessionId, user: principal.userId }, { stepUpAt: new Date() });
      return null;
    });
  }

  async regenerateBackupCodes(em: EntityManager, userId: string): Promise<string[]> {
    await this.liveAccount(em, userId);
    if (!(await this.confirmedFactor(em, userId))) throw new AppError('TOTP_NOT_ENROLLED');
    return em.transactional((tx) => this.replaceBackupCodes(tx, userId));
  }

  /** Needs a verifyTotp in this very session within STEP_UP_MAX_AGE_MS: a stolen token alone cannot. */
  async disable(em: EntityManager, principal: UserPrincipal, origin: RequestOrigin): Promise<void> {
    await this.liveAccount(em, principal.userId);
    if (!(await this.confirmedFactor(em, principal.userId))) throw new AppError('TOTP_NOT_ENROLLED');
    const session = await em.findOne(Session, { id: principal.sessionId, user: principal.userId });
    const since = new Date(Date.now() - STEP_UP_MAX_AGE_MS);
    if (!session?.stepUpAt || session.stepUpAt < since) {
      throw new AppError('FORBIDDEN', 'Verify an authenticator or backup code first (verifyTotp)');
    }
    await em.transactional(async (tx) => {
      await removeSecondFactor(tx, principal.userId);
      recordEvent(tx, {
        type: 'user.totp_disabled',
        tenantId: principal.tenantId,
        actorUserId: principal.userId,
        subjectUserId: principal.userId,
        origin,
      });
    });
  }

  /**
   * The caller's account, or NOT_FOUND when it is gone (deleted by an administrator while a token
   * of it is still accepted somewhere): asked first, so that is what the caller hears.
   */
  private async liveAccount(em: EntityManager, userId: string): Promise<UserAccount> {
    const account = await em.findOne(UserAccount, { id: userId, deletedAt: null });
    if (!account) throw new AppError('NOT_FOUND', 'The member does not exist');
    return account;
  }

  /**
   * The user's confirmed factor (with its sealed secret), or null. Written as SQL and mapped (merged,
   * refreshing one already loaded) rather than built by `findOne`: every sign-in asks.
   */
  async confirmedFactor(em: EntityManager, userId: string): Promise<TotpFactor | null> {
    const schema = em.config.get('schema');
    const [row] = await em.execute<Record<string, unknown>[]>(
      `select * from "${schema}"."totp_factor" where user_id = ? and confirmed_at is not null limit 1`,
      [userId],
    );
    return row ? em.map(TotpFactor, row) : null;
  }

  /**
   * Accepts an authenticator code (each time step at most once) or an unused backup code (once).
   * Both are claimed by a conditional update, so of concurrent uses of one code exactly one wins.
   */
  async consume(em: EntityManager, factor: TotpFactor, code: string): Promise<SecondFactorMethod | null> {
    const parsed = classify(code);
    if (!parsed) return null;
    if (parsed.kind === 'backup_code') {
      const claimed = await em.nativeUpdate(
        BackupCode,
        // Codes hashed under a SECRET_KEY fallback still count: they never expire.
        { user: factor.user.id, codeHash: { $in: [...this.hashBackupCode.candidates(parsed.code)] }, usedAt: null },
        { usedAt: new Date() },
      );
      return claimed === 1 ? 'backup_code' : null;
    }
    const step = await matchTotpStep(this.box.open(factor.secretSealed), parsed.code);
    if (step === null) return null;
    const claimed = await em.nativeUpdate(
      TotpFactor,
      { id: factor.id, confirmedAt: { $ne: null }, lastUsedStep: { $lt: step } },
      { lastUsedStep: step },
    );
    return claimed === 1 ? 'totp' : null;
  }

  /**
   * Unused codes hashed under a key still set (SECRET_KEY or a fallback): once the key a code was
   * hashed under is gone, the code can never match again, and the member should make new ones.
   * Codes from before key ids were kept count as usable.
   */
  private usableBackupCodes(em: EntityManager, userId: string): Promise<number> {
    return em.count(BackupCode, {
      user: userId,
      usedAt: null,
      $or: [{ keyId: { $in: [...this.hashBackupCode.keyIds] } }, { keyId: null }],
    });
  }

  private async replaceBackupCodes(em: EntityManager, userId: string): Promise<string[]> {
    await em.nativeDelete(BackupCode, { user: userId });
    const codes = newBackupCodes();
    const user = em.getReference(UserAccount, userId);
    const keyId = this.hashBackupCode.keyId;
    for (const code of codes) em.create(BackupCode, { user, codeHash: this.hashBackupCode(code), keyId });
    await em.flush();
    return codes;
  }
}
