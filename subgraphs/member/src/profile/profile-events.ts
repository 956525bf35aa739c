import type { EntityManager } from '../../../../lib/db/orm.js';
import { recordEvent } from '../../../../lib/events/record.js';
import type { ProfileOwner } from './profile-owner.js';

/**
 * `user.updated` for a member's own change, in the transaction of the change. Only the names of the
 * changed fields go into the event: audit entries and webhooks must not copy personal data around.
 */
export function recordProfileUpdate(tx: EntityManager, owner: ProfileOwner, changed: readonly string[]): void {
  if (changed.length === 0) return;
  recordEvent(tx, {
    type: 'user.updated',
    tenantId: owner.tenantId,
    actorUserId: owner.userId,
    subjectUserId: owner.userId,
    ...(owner.origin ? { origin: owner.origin } : {}),
    payload: { changed: [...changed].sort() },
  });
}
