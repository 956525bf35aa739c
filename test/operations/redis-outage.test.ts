import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSharedRevocations, RedisRevocations } from '../../lib/auth/revocation.js';
import { createLogger } from '../../lib/logging/logger.js';
import { meId } from '../identity/auth-helpers.js';
import { redisServerAvailable, startRedisServer, type RedisServerProcess } from '../support/redis-server.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * Redis is a cache (issue 14, point 8): with REDIS_URL set and Redis gone, the graph keeps serving.
 * Sessions are judged by the database (identity's revocation feed), rate limits fail open, and a
 * Redis that comes back empty is caught up. Each case runs against a private redis-server that it
 * kills or hangs; the Redis other files share (TEST_REDIS_URL) is never touched.
 */
const logger = createLogger({ logLevel: 'silent' }, 'test');
/** Longest one request may take while Redis is away: far below ioredis' reconnection stalls. */
const BOUNDED_MS = 1_000;
const GENERAL_PER_MINUTE = 20;

const sessionOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;

const logLines: { msg?: string; failures?: number }[] = [];
const logSink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as never);
    done();
  },
});
const logged = (prefix: string, from: number) => logLines.slice(from).filter((l) => l.msg?.startsWith(prefix));

interface Served {
  readonly status: number;
  readonly ms: number;
  readonly rateLimited: boolean;
}

describe.skipIf(!redisServerAvailable)(
  `with REDIS_URL set and Redis stopped${redisServerAvailable ? '' : ' (skipped: no redis-server on PATH)'}`,
  () => {
    let redis: RedisServerProcess;
    let stack: TestStack;
    beforeAll(async () => {
      redis = await startRedisServer();
      stack = await startTestStack(
        { REDIS_URL: redis.url, RATE_LIMIT_GENERAL_PER_MINUTE: String(GENERAL_PER_MINUTE), LOG_LEVEL: 'info' },
        { logDestination: logSink },
      );
    });
    afterAll(async () => {
      await stack?.stop();
      await redis?.kill();
    });

    async function me(token: string): Promise<Served> {
      const started = performance.now();
      const response = await fetch(`${stack.gatewayUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ me { id } }' }),
      });
      await response.arrayBuffer();
      return {
        status: response.status,
        ms: performance.now() - started,
        rateLimited: response.headers.has('ratelimit-remaining'),
      };
    }

    /** Until the gateway counts requests in Redis again (rate-limit headers are back). */
    async function redisInUse() {
      const probe = await stack.createUser();
      await vi.waitFor(async () => expect((await me(probe.token)).rateLimited).toBe(true), {
        timeout: 10_000,
        interval: 100,
      });
    }

    beforeEach(async () => {
      // Every case starts from a running Redis the stack is using.
      await redis.kill();
      await redis.start();
      await redisInUse();
    });

    it('keeps answering signed-in requests, promptly and without rate limits, when Redis is killed', async () => {
      // With Redis up the budget holds: the client that spent it is refused.
      const spender = await stack.createUser();
      for (let i = 0; i < GENERAL_PER_MINUTE; i += 1) expect((await me(spender.token)).status).toBe(200);
      expect((await me(spender.token)).status).toBe(429);

      // Traffic runs while Redis is killed, and goes on for a few seconds (ioredis keeps reconnecting).
      // Only requests sent once Redis is dead are judged: this client may well spend its budget while
      // the kill takes its time, and a refusal Redis gave before dying is no failure to open.
      const busy = await stack.createUser();
      const afterKill: Served[] = [];
      let killed = false;
      let stop = false;
      let sent = 0;
      const traffic = (async () => {
        while (!stop) {
          const sentAfterKill = killed;
          const served = await me(busy.token);
          sent += 1;
          if (sentAfterKill) afterKill.push(served);
        }
      })();
      await vi.waitFor(() => expect(sent).toBeGreaterThanOrEqual(3));
      const logsBefore = logLines.length;
      await redis.kill();
      killed = true;
      await sleep(3_000);
      stop = true;
      await traffic;

      expect(afterKill.length).toBeGreaterThan(10);
      expect(afterKill.filter((s) => s.status !== 200)).toEqual([]);
      expect(Math.max(...afterKill.map((s) => s.ms))).toBeLessThan(BOUNDED_MS);
      // Fail open: the client whose budget was spent is served too, without rate-limit headers.
      expect(await me(spender.token)).toMatchObject({ status: 200, rateLimited: false });

      // Operators read one warning for the outage, not one per request, and how much it covered.
      await redis.start();
      await vi.waitFor(() => expect(logged('Redis reachable again', logsBefore)).toHaveLength(1), { timeout: 10_000 });
      expect(logged('Redis unreachable', logsBefore)).toHaveLength(1);
      const back = logged('Redis reachable again', logsBefore);
      expect(back[0]!.failures).toBeGreaterThanOrEqual(afterKill.length);
    });

    it('a logout while Redis is down succeeds and stays in force after Redis comes back empty', async () => {
      const leaving = await stack.createUser();
      const staying = await stack.createUser();
      const sessionId = sessionOf(leaving.token);
      // Another replica's store (a gateway or subgraph in another process) on the same Redis.
      const feed = new URL('/sessions/revocations', stack.subgraphs.identity.url).toString();
      const replica = createSharedRevocations(redis.url, logger, { url: feed, intervalMs: 200 });
      try {
        expect(await replica.isRevoked(sessionId)).toBe(false);
        await redis.kill();

        const out = await stack.graphql<{ logout: boolean }>('mutation { logout }', { token: leaving.token });
        expect(out).toMatchObject({ status: 200, data: { logout: true } });
        expect(await meId(stack, leaving.token)).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
        expect(await meId(stack, staying.token)).toMatchObject({ status: 200, id: staying.id });
        // The replica hears of it from identity's feed (the database), within its interval.
        await vi.waitFor(async () => expect(await replica.isRevoked(sessionId)).toBe(true), { timeout: 5_000 });

        // Redis returns without its data: it is caught up, and the token stays refused everywhere.
        await redis.start();
        await redisInUse();
        const direct = new RedisRevocations(redis.url, logger);
        try {
          await vi.waitFor(async () => expect(await direct.isRevoked(sessionId)).toBe(true), { timeout: 5_000 });
        } finally {
          await direct.close();
        }
        for (let i = 0; i < 5; i += 1) {
          expect(await meId(stack, leaving.token)).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
          expect(await meId(stack, staying.token)).toMatchObject({ status: 200, id: staying.id });
          expect(await replica.isRevoked(sessionId)).toBe(true);
          await sleep(500);
        }
      } finally {
        await replica.close();
      }
    });

    it('an end of session reaches Redis only once the database has committed it, never if it rolls back', async () => {
      const kept = await stack.createUser();
      const ended = await stack.createUser();
      const direct = new RedisRevocations(redis.url, logger);
      try {
        const em = stack.subgraphs.identity.database.fork();
        await expect(
          em.transactional(async (tx) => {
            await stack.identity.sessions.revokeUserSessions(tx, kept.id, 'deactivated');
            await tx.flush();
            throw new Error('rolled back');
          }),
        ).rejects.toThrow('rolled back');
        await em.transactional((tx) => stack.identity.sessions.revokeUserSessions(tx, ended.id, 'deactivated'));

        expect(await meId(stack, kept.token)).toMatchObject({ status: 200, id: kept.id });
        expect(await meId(stack, ended.token)).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
        // In Redis (a write the store missed while reconnecting is caught up), and the rolled-back one not.
        await vi.waitFor(async () => expect(await direct.isRevoked(sessionOf(ended.token))).toBe(true), {
          timeout: 5_000,
        });
        expect(await direct.isRevoked(sessionOf(kept.token))).toBe(false);
      } finally {
        await direct.close();
      }
    });

    it('a hung Redis (connected, answering nothing) delays requests by a bounded wait only', async () => {
      const user = await stack.createUser();
      await redis.hang(3);
      const served: Served[] = [];
      const until = Date.now() + 2_500;
      // Several clients at once: the limiter's commands share one connection (auto-pipelined), so a
      // command may wait behind a hung batch before its own timeout starts.
      const clients = 8;
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (Date.now() < until) served.push(await me(user.token));
        }),
      );

      expect(served.length).toBeGreaterThan(clients * 3);
      expect(served.filter((s) => s.status !== 200)).toEqual([]);
      expect(Math.max(...served.map((s) => s.ms))).toBeLessThan(BOUNDED_MS);
    });
  },
);
