import { FailureStreak } from '../logging/failure-streak.js';
import type { Logger } from '../logging/logger.js';
import { RedisRevocations, ResilientRevocations } from './redis-revocations.js';
import { MemoryRevocations, type SessionRevocations } from './session-revocations.js';

export { RedisRevocations, ResilientRevocations } from './redis-revocations.js';
export { MemoryRevocations, type SessionRevocations } from './session-revocations.js';

export interface RevocationFeedEntry {
  readonly sessionId: string;
  readonly until: number;
  readonly revokedAt: string;
}

/** Identity's feed; a function when identity listens only later (the all-in-one process). */
export type RevocationFeedUrl = string | (() => string | undefined);

export interface RevocationFeedOptions {
  readonly url: RevocationFeedUrl;
  readonly intervalMs?: number;
  /** Identity follows its own feed: it cannot answer before it listens, so it waits one interval. */
  readonly pollAtOnce?: boolean;
}

const FEED_TIMEOUT_MS = 2_000;
/**
 * Each poll asks again for at least this much of the recent past: a session's `revokedAt` is set
 * before its transaction commits, so a slow commit can land behind entries already seen. Entries
 * repeat harmlessly, and an older cursor (catching up) still moves on page by page.
 */
const FEED_OVERLAP_MS = 30_000;

/**
 * Follows identity's revocation feed every few seconds: a revoked session's tokens are then refused
 * within that interval rather than at once. A gateway or subgraph without Redis uses it alone; with
 * Redis it runs in the background as the warm fallback for when Redis is away (ResilientRevocations).
 */
export class PollingRevocations extends MemoryRevocations {
  private cursor = Date.now() - 3_600_000;
  private lastPolledAt: number | undefined;
  private inFlight: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  /** An outage of the feed is one warning and one line when it ends, not a stack trace every poll. */
  private readonly feedHealth: FailureStreak;

  constructor(
    private readonly feedUrl: RevocationFeedUrl,
    private readonly logger: Logger,
    private readonly intervalMs = 2_000,
    pollAtOnce = true,
  ) {
    super();
    this.feedHealth = new FailureStreak(logger, {
      failing: 'revocation feed unavailable',
      recovered: 'revocation feed available again',
    });
    this.timer = setInterval(() => void this.poll(), intervalMs);
    this.timer.unref();
    if (pollAtOnce) void this.poll();
  }

  /** Up to date when a poll succeeded within a few intervals; otherwise it polls once more to be. */
  override async upToDate(): Promise<boolean> {
    if (this.fresh()) return true;
    await this.poll();
    return this.fresh();
  }

  /** Polls now; callers arriving while a poll is under way wait for that one. */
  poll(): Promise<void> {
    this.inFlight ??= this.fetchEntries().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private fresh(): boolean {
    return this.lastPolledAt !== undefined && Date.now() - this.lastPolledAt <= 3 * this.intervalMs + FEED_TIMEOUT_MS;
  }

  private async fetchEntries(): Promise<void> {
    const feedUrl = typeof this.feedUrl === 'string' ? this.feedUrl : this.feedUrl();
    if (!feedUrl) return;
    try {
      const since = new Date(Math.min(this.cursor, Date.now() - FEED_OVERLAP_MS)).toISOString();
      const answer = await fetch(`${feedUrl}?since=${encodeURIComponent(since)}`, {
        signal: AbortSignal.timeout(FEED_TIMEOUT_MS),
      });
      if (!answer.ok) throw new Error(`revocation feed answered ${answer.status}`);
      const entries = (await answer.json()) as RevocationFeedEntry[];
      for (const entry of entries) {
        await this.revoke(entry.sessionId, entry.until);
        this.cursor = Math.max(this.cursor, Date.parse(entry.revokedAt));
      }
      this.lastPolledAt = Date.now();
      this.feedHealth.succeeded();
    } catch (error) {
      this.feedHealth.failed(error, { feedUrl });
    }
  }

  override async close(): Promise<void> {
    clearInterval(this.timer);
    await super.close();
  }
}

/**
 * The store of ended sessions that identity and the gateway share. Without REDIS_URL, this one
 * process's memory. With it, Redis for every replica, and, while Redis is away, this process's own
 * copy: what it revoked itself plus identity's feed when `feed` is given (ResilientRevocations).
 */
export function createSharedRevocations(
  redisUrl: string | undefined,
  logger: Logger,
  feed?: RevocationFeedOptions,
): SessionRevocations {
  if (!redisUrl) return new MemoryRevocations();
  const local = feed
    ? new PollingRevocations(feed.url, logger, feed.intervalMs, feed.pollAtOnce)
    : new MemoryRevocations();
  return new ResilientRevocations(new RedisRevocations(redisUrl, logger), local, logger);
}
