/**
 * Sessions that ended before their access tokens did (logout, password change, refresh-token reuse).
 * Identity writes once the database has committed the end (the truth: its revocation feed reads
 * it); the gateway and the subgraphs check every authenticated request. An entry lives until the
 * last access token its session could have issued has expired.
 */
export interface SessionRevocations {
  revoke(sessionId: string, untilEpochSeconds: number): Promise<void>;
  isRevoked(sessionId: string): Promise<boolean>;
  close(): Promise<void>;
}

/** One process (the all-in-one `npm start`, tests): identity and gateway share this instance. */
export class MemoryRevocations implements SessionRevocations {
  private readonly until = new Map<string, number>();

  async revoke(sessionId: string, untilEpochSeconds: number): Promise<void> {
    this.until.set(sessionId, Math.max(untilEpochSeconds, this.until.get(sessionId) ?? 0));
    this.prune();
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    const until = this.until.get(sessionId);
    return until !== undefined && until > Date.now() / 1000;
  }

  /** The live entries, e.g. to write back into a Redis that restarted empty. */
  entries(): [sessionId: string, untilEpochSeconds: number][] {
    this.prune();
    return [...this.until];
  }

  /**
   * Whether this copy alone may say that a session has NOT ended. As a fallback for Redis it holds
   * only what this process revoked itself, so no; one following identity's feed may (below).
   */
  async upToDate(): Promise<boolean> {
    return false;
  }

  async close(): Promise<void> {
    this.until.clear();
  }

  private prune() {
    const now = Date.now() / 1000;
    for (const [sessionId, until] of this.until) if (until <= now) this.until.delete(sessionId);
  }
}
