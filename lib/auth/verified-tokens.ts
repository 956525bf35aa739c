/**
 * Access tokens this process has verified, with what their signature proved, until they expire.
 *
 * Every federated request carries the same ES256 token to each subgraph, and a user sends it again
 * with every request for up to 30 minutes: verifying it once per process instead of once per request
 * takes the signature check (about a tenth of a subgraph's CPU) off the hot path. Only what a
 * verification established is remembered, keyed by the exact token text, so a token is never believed
 * for anything its own signature did not say; failures are not remembered (each is checked anew).
 * Whether the token's session has ended is not a property of the token: that check runs per request,
 * outside this cache (live-token.ts).
 */
export interface VerifiedTokenCacheOptions {
  /** Tokens remembered at most; the least recently used make room. */
  readonly maxEntries: number;
  /**
   * The longest a verification is reused, whatever the token's `exp`: not longer than the key set
   * itself is cached (jose's remote set, 10 minutes), so a key withdrawn from identity's JWKS stops
   * being believed no later than it would without this cache.
   */
  readonly maxAgeMs: number;
  /** Milliseconds since the epoch; tests move it. */
  readonly now?: () => number;
}

interface Entry<T> {
  readonly value: T;
  /** The token's `exp` (seconds since the epoch). */
  readonly expiresAt: number;
  /** Reused until then (milliseconds since the epoch). */
  readonly reuseUntil: number;
}

export class VerifiedTokenCache<T> {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  private readonly entries = new Map<string, Entry<T>>();
  private readonly now: () => number;

  constructor(private readonly options: VerifiedTokenCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * What verifying `token` proved, while the token is unexpired by the same test jose applies
   * (`exp` after the current whole second, no tolerance); undefined otherwise.
   */
  get(token: string): T | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    const now = this.now();
    this.entries.delete(token);
    if (entry.expiresAt <= Math.floor(now / 1000) || now >= entry.reuseUntil) return undefined;
    this.entries.set(token, entry);
    return entry.value;
  }

  /** Remembers a successful verification of `token`, which expires at `expiresAt` (seconds). */
  set(token: string, value: T, expiresAt: number): void {
    if (this.options.maxEntries <= 0) return;
    this.entries.delete(token);
    while (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(token, { value, expiresAt, reuseUntil: this.now() + this.options.maxAgeMs });
  }

  get size(): number {
    return this.entries.size;
  }
}
