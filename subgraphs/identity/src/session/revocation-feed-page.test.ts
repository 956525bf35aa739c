import { describe, expect, it } from 'vitest';
import type { RevocationFeedEntry } from '../../../../lib/auth/revocation.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { revocationFeedPage } from './revocation-feed-page.js';
import { REVOCATION_FEED_PAGE } from './session.service.js';

const at = (second: number) => new Date(Date.UTC(2026, 11, 6, 12, 0, second)).toISOString();
const entry = (id: string, second: number): RevocationFeedEntry => ({ sessionId: id, revokedAt: at(second), until: 0 });

/** The feed's page from these ended sessions and withdrawn keys (each already `since`-filtered). */
function page(ended: RevocationFeedEntry[], withdrawn: RevocationFeedEntry[]) {
  return revocationFeedPage({} as EntityManager, new Date(0), {
    sessions: { revokedSince: async () => ended },
    signingKeys: { withdrawnSince: async () => withdrawn },
  });
}

describe("identity's revocation feed page", () => {
  it('lists withdrawn keys among the ended sessions, oldest first', async () => {
    const listed = await page([entry('s1', 1), entry('s2', 3)], [entry('signing-key:a', 2), entry('signing-key:b', 4)]);
    expect(listed.map((e) => e.sessionId)).toEqual(['s1', 'signing-key:a', 's2', 'signing-key:b']);
  });

  it('leaves a withdrawal later than a full page of sessions for the next page, which starts there', async () => {
    // Followers move their cursor to the newest entry read: a later withdrawal listed now would skip
    // every session between the page's end and it.
    const ended = Array.from({ length: REVOCATION_FEED_PAGE }, (_, i) => entry(`s${i}`, Math.floor(i / 200)));
    const listed = await page(ended, [entry('signing-key:early', 10), entry('signing-key:late', 55)]);
    const ids = listed.map((e) => e.sessionId);
    expect(ids).toContain('signing-key:early');
    expect(ids).not.toContain('signing-key:late');
    expect(listed).toHaveLength(REVOCATION_FEED_PAGE + 1);
  });
});
