import type { SubgraphDatabase } from '../../../../lib/db/orm.js';
import type { AcceptedEvent } from '../../../../lib/events/wire.js';
import { revokeGrantsOfDeletedAccount } from '../permission/permission.service.js';

/**
 * Consumes identity's `user.deleted`: the grants of the account's subject go (its `sub`; the user id
 * for an event recorded before `sub` was, which is the subject of an account without an external
 * one), with their permission.revoked events, in one transaction for the batch.
 */
export function revokeDeletedAccounts(database: SubgraphDatabase) {
  return async (events: readonly AcceptedEvent[]): Promise<void> => {
    const deletions = events.flatMap((event) => {
      if (event.type !== 'user.deleted') return [];
      const userSub = event.payload.sub ?? event.subjectUserId;
      return userSub ? [{ userSub, userId: event.subjectUserId, actorUserId: event.actorUserId }] : [];
    });
    if (deletions.length === 0) return;
    await database.fork().transactional(async (tx) => {
      for (const deletion of deletions) await revokeGrantsOfDeletedAccount(tx, deletion);
    });
  };
}
