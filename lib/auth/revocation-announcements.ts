import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { loadIoredis } from '../redis/load-ioredis.js';
import type { Logger } from '../logging/logger.js';
import { MemoryRevocations } from './session-revocations.js';

/** Where every write of revoked sessions is announced, right after its keys are set. */
export const REVOCATIONS_CHANNEL = 'membergraph:revoked-sessions';
export const REVOKED_KEY_PREFIX = 'membergraph:revoked-session:';

/** A silently dead subscription (no RST, a partition) is noticed within this interval plus the timeout. */
const HEARTBEAT_MS = 5_000;
const HEARTBEAT_TIMEOUT_MS = 1_000;
const SCAN_PAGE = 1_000;

export type RevocationEntry = readonly [sessionId: string, untilEpochSeconds: number];

/**
 * This process's mirror of the revoked sessions in Redis, so that a check costs no round trip.
 * It subscribes to the announcements first and then reads every key already there, so a revocation
 * is either announced after the subscription or found by the scan; only then is the mirror
 * `complete`. Any break of the subscription (a closed connection, a missed heartbeat) makes it
 * incomplete until it has subscribed and scanned again; meanwhile the owner asks Redis per check.
 *
 * What a mirror cannot promise: a check on another replica that races a revocation's write by less
 * than the announcement's delivery (well under a millisecond on one network) still passes, as a
 * check reaching Redis just before the write would have.
 */
export class RevocationMirror {
  private readonly subscriber: Redis;
  private readonly known = new MemoryRevocations();
  private synced = false;
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;

  constructor(
    url: string,
    /** The command connection (a subscribed connection can run no SCAN). */
    private readonly commands: Redis,
    private readonly logger: Logger,
  ) {
    this.subscriber = new (loadIoredis().Redis)(url, {
      // Subscribed again and rescanned on every (re)connection, by `resync`, not by ioredis.
      autoResubscribe: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2_000,
    });
    this.subscriber.on('error', (error) => logger.debug({ err: error }, 'redis subscriber error'));
    this.subscriber.on('close', () => this.lost());
    this.subscriber.on('ready', () => void this.resync());
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === REVOCATIONS_CHANNEL) this.learn(message);
    });
    this.heartbeat = setInterval(() => void this.checkAlive(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Whether `isRevoked` may be answered from here. */
  get complete(): boolean {
    return this.synced;
  }

  isRevoked(sessionId: string): Promise<boolean> {
    return this.known.isRevoked(sessionId);
  }

  /** Entries this process wrote itself, before their announcement comes back. */
  remember(entries: readonly RevocationEntry[]): void {
    for (const [sessionId, until] of entries) void this.known.revoke(sessionId, until);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    this.lost();
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
    await this.known.close();
  }

  private lost(): void {
    this.synced = false;
  }

  private learn(message: string): void {
    try {
      const entries = JSON.parse(message) as unknown;
      if (!Array.isArray(entries)) throw new Error('not a list');
      for (const entry of entries as unknown[]) {
        if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'number')
          throw new Error('not a [sessionId, until] pair');
        void this.known.revoke(entry[0], entry[1]);
      }
    } catch (error) {
      // Not ours to trust: checks go to Redis until the next resync reads the keys themselves.
      this.logger.warn({ err: error }, 'unreadable revocation announcement: checking Redis per request');
      this.lost();
      this.subscriber.disconnect(true);
    }
  }

  /** Subscribe, then read what is already there: nothing written in between can be missed. */
  private async resync(): Promise<void> {
    this.lost();
    try {
      if (this.commands.status !== 'ready') await once(this.commands, 'ready', { signal: AbortSignal.timeout(2_000) });
      await this.subscriber.subscribe(REVOCATIONS_CHANNEL);
      const nowMs = Date.now();
      let cursor = '0';
      do {
        const [next, keys] = await this.commands.scan(cursor, 'MATCH', `${REVOKED_KEY_PREFIX}*`, 'COUNT', SCAN_PAGE);
        cursor = next;
        if (keys.length === 0) continue;
        const batch = this.commands.pipeline();
        for (const key of keys) batch.pttl(key);
        const ttls = (await batch.exec()) ?? [];
        keys.forEach((key, i) => {
          const [error, ttl] = ttls[i] ?? [];
          if (!error && typeof ttl === 'number' && ttl > 0)
            void this.known.revoke(key.slice(REVOKED_KEY_PREFIX.length), Math.ceil((nowMs + ttl) / 1000));
        });
      } while (cursor !== '0');
      // A break during the scan ('close' above) leaves it incomplete; the reconnection syncs again.
      if (!this.closed && this.subscriber.status === 'ready') this.synced = true;
    } catch (error) {
      // Checks keep asking Redis; the next reconnection or heartbeat tries again.
      this.logger.debug({ err: error }, 'revocation mirror not synced');
      this.subscriber.disconnect(true);
    }
  }

  private async checkAlive(): Promise<void> {
    if (!this.complete) return;
    try {
      await Promise.race([
        this.subscriber.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('no pong')), HEARTBEAT_TIMEOUT_MS).unref()),
      ]);
    } catch (error) {
      this.logger.debug({ err: error }, 'revocation subscription silent: resubscribing');
      this.lost();
      this.subscriber.disconnect(true);
    }
  }
}
