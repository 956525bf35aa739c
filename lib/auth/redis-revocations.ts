import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { loadIoredis } from '../redis/load-ioredis.js';
import { AppError } from '../errors/index.js';
import { FailureStreak } from '../logging/failure-streak.js';
import type { Logger } from '../logging/logger.js';
import {
  REVOCATIONS_CHANNEL,
  REVOKED_KEY_PREFIX,
  RevocationMirror,
  type RevocationEntry,
} from './revocation-announcements.js';
import type { MemoryRevocations, SessionRevocations } from './session-revocations.js';

const redisKey = (sessionId: string) => `${REVOKED_KEY_PREFIX}${sessionId}`;

/**
 * After a failure, checks skip Redis this long before trying again: a hung Redis then costs one
 * command timeout per interval, not one per request.
 */
const REDIS_RETRY_AFTER_MS = 1_000;

/**
 * Replicas (REDIS_URL): one key per revoked session, expiring by itself, and an announcement of each
 * write that every replica's mirror follows, so that checks are answered in memory while the mirror
 * is in sync and by Redis while it is not. Its errors are the caller's.
 */
export class RedisRevocations implements SessionRevocations {
  private readonly redis: Redis;
  private readonly firstConnection: Promise<unknown>;
  private readonly mirror: RevocationMirror;

  constructor(url: string, logger: Logger, options: { readonly commandTimeoutMs?: number } = {}) {
    this.redis = new (loadIoredis().Redis)(url, {
      // A request never waits on reconnection attempts: while Redis is away commands fail at once,
      // and a hung server costs at most the command timeout.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 250,
      connectTimeout: 2_000,
    });
    // Reconnection errors repeat every few hundred ms; ResilientRevocations logs once per outage.
    this.redis.on('error', (error) => logger.debug({ err: error }, 'redis error'));
    // Commands right after start wait (briefly) for the first connection rather than fail.
    this.firstConnection = once(this.redis, 'ready', { signal: AbortSignal.timeout(1_000) }).catch(() => undefined);
    this.mirror = new RevocationMirror(url, this.redis, logger);
  }

  /** Every (re)connection: a Redis that restarted may have lost its keys. */
  onReady(listener: () => void): void {
    this.redis.on('ready', listener);
  }

  async revoke(sessionId: string, untilEpochSeconds: number): Promise<void> {
    await this.revokeAll([[sessionId, untilEpochSeconds]]);
  }

  async revokeAll(entries: readonly RevocationEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.firstConnection;
    // Whole seconds, as EXAT takes them: the keys, the announcement and this mirror say the same.
    const written = entries.map(([sessionId, until]): RevocationEntry => [sessionId, Math.ceil(until)]);
    const batch = this.redis.pipeline();
    for (const [sessionId, until] of written) batch.set(redisKey(sessionId), '1', 'EXAT', until);
    // After the keys, so that a mirror that subscribed and then scanned cannot miss one.
    batch.publish(REVOCATIONS_CHANNEL, JSON.stringify(written));
    for (const [error] of (await batch.exec()) ?? []) if (error) throw error;
    this.mirror.remember(written);
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    if (this.mirror.complete) return this.mirror.isRevoked(sessionId);
    await this.firstConnection;
    return (await this.redis.exists(redisKey(sessionId))) === 1;
  }

  async close(): Promise<void> {
    await this.mirror.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * Redis as a cache of the database's truth, not a single point of failure. Writes go to this
 * process's copy and, best effort, to Redis; checks ask the copy, then Redis. While Redis fails,
 * the copy answers alone, which it may because it follows identity's feed (PollingRevocations,
 * always running, so warm): a logout elsewhere is then refused within the feed's interval. If the
 * feed is out of date too, nothing can vouch for a session and the check fails closed (503). When
 * Redis is back, possibly empty after a restart, every live entry of the copy is written into it.
 */
export class ResilientRevocations implements SessionRevocations {
  /** Checks and writes done without Redis: one warning when it goes, one line when it is back. */
  private readonly redisHealth: FailureStreak;
  private retryRedisAt = 0;
  private lastRedisError: unknown;
  private catchingUp: Promise<void> | undefined;

  constructor(
    private readonly redis: RedisRevocations,
    private readonly local: MemoryRevocations,
    logger: Logger,
  ) {
    this.redisHealth = new FailureStreak(logger, {
      failing: "Redis unreachable: ended sessions are checked against identity's revocation feed until it is back",
      recovered: 'Redis reachable again: ended sessions written back',
    });
    redis.onReady(() => void this.catchUp());
  }

  async revoke(sessionId: string, untilEpochSeconds: number): Promise<void> {
    await this.local.revoke(sessionId, untilEpochSeconds);
    try {
      await this.viaRedis(() => this.redis.revoke(sessionId, untilEpochSeconds), { evenIfPaused: true });
    } catch (error) {
      // Fails nothing: identity's feed (the database) carries the revocation to the other
      // processes, and catchUp writes it into Redis once Redis answers again.
      this.redisHealth.failed(error);
    }
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    if (await this.local.isRevoked(sessionId)) return true;
    try {
      return await this.viaRedis(() => this.redis.isRevoked(sessionId));
    } catch (error) {
      this.redisHealth.failed(error);
      if (await this.local.upToDate()) return this.local.isRevoked(sessionId);
      // Neither Redis nor identity's feed can tell: a token whose session cannot be checked is refused.
      throw new AppError('SERVICE_UNAVAILABLE', 'Session state is unavailable', { cause: error });
    }
  }

  async close(): Promise<void> {
    await this.redis.close();
    await this.local.close();
  }

  private async viaRedis<T>(command: () => Promise<T>, options: { evenIfPaused?: boolean } = {}): Promise<T> {
    if (!options.evenIfPaused && Date.now() < this.retryRedisAt) throw this.lastRedisError;
    try {
      const result = await command();
      if (this.redisHealth.failing) void this.catchUp();
      return result;
    } catch (error) {
      this.retryRedisAt = Date.now() + REDIS_RETRY_AFTER_MS;
      this.lastRedisError = error;
      throw error;
    }
  }

  /** Redis answers again (or reconnected, perhaps empty): it gets every live entry of the copy. */
  private catchUp(): Promise<void> {
    this.catchingUp ??= (async () => {
      try {
        const entries = this.local.entries();
        await this.redis.revokeAll(entries);
        this.retryRedisAt = 0;
        this.redisHealth.succeeded({ writtenBack: entries.length });
      } catch {
        // Still away: the next success or reconnection tries again.
      }
    })().finally(() => {
      this.catchingUp = undefined;
    });
    return this.catchingUp;
  }
}
