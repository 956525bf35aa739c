import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { patiently } from '../../../lib/async/patiently.js';
import { loadIoredis } from '../../../lib/redis/load-ioredis.js';
import type { Logger } from '../../../lib/logging/logger.js';
import {
  expiresAt,
  gcra,
  outcomeFrom,
  type GcraState,
  type RateLimitOutcome,
  type RateLimitPolicy,
} from './rate-limit-gcra.js';

/**
 * Where the per-client GCRA state lives. `hit` counts a request (worth `cost` requests, 1 unless
 * said) and decides it atomically.
 */
export interface RateLimitStore {
  hit(key: string, policy: RateLimitPolicy, cost?: number): Promise<RateLimitOutcome>;
  close(): Promise<void>;
}

export type Clock = () => number;

/**
 * One process (no REDIS_URL). Memory stays bounded: an entry whose TAT has passed is the same as no
 * entry (full budget), so sweeps drop it; past `maxKeys` live entries (an address-rotating flood) the
 * least recently used go first, which at worst hands those clients a fresh budget.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly states = new Map<string, GcraState>();
  private lastSweep: number;

  constructor(
    private readonly now: Clock = Date.now,
    private readonly maxKeys = 100_000,
    private readonly sweepEveryMs = 10_000,
  ) {
    this.lastSweep = now();
  }

  async hit(key: string, policy: RateLimitPolicy, cost = 1): Promise<RateLimitOutcome> {
    // Synchronous from read to write: concurrent requests in this process cannot interleave.
    const now = this.now();
    this.sweep(now);
    const step = gcra(this.states.get(key), now, policy, cost);
    if (step.outcome.allowed && step.state) {
      // Re-inserted so that Map order is least recently used first.
      this.states.delete(key);
      this.states.set(key, step.state);
      for (const oldest of this.states.keys()) {
        if (this.states.size <= this.maxKeys) break;
        this.states.delete(oldest);
      }
    }
    return step.outcome;
  }

  /** Live entries (tests). */
  get size(): number {
    return this.states.size;
  }

  async close(): Promise<void> {
    this.states.clear();
  }

  private sweep(now: number) {
    if (now - this.lastSweep < this.sweepEveryMs) return;
    this.lastSweep = now;
    for (const [key, state] of this.states) if (expiresAt(state) <= now) this.states.delete(key);
  }
}

/**
 * The GCRA step of rate-limit-gcra.ts in one atomic script, so replicas share budgets and concurrent
 * requests cannot both take the last one. State: "<aheadMs> <at in µs>". The clock is Redis's own
 * (TIME, integer µs) unless a test passes one, so replicas whose clocks drift still agree. Numbers
 * travel as strings with 17 digits: Redis truncates Lua numbers in replies, and Lua's default
 * formatting keeps only 14 digits.
 */
const GCRA_SCRIPT = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local interval = window / limit
local tolerance = math.min(0.01, interval / 2)
local ahead = 0
local state = redis.call('GET', KEYS[1])
if state then
  local sep = string.find(state, ' ', 1, true)
  local at = tonumber(string.sub(state, sep + 1))
  ahead = math.max(0, tonumber(string.sub(state, 1, sep - 1)) - math.max(0, now - at) / 1000)
end
local nxt = ahead + cost * interval
if nxt > window + tolerance then
  return {0, string.format('%.17g', ahead), string.format('%.17g', nxt - window)}
end
redis.call('SET', KEYS[1], string.format('%.17g %.17g', nxt, now), 'PX', math.ceil(nxt))
return {1, string.format('%.17g', nxt), '0'}
`;
const GCRA_SHA = createHash('sha1').update(GCRA_SCRIPT).digest('hex');

export interface RedisStoreOptions {
  readonly url: string;
  readonly logger: Logger;
  /** Namespace of every key; tests give each run its own. */
  readonly keyPrefix?: string;
  /** Replaces Redis's clock (tests); milliseconds. */
  readonly now?: Clock;
  /**
   * How long a request waits for Redis's answer before the limiter gives up on it (and lets the
   * request through).
   */
  readonly commandTimeoutMs?: number;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 125;
/**
 * ioredis's own timeout only clears what a hung connection has queued; the request gave up at
 * `commandTimeoutMs` already. It must be well past that: its timer would otherwise reject an answer
 * that has arrived but is still unread (see `patiently`) whenever the process stalls that long.
 */
const QUEUE_TIMEOUT_FACTOR = 8;

export class RateLimitStoreTimeout extends Error {
  constructor(ms: number) {
    super(`rate limit store did not answer within ${ms} ms`);
  }
}

/** Replicas (REDIS_URL): every gateway shares each client's budget. */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly redis: Redis;
  private readonly keyPrefix: string;
  private readonly commandTimeoutMs: number;

  constructor(private readonly options: RedisStoreOptions) {
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.keyPrefix = options.keyPrefix ?? 'membergraph:rate-limit:';
    this.redis = new (loadIoredis().Redis)(options.url, {
      // A request never waits on reconnection attempts: while Redis is away, commands fail at once
      // and the limiter fails open (rate-limit.ts); a hung server costs a request the command
      // timeout, 125 ms.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: this.commandTimeoutMs * QUEUE_TIMEOUT_FACTOR,
      connectTimeout: 2_000,
      // The commands of concurrent requests go out as one write, and their answers come back in one
      // read.
      enableAutoPipelining: true,
    });
    // Reconnection errors repeat every few hundred ms; the limiter logs the failed requests instead.
    this.redis.on('error', () => undefined);
  }

  /** Waits (bounded) for the first connection, so a starting gateway does not fail open needlessly. */
  async ready(timeoutMs = 2_000): Promise<boolean> {
    if (this.redis.status === 'ready') return true;
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      await once(this.redis, 'ready', { signal: timeout });
      return true;
    } catch {
      this.options.logger.warn('rate limit store (Redis) is not reachable yet: requests pass unlimited until it is');
      return false;
    }
  }

  async hit(key: string, policy: RateLimitPolicy, cost = 1): Promise<RateLimitOutcome> {
    const args = [
      this.keyPrefix + key,
      String(policy.limit),
      String(policy.windowMs),
      this.options.now ? String(Math.round(this.options.now() * 1000)) : '',
      String(cost),
    ];
    // A process held off the CPU still counts an answer that arrived in time (patiently).
    const reply = await patiently(
      this.run(args),
      this.commandTimeoutMs,
      () => new RateLimitStoreTimeout(this.commandTimeoutMs),
    );
    const [allowed, aheadMs, retryAfterMs] = parseReply(reply);
    return outcomeFrom(policy, allowed, aheadMs, retryAfterMs);
  }

  private async run(args: string[]): Promise<unknown> {
    try {
      return await this.redis.evalsha(GCRA_SHA, 1, ...args);
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
      return await this.redis.eval(GCRA_SCRIPT, 1, ...args);
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

function parseReply(reply: unknown): [boolean, number, number] {
  if (!Array.isArray(reply) || reply.length !== 3) throw new Error('unexpected rate limit script reply');
  const [allowed, ahead, retry] = reply as unknown[];
  return [Number(allowed) === 1, Number(ahead), Number(retry)];
}
