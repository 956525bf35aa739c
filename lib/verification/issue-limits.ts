import { randomInt } from 'node:crypto';
import type { EntityManager } from '../db/orm.js';
import { lockUntilCommit } from '../db/transaction-lock.js';
import { AppError } from '../errors/index.js';

/**
 * What every code or link sent to an address shares, whichever subgraph sends it (member's business
 * e-mail and phone, identity's primary e-mail): how long it lives, how often one may be asked for,
 * and how many wrong guesses it takes. The `OTP_*` settings (lib/config/env.ts).
 */
export interface VerificationLimits {
  readonly ttlSeconds: number;
  readonly resendCooldownSeconds: number;
  readonly dailyLimitPerMember: number;
  readonly dailyLimitPerTarget: number;
  readonly maxAttempts: number;
}

export const VERIFICATION_CODE_DIGITS = 6;
export const DAY_MS = 86_400_000;

/** A uniformly random 6-digit code, leading zeros kept. */
export function newVerificationCode(): string {
  return String(randomInt(0, 10 ** VERIFICATION_CODE_DIGITS)).padStart(VERIFICATION_CODE_DIGITS, '0');
}

/**
 * Serializes the sends that count against one key (a member, an address) across replicas, until the
 * transaction ends. Callers take several keys in one fixed order so two sends cannot deadlock.
 */
export async function lockVerificationKey(tx: EntityManager, key: string): Promise<void> {
  await lockUntilCommit(tx, key);
}

/** What has been sent so far, as the caller's own table counts it. */
export interface SentSoFar {
  /** When the newest message for this member and purpose was sent (the cooldown runs from it). */
  readonly latestAt: Date | undefined;
  /** Messages to this member in the last 24 h. */
  readonly lastDayForMember: number;
  /** Messages to this address in the last 24 h. */
  readonly lastDayForTarget: number;
}

/**
 * OTP_COOLDOWN (with `retryAfterSeconds`) while the previous message is too recent, OTP_DAILY_LIMIT once
 * the member or the address had its day's share; undefined when another may be sent now.
 */
export function issueRefusal(sent: SentSoFar, limits: VerificationLimits, now: Date): AppError | undefined {
  const cooldownEnds = sent.latestAt ? sent.latestAt.getTime() + limits.resendCooldownSeconds * 1000 : 0;
  if (cooldownEnds > now.getTime()) {
    const retryAfterSeconds = Math.ceil((cooldownEnds - now.getTime()) / 1000);
    return new AppError('OTP_COOLDOWN', `A code was sent recently; ask again in ${retryAfterSeconds} s`, {
      details: { retryAfterSeconds },
    });
  }
  const memberFull = sent.lastDayForMember >= limits.dailyLimitPerMember;
  if (memberFull || sent.lastDayForTarget >= limits.dailyLimitPerTarget) {
    const scope = memberFull ? 'for this member' : 'for this address';
    return new AppError('OTP_DAILY_LIMIT', `The daily number of verification codes ${scope} is reached`);
  }
  return undefined;
}
