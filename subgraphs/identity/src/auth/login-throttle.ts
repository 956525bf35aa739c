import type { EntityManager } from '../../../../lib/db/orm.js';

/**
 * Per-account brute-force throttle, independent of per-client rate limits (an attacker rotating IPs
 * still hits it). From the 5th consecutive failure the account refuses sign-in for 30 s, doubling
 * with each further failure up to 15 min. A success resets it.
 */
export const THROTTLE_AFTER_FAILURES = 5;
const FIRST_THROTTLE_SECONDS = 30;
const MAX_THROTTLE_SECONDS = 15 * 60;

export function throttleSeconds(consecutiveFailures: number): number {
  if (consecutiveFailures < THROTTLE_AFTER_FAILURES) return 0;
  return Math.min(FIRST_THROTTLE_SECONDS * 2 ** (consecutiveFailures - THROTTLE_AFTER_FAILURES), MAX_THROTTLE_SECONDS);
}

export interface FailureOutcome {
  readonly failures: number;
  /** Set when this failure started a throttle. */
  readonly throttledUntil: Date | null;
}

/**
 * Counts a failure in one statement, so concurrent wrong guesses are all counted (no lost update),
 * and starts the throttle when the count calls for it.
 */
export async function recordFailedSignIn(em: EntityManager, userId: string): Promise<FailureOutcome> {
  const schema = em.config.get('schema');
  const [row] = await em.execute<{ failed_login_count: number }[]>(
    `update "${schema}"."user_account" set failed_login_count = failed_login_count + 1 where id = ? returning failed_login_count`,
    [userId],
  );
  const failures = row?.failed_login_count ?? 0;
  const seconds = throttleSeconds(failures);
  if (seconds === 0) return { failures, throttledUntil: null };
  const throttledUntil = new Date(Date.now() + seconds * 1000);
  await em.execute(`update "${schema}"."user_account" set throttled_until = ? where id = ?`, [throttledUntil, userId]);
  return { failures, throttledUntil };
}
