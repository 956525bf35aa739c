import { createSecretBox } from '../crypto/secret-box.js';
import type { SecretKeys } from '../crypto/secret-key.js';

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

/** Entries each cache below keeps: far more users than one process serves at once, a bounded memory. */
const CACHED_SEALS = 10_000;

/** A Map that forgets its oldest entry when full (insertion order). */
function remember<K, V>(cache: Map<K, V>, key: K, value: V): V {
  if (cache.size >= CACHED_SEALS) cache.delete(cache.keys().next().value as K);
  cache.set(key, value);
  return value;
}

/**
 * Sealing and opening are AES-GCM with a fresh IV: identity sealed and each of three subgraphs
 * opened the same facts at every federated request (3-5% of each one's CPU). Identity now hands out
 * a user's seal again while more than half its life is left (a tenant move changes the facts, hence
 * the key, at once), and an opener keeps what a sealed string said: the same bytes always decrypt to
 * the same facts, whose user and expiry are still checked at every open.
 */
export function createUserFactsSeal(secretKeys: SecretKeys, now: () => number = Date.now): UserFactsSeal {
  const box = createSecretBox(secretKeys, 'user-facts');
  const sealedByFacts = new Map<string, { readonly sealed: string; readonly expires: number }>();
  const openedBySeal = new Map<string, SealedPayload | null>();
  const payloadOf = (sealed: string): SealedPayload | null => {
    const known = openedBySeal.get(sealed);
    if (known !== undefined) return known;
    let payload: unknown;
    try {
      payload = JSON.parse(box.open(sealed));
    } catch {
      // Forged, truncated or sealed under another SECRET_KEY: no facts at all (not remembered:
      // anyone may send such strings, and they must not push out the real ones).
      return null;
    }
    return remember(openedBySeal, sealed, isSealedPayload(payload) ? payload : null);
  };
  return {
    seal({ id, tenantId, sub }) {
      const nowSeconds = Math.floor(now() / 1000);
      const key = JSON.stringify([id, tenantId, sub]);
      const reusable = sealedByFacts.get(key);
      if (reusable && reusable.expires - nowSeconds > USER_FACTS_TTL_SECONDS / 2) return reusable.sealed;
      const payload: SealedPayload = { i: id, t: tenantId, s: sub, e: nowSeconds + USER_FACTS_TTL_SECONDS };
      sealedByFacts.delete(key);
      return remember(sealedByFacts, key, { sealed: box.seal(JSON.stringify(payload)), expires: payload.e }).sealed;
    },
    open(sealed, id) {
      if (typeof sealed !== 'string' || sealed.length > 1024) return undefined;
      const payload = payloadOf(sealed);
      if (!payload || payload.i !== id || payload.e * 1000 <= now()) return undefined;
      return { id: payload.i, tenantId: payload.t, sub: payload.s };
    },
  };
}
