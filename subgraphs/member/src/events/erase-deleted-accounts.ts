import type { SubgraphDatabase } from '../../../../lib/db/orm.js';
import type { AcceptedEvent } from '../../../../lib/events/wire.js';
import { ProfilePicture } from '../picture/profile-picture.entity.js';
import { MemberProfile } from '../profile/member-profile.entity.js';
import { VerificationChallenge } from '../verification/verification-challenge.entity.js';

/**
 * Consumes identity's `user.deleted`: the account's profile (business e-mail and phone, birth date...),
 * its picture and its verification challenges go, in one transaction. Deleting what is already gone
 * changes nothing, so a batch delivered twice is harmless; the account cannot sign in to make them again.
 */
export function eraseDeletedAccounts(database: SubgraphDatabase) {
  return async (events: readonly AcceptedEvent[]): Promise<void> => {
    const userIds = events.flatMap((event) =>
      event.type === 'user.deleted' && event.subjectUserId ? [event.subjectUserId] : [],
    );
    if (userIds.length === 0) return;
    await database.fork().transactional(async (tx) => {
      await tx.nativeDelete(VerificationChallenge, { userId: { $in: userIds } });
      await tx.nativeDelete(ProfilePicture, { userId: { $in: userIds } });
      await tx.nativeDelete(MemberProfile, { userId: { $in: userIds } });
    });
  };
}
