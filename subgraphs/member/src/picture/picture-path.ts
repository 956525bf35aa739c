/** Where pictures are served (the gateway proxies the same path to this subgraph). */
export const PICTURE_PATH_PREFIX = '/media/profile-pictures';

/** The path is content-addressed: a new upload gets a new URL, so caches may keep one forever. */
export function picturePath(userId: string, sha256: string): string {
  return `${PICTURE_PATH_PREFIX}/${userId}/${sha256}`;
}
