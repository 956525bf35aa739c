import type { UserPrincipal } from '../../../../lib/auth/principal.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { AppError } from '../../../../lib/errors/index.js';
import { recordEvent } from '../../../../lib/events/record.js';
import type { RequestOrigin } from '../../../../lib/http/origin.js';
import { checkDisplayName } from '../../../../lib/people/display-name.js';
import { lockAccount } from './service-reach.js';
import type { UserAccount } from './user.entity.js';

export interface MyAccountUpdate {
  readonly displayName?: string | null;
}

/** The stored form of the update, or VALIDATION_FAILED naming the field (nothing is written then). */
function checked(update: MyAccountUpdate): { displayName?: string | null } {
  if (update.displayName === undefined || update.displayName === null) return { ...update };
  const name = checkDisplayName(update.displayName);
  if (name.ok) return { displayName: name.value };
  throw new AppError('VALIDATION_FAILED', `displayName ${name.message}`, {
    details: { fields: [{ field: 'displayName', message: name.message }] },
  });
}

/**
 * The signed-in user changes their own account. The name is identity's: every path that shows a
 * person's name (GraphQL, seeds 000, 003 and 004) reads this column and searches it.
 */
export async function updateMyAccount(
  em: EntityManager,
  caller: UserPrincipal,
  update: MyAccountUpdate,
  origin: RequestOrigin,
): Promise<UserAccount> {
  const changes = checked(update);
  return em.transactional(async (tx) => {
    const account = await lockAccount(tx, { id: caller.userId, deletedAt: null });
    if (!account) throw new AppError('NOT_FOUND', 'The account no longer exists');
    const changed = Object.keys(changes).filter(
      (key) => changes[key as keyof typeof changes] !== (account[key as keyof typeof changes] ?? null),
    );
    if (changed.length === 0) return account;
    tx.assign(account, changes);
    recordEvent(tx, {
      type: 'user.updated',
      tenantId: account.tenant.id,
      actorUserId: caller.userId,
      subjectUserId: account.id,
      origin,
      payload: { changed },
    });
    return account;
  });
}
