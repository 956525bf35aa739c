import type { RevocationFeedEntry } from '../../../../lib/auth/revocation.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import type { SigningKeyService } from '../keys/signing-key.service.js';
import { REVOCATION_FEED_PAGE, type SessionService } from './session.service.js';

/**
 * One answer of identity's revocation feed: sessions ended and signing keys withdrawn after `since`,
 * oldest first. Followers move their cursor to the newest entry they read, so when the sessions fill
 * a page, a withdrawal later than its last session waits for the next page rather than skip it.
 */
export async function revocationFeedPage(
  em: EntityManager,
  since: Date,
  sources: {
    readonly sessions: Pick<SessionService, 'revokedSince'>;
    readonly signingKeys: Pick<SigningKeyService, 'withdrawnSince'>;
  },
): Promise<RevocationFeedEntry[]> {
  const ended = await sources.sessions.revokedSince(em, since);
  const withdrawn = await sources.signingKeys.withdrawnSince(em, since);
  const pageEnd = ended.length >= REVOCATION_FEED_PAGE ? Date.parse(ended.at(-1)!.revokedAt) : Infinity;
  const inPage = withdrawn.filter((entry) => Date.parse(entry.revokedAt) <= pageEnd);
  if (inPage.length === 0) return ended;
  return [...ended, ...inPage].sort((a, b) => Date.parse(a.revokedAt) - Date.parse(b.revokedAt));
}
