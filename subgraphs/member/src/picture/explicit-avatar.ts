import type { EntityManager } from '../../../../lib/db/orm.js';
import { picturePath } from './picture-path.js';
import { ProfilePicture } from './profile-picture.entity.js';

/**
 * For updateOwnProfile, inside its transaction: the member chose an avatar, so there is one source of
 * truth. An explicit URL replaces the uploaded picture and null (clearing the avatar) removes it; both
 * delete it. Says what to store as avatarUrl (null when the URL is the uploaded picture's own: a
 * profile form saved back unchanged, and the picture stays the avatar) and whether a picture went.
 */
export async function explicitAvatarOver(
  tx: EntityManager,
  userId: string,
  avatarUrl: string | null,
): Promise<{ readonly avatarUrl: string | null; readonly pictureRemoved: boolean }> {
  const picture = await tx.findOne(ProfilePicture, { userId });
  if (!picture) return { avatarUrl, pictureRemoved: false };
  if (avatarUrl !== null && new URL(avatarUrl).pathname === picturePath(picture.userId, picture.sha256))
    return { avatarUrl: null, pictureRemoved: false };
  await tx.nativeDelete(ProfilePicture, { userId });
  return { avatarUrl, pictureRemoved: true };
}
