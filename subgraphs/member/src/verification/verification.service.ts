import { LockMode } from '@mikro-orm/postgresql';
import type { KeyedHasher } from '../../../../lib/crypto/keyed-hash.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { isUuid } from '../../../../lib/db/uuid.js';
import { AppError } from '../../../../lib/errors/index.js';
import type { Logger } from '../../../../lib/logging/logger.js';
import type { RequestOrigin } from '../../../../lib/http/origin.js';
import { translate } from '../../../../lib/i18n/catalog.js';
import { localeForRequest, type Locale } from '../../../../lib/i18n/locales.js';
import { MemberProfile } from '../profile/member-profile.entity.js';
import { recordProfileUpdate } from '../profile/profile-events.js';
import type { ProfileOwner } from '../profile/profile-owner.js';
import { checkEmail, checkPhone, ensureProfile } from '../profile/profile.service.js';
import { requireSender, type CodeDelivery } from '../../../../lib/delivery/code-delivery.js';
import type { OutgoingCode } from '../../../../lib/delivery/sender.js';
import {
  DAY_MS,
  issueRefusal,
  lockVerificationKey,
  newVerificationCode,
  type VerificationLimits,
} from '../../../../lib/verification/issue-limits.js';
import { VerificationChallenge, VerificationPurpose } from './verification-challenge.entity.js';

export interface StartedChallenge {
  readonly challengeId: string;
  readonly expiresIn: number;
}

/** What differs between proving an e-mail address and a phone number. */
interface Channel {
  readonly name: 'email' | 'sms';
  readonly label: string;
  /** The stored form of a target, or why it is refused. */
  normalize(raw: string): { ok: true; value: string } | { ok: false; message: string };
  message(locale: Locale, target: string, code: string, ttlMinutes: number): OutgoingCode;
  prove(profile: MemberProfile, target: string, at: Date): void;
}

const channels: Record<VerificationPurpose, Channel> = {
  [VerificationPurpose.BUSINESS_EMAIL]: {
    name: 'email',
    label: 'e-mail address',
    normalize(raw) {
      const checked = checkEmail(raw);
      return checked.ok ? checked : { ok: false, message: checked.message };
    },
    message: (locale, to, code, minutes) => ({
      to,
      subject: translate(locale, 'mail.businessEmail.subject', { code }),
      text: translate(locale, 'mail.businessEmail.body', { code, minutes }),
    }),
    prove(profile, target, at) {
      profile.businessEmail = target;
      profile.businessEmailVerifiedAt = at;
    },
  },
  [VerificationPurpose.BUSINESS_PHONE]: {
    name: 'sms',
    label: 'phone number',
    normalize(raw) {
      const checked = checkPhone(raw.trim());
      return checked.ok ? checked : { ok: false, message: checked.message };
    },
    message: (locale, to, code, minutes) => ({
      to,
      subject: translate(locale, 'sms.businessPhone.subject'),
      text: translate(locale, 'sms.businessPhone.body', { code, minutes }),
    }),
    prove(profile, target, at) {
      profile.businessPhone = target;
      profile.businessPhoneVerifiedAt = at;
    },
  },
};

function required(field: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field} is required`, {
    details: { fields: [{ field, message: 'is required' }], required: true },
  });
}

function malformed(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field} ${message}`, { details: { fields: [{ field, message }] } });
}

type Verdict =
  { readonly ok: true; readonly profile: MemberProfile } | { readonly ok: false; readonly error: AppError };

/**
 * Proving a business e-mail address or phone number with a 6-digit code (seed 003). Codes are stored
 * keyed-hashed, expire, are single use, and a challenge locks after `maxAttempts` wrong codes; the
 * checks run under a row lock so concurrent guesses are counted one by one.
 */
export class VerificationService {
  constructor(
    private readonly delivery: CodeDelivery,
    private readonly hashCode: KeyedHasher,
    private readonly limits: VerificationLimits,
    private readonly logger: Logger,
  ) {}

  /**
   * Sends a code. Its words are in the request's `ui_locales`, else the member's profile language,
   * else the request's Accept-Language (`origin`, as the gateway forwarded them), else English.
   */
  async start(
    em: EntityManager,
    owner: ProfileOwner,
    purpose: VerificationPurpose,
    rawTarget: string | null | undefined,
    origin: Pick<RequestOrigin, 'uiLocales' | 'acceptLanguage'> = {},
    clock: () => Date = () => new Date(),
  ): Promise<StartedChallenge> {
    const channel = channels[purpose];
    if (rawTarget === undefined || rawTarget === null || rawTarget.trim() === '') throw required('target');
    const normalized = channel.normalize(rawTarget);
    if (!normalized.ok) throw malformed('target', normalized.message);
    const target = normalized.value;
    // Before anything is stored: a challenge that can never be delivered must not start a cooldown.
    const send = requireSender(this.delivery[channel.name], channel.name);

    const code = newVerificationCode();
    const challenge = await em.transactional(async (tx) => {
      // Member first, then address: every start takes them in this order, so two cannot deadlock.
      await lockVerificationKey(tx, `verification:member:${owner.userId}`);
      await lockVerificationKey(tx, `verification:target:${target}`);
      // Read once the locks are held: a start that waited for another one is later than it, so the
      // cooldown never counts against it the time it spent waiting.
      const now = clock();
      await this.checkLimits(tx, owner, purpose, target, now);
      const created = tx.create(VerificationChallenge, {
        userId: owner.userId,
        tenantId: owner.tenantId,
        purpose,
        target,
        codeHash: this.hashCode(code),
        expiresAt: new Date(now.getTime() + this.limits.ttlSeconds * 1000),
        createdAt: now,
      });
      await tx.flush();
      return created;
    });

    const profile = await em.fork().findOne(MemberProfile, { userId: owner.userId }, { fields: ['language'] });
    const locale = localeForRequest(origin, profile?.language);
    try {
      await send(channel.message(locale, target, code, Math.ceil(this.limits.ttlSeconds / 60)));
    } catch (error) {
      // Undelivered: forget it, so it neither blocks a retry (cooldown) nor counts toward the limits,
      // and the code the member already has keeps working.
      await em.fork().nativeDelete(VerificationChallenge, { id: challenge.id });
      this.logger.error({ err: error, channel: channel.name }, 'verification code not delivered');
      throw new AppError('SERVICE_UNAVAILABLE', `The ${channel.label} could not be reached; try again later`);
    }
    await this.supersedeOlder(em.fork(), challenge);
    return { challengeId: challenge.id, expiresIn: this.limits.ttlSeconds };
  }

  /**
   * Only the newest delivered code for a purpose works: older ones still in someone's inbox die once
   * this one has arrived (not before, or a failed delivery would leave the member with no code).
   * "Older" is by (createdAt, id), one order for every start, so of two delivered at once the later
   * survives whichever finishes first.
   */
  private async supersedeOlder(em: EntityManager, challenge: VerificationChallenge): Promise<void> {
    const now = new Date();
    await em.nativeUpdate(
      VerificationChallenge,
      {
        userId: challenge.userId,
        purpose: challenge.purpose,
        consumedAt: null,
        expiresAt: { $gt: now },
        $or: [
          { createdAt: { $lt: challenge.createdAt } },
          { createdAt: challenge.createdAt, id: { $lt: challenge.id } },
        ],
      },
      { expiresAt: now },
    );
  }

  private async checkLimits(
    tx: EntityManager,
    owner: ProfileOwner,
    purpose: VerificationPurpose,
    target: string,
    now: Date,
  ): Promise<void> {
    const latest = await tx.findOne(
      VerificationChallenge,
      { userId: owner.userId, purpose },
      { orderBy: { createdAt: 'desc' }, fields: ['createdAt'] },
    );
    const since = new Date(now.getTime() - DAY_MS);
    const [lastDayForMember, lastDayForTarget] = await Promise.all([
      tx.count(VerificationChallenge, { userId: owner.userId, createdAt: { $gt: since } }),
      tx.count(VerificationChallenge, { target, createdAt: { $gt: since } }),
    ]);
    const refusal = issueRefusal({ latestAt: latest?.createdAt, lastDayForMember, lastDayForTarget }, this.limits, now);
    if (refusal) throw refusal;
  }

  /**
   * Checks a code. On success the address becomes the member's verified business e-mail or phone.
   * A wrong code is counted (and committed) before the refusal is returned.
   */
  async confirm(
    em: EntityManager,
    owner: ProfileOwner,
    purpose: VerificationPurpose,
    challengeId: string | null | undefined,
    code: string | null | undefined,
    now: Date = new Date(),
  ): Promise<MemberProfile> {
    if (!challengeId) throw required('challenge_id');
    if (code === undefined || code === null || code === '') throw required('code');
    if (!/^\d{6}$/.test(code)) throw malformed('code', 'must be 6 digits');
    if (!isUuid(challengeId)) throw new AppError('NOT_FOUND', 'No such verification challenge');

    const verdict = await em.transactional(async (tx): Promise<Verdict> => {
      const challenge = await tx.findOne(
        VerificationChallenge,
        { id: challengeId },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!challenge) throw new AppError('NOT_FOUND', 'No such verification challenge');
      if (challenge.tenantId !== owner.tenantId || challenge.userId !== owner.userId || challenge.purpose !== purpose)
        throw new AppError('FORBIDDEN', 'This challenge belongs to another member, tenant or purpose');
      if (challenge.failedAttempts >= this.limits.maxAttempts)
        throw new AppError('OTP_LOCKED', 'Too many wrong codes; start a new verification');
      if (challenge.consumedAt) throw new AppError('OTP_INVALID', 'This code has already been used');
      if (challenge.expiresAt <= now)
        throw new AppError('OTP_INVALID', 'This code has expired or a newer one was sent; start again');
      if (!this.hashCode.matches(code, challenge.codeHash)) {
        challenge.failedAttempts += 1;
        const left = this.limits.maxAttempts - challenge.failedAttempts;
        return {
          ok: false,
          error: new AppError('OTP_INVALID', `The code is wrong; ${left} attempt${left === 1 ? '' : 's'} left`, {
            details: { attemptsLeft: left },
          }),
        };
      }
      challenge.consumedAt = now;
      const profile = await ensureProfile(tx, owner, now);
      channels[purpose].prove(profile, challenge.target, now);
      recordProfileUpdate(tx, owner, [
        purpose === VerificationPurpose.BUSINESS_EMAIL ? 'businessEmailVerified' : 'businessPhoneVerified',
      ]);
      return { ok: true, profile };
    });
    if (!verdict.ok) throw verdict.error;
    return verdict.profile;
  }
}
