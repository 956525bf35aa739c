import type { EntityManager } from '../../../../lib/db/orm.js';
import { picturePath } from './picture-path.js';
import { ProfilePicture } from './profile-picture.entity.js';

/**
 * For updateOwnProfile, inside its transaction: an explicit avatar URL replaces the uploaded picture,
 * which is deleted (one source of truth). Returns what to store as avatarUrl: null when the URL is the
 * uploaded picture's own (a profile form saved back unchanged), which then stays the avatar.
 */
export async function explicitAvatarOver(tx: EntityManager, userId: string, avatarUrl: string): Promise<string | null> {
  const picture = await tx.findOne(ProfilePicture, { userId });
  if (!picture) return avatarUrl;
  if (new URL(avatarUrl).pathname === picturePath(picture.userId, picture.sha256)) return null;
  await tx.nativeDelete(ProfilePicture, { userId });
  return avatarUrl;
}
