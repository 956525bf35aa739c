import { LockMode, type FilterQuery } from '@mikro-orm/postgresql';
import type { Principal, Role } from '../../../../lib/auth/principal.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { AppError } from '../../../../lib/errors/index.js';
import { UserAccount } from './user.entity.js';

/**
 * A service (an API client) acts on ordinary accounts only. It holds keys, not a person's sign-in:
 * a password-setup ticket, a provisioning change or a deactivation it could make to an administrator
 * would hand whoever holds those keys the administrator's powers (or lock the administrator out).
 * Only `USER` is ordinary, so a role added later is out of a service's reach until someone decides.
 */
export function assertServiceMayChange(caller: Principal, account: { readonly role: Role }): void {
  if (caller.kind === 'service' && account.role !== 'USER') {
    throw new AppError('FORBIDDEN', 'A service may act on ordinary accounts only, not on an administrator');
  }
}

/**
 * The account row, locked until `tx` ends and re-read, for a change that depends on its role or
 * state. Promotion (setRole) takes the same lock, so it lands wholly before the check or wholly after
 * the change, never between. Taken before any other row, as sign-in and deletion do, so none of them
 * deadlock. A query, not `tx.lock()`: MikroORM 6's lockPessimistic leaves out the configured schema.
 */
export function lockAccount(tx: EntityManager, where: FilterQuery<UserAccount>): Promise<UserAccount | null> {
  return tx.findOne(UserAccount, where, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
}
