import { TransactionPropagation } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { executePrepared, preparedStatement } from '../../../../lib/db/prepared.js';
import { AppError } from '../../../../lib/errors/index.js';
import type { EventPayload } from '../../../../lib/events/catalog.js';
import { recordEvent } from '../../../../lib/events/record.js';
import type { RequestOrigin } from '../../../../lib/http/origin.js';
import { timestamp } from '../../../../lib/db/rows.js';
import { accountColumnsOf, USER_COLUMNS, type UserRow } from '../user/user.service.js';
import type { AccountColumns } from '../user/user.types.js';
import { UserAccount } from '../user/user.entity.js';

/**
 * Per-account brute-force throttle, independent of per-client rate limits (an attacker rotating IPs
 * still hits it). From the 5th consecutive failure the account refuses sign-in for 30 s, doubling
 * with each further failure up to 15 min. A success resets it. Wrong passwords and wrong second
 * factors count alike, at sign-in and at step-up (verifyTotp).
 *
 * Every check of an account's credentials runs in one transaction that first locks the account row
 * (lockAccountForCheck), reads the throttle under the lock, verifies, then counts or resets: without
 * the lock a burst of concurrent guesses would all pass the throttle before any of them was counted.
 * The one exception writes nothing but a success, and only onto the row version it read, which any
 * count or throttle replaces (auth.service.ts signInAtOnce, sign-in-writes.ts).
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
 * and starts the throttle when the count calls for it. Use countFailedSignIn, which also records
 * the events in the same transaction.
 */
async function recordFailedSignIn(em: EntityManager, userId: string): Promise<FailureOutcome> {
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

export interface FailedSignIn {
  /** Null for an unknown e-mail address: the same statements run, on no row. */
  readonly account: { readonly id: string; readonly tenantId: string } | null;
  readonly origin: RequestOrigin;
  /** Why it failed (`reason`) and what else the event should say (the catalog declares it). */
  readonly payload: Omit<EventPayload<'user.login_failed'>, 'failures'>;
}

/**
 * A failed sign-in (or step-up): counted towards the throttle and recorded as `user.login_failed`,
 * plus `user.login_throttled` when it starts a throttle. One transaction: the counter and its events
 * commit together or not at all (transactional outbox). It joins the caller's transaction (the one
 * holding the account lock) rather than nesting a savepoint.
 */
export async function countFailedSignIn(em: EntityManager, failure: FailedSignIn): Promise<FailureOutcome> {
  const { account, origin } = failure;
  return em.transactional(
    async (tx) => {
      const outcome = await recordFailedSignIn(tx, account?.id ?? randomUUID());
      const subject = { tenantId: account?.tenantId ?? null, subjectUserId: account?.id ?? null, origin };
      recordEvent(tx, {
        type: 'user.login_failed',
        ...subject,
        payload: { ...failure.payload, ...(account ? { failures: outcome.failures } : {}) },
      });
      if (outcome.throttledUntil) {
        recordEvent(tx, {
          type: 'user.login_throttled',
          ...subject,
          payload: { until: outcome.throttledUntil.toISOString() },
        });
      }
      return outcome;
    },
    { propagation: TransactionPropagation.REQUIRED },
  );
}

/**
 * The account a credential check is about (with its password hash), its row locked until the
 * transaction ends and re-read, so the throttle state is the one the previous checks left. Taken
 * before any other row (factor, backup codes, sessions), as verifyTotp and account deletion do, so
 * that none of them deadlock. A query, not `tx.lock()`: MikroORM 6's lockPessimistic leaves out the
 * configured schema. No row (unknown e-mail) locks nothing, in the same statement. Written as SQL and
 * mapped (`tx.map` merges it, refreshing an entity already loaded) rather than built by `findOne`:
 * every sign-in runs it, and the query builder cost more than the statement.
 */
export async function lockAccountForCheck(
  tx: EntityManager,
  where: { readonly id: string } | { readonly email: string },
): Promise<UserAccount | null> {
  const schema = tx.config.get('schema');
  const [column, value] = 'id' in where ? ['id', where.id] : ['email', where.email];
  const [row] = await tx.execute<Record<string, unknown>[]>(
    `select * from "${schema}"."user_account" where "${column}" = ? limit 1 for update`,
    [value],
  );
  return row ? tx.map(UserAccount, row) : null;
}

/**
 * The account a sign-in checks and answers with, as its columns (an entity is one too): what the
 * throttle, the password, the second factor and the User of the answer need, and the tenant's id.
 */
export interface SignInAccount extends AccountColumns {
  readonly tenant: { readonly id: string };
  passwordHash?: string | null;
  throttledUntil?: Date | null;
}

/** What a sign-in reads of an account: its columns, whether a second factor is confirmed, its version. */
export interface SignInCheck {
  /** Not an entity: a sign-in writes the account by SQL (sign-in-writes.ts), never by a flush. */
  readonly account: SignInAccount;
  readonly hasConfirmedFactor: boolean;
  /**
   * The row version read (PostgreSQL's `xmin`: any change to the row makes a new one). A sign-in
   * written without the lock applies only while the row is still this version (sign-in-writes.ts).
   */
  readonly version: string;
}

interface SignInRow extends UserRow {
  readonly password_hash: string | null;
  readonly throttled_until: string | Date | null;
  readonly has_confirmed_factor: boolean;
  readonly version: string;
}

/** readAccountForSignIn's statement, by the key column and whether it locks the row. */
function signInRead(schema: string, column: 'id' | 'email', lock: boolean): string {
  return `select ${USER_COLUMNS}, password_hash, throttled_until, a.xmin::text as version,
            exists (select 1 from "${schema}"."totp_factor" f where f.user_id = a.id and f.confirmed_at is not null)
              as has_confirmed_factor
     from "${schema}"."user_account" a where a."${column}" = ? limit 1${lock ? ' for update of a' : ''}`;
}

/**
 * The account a sign-in checks (password, then MFA ticket), in one statement that also tells whether
 * a second factor is confirmed: most accounts have none, and their sign-in then needs no statement
 * for it. Locked (`lock`: lockAccountForCheck's lock, in the caller's transaction), or read as it
 * stands for the sign-in that needs no lock while its password hash is verified (auth.service.ts).
 * The row is read as columns, not merged into the unit of work as an entity (identity map,
 * snapshot, change set at commit): every sign-in runs this, and the entity cost more than the
 * statement.
 */
export async function readAccountForSignIn(
  em: EntityManager,
  where: { readonly id: string } | { readonly email: string },
  { lock }: { readonly lock: boolean },
): Promise<SignInCheck | null> {
  const [column, value] = 'id' in where ? (['id', where.id] as const) : (['email', where.email] as const);
  const statement = preparedStatement(signInRead(em.config.get('schema') ?? 'public', column, lock));
  const [row] = await executePrepared<SignInRow>(em, statement, [value]);
  if (!row) return null;
  const dates = { platform: em.getPlatform() };
  const account: SignInAccount = {
    ...accountColumnsOf(dates, row),
    tenant: { id: row.tenant_id },
    passwordHash: row.password_hash,
    throttledUntil: timestamp(dates, row.throttled_until),
  };
  return { account, hasConfirmedFactor: row.has_confirmed_factor, version: row.version };
}

/** readAccountForSignIn under lockAccountForCheck's lock, in the caller's transaction. */
export function lockAccountForSignIn(
  tx: EntityManager,
  where: { readonly id: string } | { readonly email: string },
): Promise<SignInCheck | null> {
  return readAccountForSignIn(tx, where, { lock: true });
}

/**
 * Runs a credential check in one transaction and throws its refusal after the commit. The check
 * returns (not throws) a refusal that has something to commit, a counted failure or a recorded
 * event; an error it throws rolls everything back.
 */
export async function checkCredentials<T>(
  em: EntityManager,
  check: (tx: EntityManager) => Promise<T | AppError>,
): Promise<T> {
  const verdict = await em.transactional(check);
  if (verdict instanceof AppError) throw verdict;
  return verdict;
}

/** The throttle's end, when it is still running. */
export function throttledUntil(account: { readonly throttledUntil?: Date | null }, now = new Date()): Date | null {
  return account.throttledUntil && account.throttledUntil > now ? account.throttledUntil : null;
}

/** RATE_LIMITED with `details.retryAfterSeconds` (the REST layer sends it as Retry-After). */
export function throttledRefusal(until: Date): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
  return new AppError('RATE_LIMITED', 'Too many failed sign-ins; try again later', {
    details: { retryAfterSeconds },
  });
}
