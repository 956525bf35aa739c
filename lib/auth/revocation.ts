import { Redis } from 'ioredis';
import { AppError } from '../errors/index.js';
import type { Logger } from '../logging/logger.js';

/**
 * Sessions that ended before their access tokens did (logout, password change, refresh-token reuse).
 * Identity writes; the gateway checks every authenticated request. An entry lives until the last
 * access token its session could have issued has expired.
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

  async close(): Promise<void> {
    this.until.clear();
  }

  private prune() {
    const now = Date.now() / 1000;
    for (const [sessionId, until] of this.until) if (until <= now) this.until.delete(sessionId);
  }
}

const redisKey = (sessionId: string) => `membergraph:revoked-session:${sessionId}`;

/** Replicas (REDIS_URL): one key per revoked session, expiring by itself. */
export class RedisRevocations implements SessionRevocations {
  private readonly redis: Redis;

  constructor(url: string, logger: Logger) {
    this.redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true });
    this.redis.on('error', (error) => logger.warn({ err: error }, 'redis error'));
  }

  async revoke(sessionId: string, untilEpochSeconds: number): Promise<void> {
    await this.redis.set(redisKey(sessionId), '1', 'EXAT', Math.ceil(untilEpochSeconds));
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    try {
      return (await this.redis.exists(redisKey(sessionId))) === 1;
    } catch (error) {
      // Fail closed: a token whose session cannot be checked is not accepted.
      throw new AppError('SERVICE_UNAVAILABLE', 'Session state is unavailable', { cause: error });
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}

export interface RevocationFeedEntry {
  readonly sessionId: string;
  readonly until: number;
  readonly revokedAt: string;
}

/**
 * A gateway on its own without Redis: it follows identity's revocation feed every few seconds. A
 * revoked session's tokens are then refused within that interval rather than at once; run Redis
 * to make it immediate across replicas.
 */
export class PollingRevocations extends MemoryRevocations {
  private cursor = new Date(Date.now() - 3_600_000).toISOString();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly feedUrl: string,
    private readonly logger: Logger,
    intervalMs = 2_000,
    /** Identity follows its own feed: it cannot answer before it listens, so it waits one interval. */
    pollAtOnce = true,
  ) {
    super();
    this.timer = setInterval(() => void this.poll(), intervalMs);
    this.timer.unref();
    if (pollAtOnce) void this.poll();
  }

  private async poll(): Promise<void> {
    try {
      const answer = await fetch(`${this.feedUrl}?since=${encodeURIComponent(this.cursor)}`, {
        signal: AbortSignal.timeout(2_000),
      });
      if (!answer.ok) throw new Error(`revocation feed answered ${answer.status}`);
      const entries = (await answer.json()) as RevocationFeedEntry[];
      for (const entry of entries) {
        await this.revoke(entry.sessionId, entry.until);
        if (entry.revokedAt > this.cursor) this.cursor = entry.revokedAt;
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'revocation feed unavailable');
    }
  }

  override async close(): Promise<void> {
    clearInterval(this.timer);
    await super.close();
  }
}

export function createSharedRevocations(redisUrl: string | undefined, logger: Logger): SessionRevocations {
  return redisUrl ? new RedisRevocations(redisUrl, logger) : new MemoryRevocations();
}
