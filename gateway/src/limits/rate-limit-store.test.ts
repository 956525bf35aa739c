import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/logging/logger.js';
import { gcra, type GcraState, type RateLimitPolicy } from './rate-limit-gcra.js';
import { MemoryRateLimitStore, RedisRateLimitStore, type RateLimitStore } from './rate-limit-store.js';

const logger = createLogger({ logLevel: 'silent' }, 'test');
const minute = (limit: number): RateLimitPolicy => ({ limit, windowMs: 60_000 });
const redisUrl = process.env['TEST_REDIS_URL'];

/** A clock the test moves by hand. */
function manualClock(start = 1_775_000_000_000.5) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

type StoreFactory = (now: () => number) => RateLimitStore;

const stores: [string, StoreFactory | undefined][] = [
  ['memory', (now) => new MemoryRateLimitStore(now)],
  [
    'redis',
    redisUrl
      ? (now) => new RedisRateLimitStore({ url: redisUrl, logger, now, keyPrefix: `test:${randomUUID()}:` })
      : undefined,
  ],
];

const opened: RateLimitStore[] = [];
afterAll(async () => {
  await Promise.all(opened.map((store) => store.close()));
});

for (const [name, factory] of stores) {
  describe.skipIf(!factory)(`${name} rate limit store${factory ? '' : ' (set TEST_REDIS_URL to run)'}`, () => {
    const open = async (now: () => number) => {
      const store = factory!(now);
      opened.push(store);
      if (store instanceof RedisRateLimitStore) expect(await store.ready()).toBe(true);
      return store;
    };

    it('follows the GCRA arithmetic step for step (injected clock)', async () => {
      const clock = manualClock();
      const store = await open(clock.now);
      const policy = minute(7);
      let state: GcraState | undefined;
      // Bursts, pauses shorter and longer than one interval, a quiet minute; now and then a request
      // worth several (a GraphQL operation with several sign-in fields).
      const pauses = [0, 0, 0, 0, 0, 0, 0, 0, 1_000, 8_571, 8_572, 30_000, 0, 0, 0, 61_000, 0, 0, 20_000, 0, 0];
      for (const [i, pause] of pauses.entries()) {
        const cost = i % 4 === 3 ? 3 : 1;
        clock.advance(pause);
        const expected = gcra(state, clock.now(), policy, cost);
        state = expected.state;
        const actual = await store.hit('client', policy, cost);
        expect(actual.allowed).toBe(expected.outcome.allowed);
        expect(actual.remaining).toBe(expected.outcome.remaining);
        expect(actual.resetMs).toBeCloseTo(expected.outcome.resetMs, 1);
        expect(actual.retryAfterMs).toBeCloseTo(expected.outcome.retryAfterMs, 1);
      }
    });

    it('keeps clients and budgets apart', async () => {
      const clock = manualClock();
      const store = await open(clock.now);
      for (let i = 0; i < 2; i += 1) expect((await store.hit('a', minute(2))).allowed).toBe(true);
      expect((await store.hit('a', minute(2))).allowed).toBe(false);
      expect((await store.hit('b', minute(2))).allowed).toBe(true);
    });

    it('lets exactly the limit through when 30 requests race for 10', async () => {
      const store = await open(Date.now);
      const key = `race-${randomUUID()}`;
      const outcomes = await Promise.all(Array.from({ length: 30 }, () => store.hit(key, minute(10))));
      expect(outcomes.filter((o) => o.allowed)).toHaveLength(10);
      expect(
        outcomes
          .filter((o) => o.allowed)
          .map((o) => o.remaining)
          .sort((x, y) => x - y),
      ).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });
  });
}

describe('memory store bounds', () => {
  it('drops entries whose budget is whole again', async () => {
    const clock = manualClock();
    const store = new MemoryRateLimitStore(clock.now, 1_000, 10_000);
    for (let i = 0; i < 50; i += 1) await store.hit(`client-${i}`, minute(100));
    expect(store.size).toBe(50);
    clock.advance(60_001);
    await store.hit('someone', minute(100));
    expect(store.size).toBe(1);
  });

  it('never holds more than maxKeys clients, dropping the least recently seen', async () => {
    const clock = manualClock();
    const store = new MemoryRateLimitStore(clock.now, 3);
    await store.hit('a', minute(1));
    await store.hit('b', minute(1));
    await store.hit('c', minute(1));
    await store.hit('d', minute(1));
    expect(store.size).toBe(3);
    // `a` was dropped: it has its budget again; `d` has not.
    expect((await store.hit('a', minute(1))).allowed).toBe(true);
    expect((await store.hit('d', minute(1))).allowed).toBe(false);
  });
});

describe('redis store failure', () => {
  it('rejects quickly when Redis is unreachable, so the limiter can fail open', async () => {
    const store = new RedisRateLimitStore({ url: 'redis://127.0.0.1:1', logger });
    opened.push(store);
    expect(await store.ready(200)).toBe(false);
    const started = Date.now();
    await expect(store.hit('x', minute(1))).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe.skipIf(!redisUrl)('redis store under a stalled process', () => {
  it('keeps an answer that arrived while the event loop was held past the timeout', async () => {
    const store = new RedisRateLimitStore({
      url: redisUrl!,
      logger,
      keyPrefix: `test:${randomUUID()}:`,
      commandTimeoutMs: 50,
    });
    opened.push(store);
    expect(await store.ready()).toBe(true);
    for (let i = 0; i < 3; i += 1) {
      const outcome = store.hit('stalled', minute(10));
      // Auto-pipelined commands leave from a setImmediate; Redis answers while this process then
      // computes for 200 ms.
      await new Promise((resolve) => setImmediate(resolve));
      const until = Date.now() + 200;
      while (Date.now() < until) {
        // held off the event loop, as a busy host or a long task holds it
      }
      await expect(outcome).resolves.toMatchObject({ allowed: true, remaining: 9 - i });
    }
  });
});
