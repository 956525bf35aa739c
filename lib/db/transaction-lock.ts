import type { EntityManager } from './orm.js';

/**
 * Serializes, across every replica, the transactions that take the lock named `name`, until the
 * caller's transaction ends (a transaction-level advisory lock: nothing to release, even on error).
 * A statement run after it sees whatever the previous holder committed. Callers taking several
 * names take them in one fixed order, so two transactions cannot deadlock.
 */
export async function lockUntilCommit(tx: EntityManager, name: string): Promise<void> {
  await tx.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [name]);
}
