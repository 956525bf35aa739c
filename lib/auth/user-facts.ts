import { createSecretBox } from '../crypto/secret-box.js';

/**
 * What other subgraphs need to know about one of identity's users to authorize access to their own
 * data about it: its tenant (group admins) and its subject (catalog's grants are keyed by it).
 */
export interface UserFacts {
  readonly id: string;
  readonly tenantId: string;
  readonly sub: string;
}

/**
 * Identity seals a user's facts into an opaque field (`User.accessFacts`, @inaccessible in the API)
 * that member, catalog and admin `@requires` instead of `tenantId` and `sub`. A representation sent
 * straight to a subgraph's port cannot then claim another tenant or subject: the seal (AES-256-GCM
 * under a key derived from SECRET_KEY, which only our processes hold) proves identity said it, and
 * only moments ago, so a tenant move is not outlived by an old seal.
 */
export interface UserFactsSeal {
  seal(facts: UserFacts): string;
  /** The facts if `sealed` is identity's, still fresh, and about user `id`; otherwise undefined. */
  open(sealed: unknown, id: string): UserFacts | undefined;
}

/** Longer than any query plan takes between identity's fetch and the next subgraph's; short enough to expire. */
export const USER_FACTS_TTL_SECONDS = 120;

interface SealedPayload {
  readonly i: string;
  readonly t: string;
  readonly s: string;
  /** Expiry, epoch seconds. */
  readonly e: number;
}

function isSealedPayload(value: unknown): value is SealedPayload {
  if (typeof value !== 'object' || value === null) return false;
  const payload = value as Record<string, unknown>;
  return (
    typeof payload['i'] === 'string' &&
    typeof payload['t'] === 'string' &&
    typeof payload['s'] === 'string' &&
    typeof payload['e'] === 'number'
  );
}

export function createUserFactsSeal(secretKey: string, now: () => number = Date.now): UserFactsSeal {
  const box = createSecretBox(secretKey, 'user-facts');
  return {
    seal({ id, tenantId, sub }) {
      const payload: SealedPayload = {
        i: id,
        t: tenantId,
        s: sub,
        e: Math.floor(now() / 1000) + USER_FACTS_TTL_SECONDS,
      };
      return box.seal(JSON.stringify(payload));
    },
    open(sealed, id) {
      if (typeof sealed !== 'string' || sealed.length > 1024) return undefined;
      let payload: unknown;
      try {
        payload = JSON.parse(box.open(sealed));
      } catch {
        // Forged, truncated or sealed under another SECRET_KEY: no facts at all.
        return undefined;
      }
      if (!isSealedPayload(payload) || payload.i !== id || payload.e * 1000 <= now()) return undefined;
      return { id: payload.i, tenantId: payload.t, sub: payload.s };
    },
  };
}
