import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  MemoryRevocations,
  PollingRevocations,
  RedisRevocations,
  type SessionRevocations,
} from '../../lib/auth/revocation.js';
import { createLogger } from '../../lib/logging/logger.js';
import { realDatabaseUrl } from '../support/database.js';
import { redisServerAvailable, startRedisServer, type RedisServerProcess } from '../support/redis-server.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const logger = createLogger({ logLevel: 'silent' }, 'test');
const redisUrl = process.env['TEST_REDIS_URL'];
const now = () => Math.floor(Date.now() / 1000);

function behavesAsAStore(make: () => SessionRevocations) {
  it('remembers a revoked session until the given time, and no other', async () => {
    const store = make();
    try {
      const revoked = randomUUID();
      await store.revoke(revoked, now() + 60);
      expect(await store.isRevoked(revoked)).toBe(true);
      expect(await store.isRevoked(randomUUID())).toBe(false);
      const lapsed = randomUUID();
      await store.revoke(lapsed, now() - 1);
      expect(await store.isRevoked(lapsed)).toBe(false);
    } finally {
      await store.close();
    }
  });
}

describe('in-memory revocations', () => behavesAsAStore(() => new MemoryRevocations()));

// CI provides Redis (TEST_REDIS_URL); the store is then also what the whole suite runs on.
describe.runIf(redisUrl)('Redis revocations', () => {
  behavesAsAStore(() => new RedisRevocations(redisUrl!, logger));

  it('are shared between replicas', async () => {
    const a = new RedisRevocations(redisUrl!, logger);
    const b = new RedisRevocations(redisUrl!, logger);
    try {
      const session = randomUUID();
      await a.revoke(session, now() + 60);
      // b hears of it from the announcement, or (not yet in sync) from Redis itself.
      await expect.poll(() => b.isRevoked(session), { timeout: 1_000, interval: 5 }).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

/**
 * Each replica mirrors the revoked sessions (announced on a channel, and the keys read once it has
 * subscribed), so that a check costs no round trip to Redis. A private redis-server, whose command
 * counts are this test's alone.
 */
describe.skipIf(!redisServerAvailable)('a replica mirroring Redis revocations', () => {
  let redis: RedisServerProcess;
  let admin: Redis;
  beforeAll(async () => {
    redis = await startRedisServer();
    admin = new Redis(redis.url);
  });
  afterAll(async () => {
    admin?.disconnect();
    await redis?.kill();
  });

  /** EXISTS commands Redis has run so far: one per check answered by Redis rather than the mirror. */
  const existsCalls = async () => Number(/cmdstat_exists:calls=(\d+)/.exec(await admin.info('commandstats'))?.[1] ?? 0);
  /** Once in sync, checks stop reaching Redis; this waits until they do. */
  const inSync = async (replica: RedisRevocations) =>
    expect
      .poll(
        async () => {
          const before = await existsCalls();
          await replica.isRevoked(randomUUID());
          return (await existsCalls()) - before;
        },
        { timeout: 5_000, interval: 20 },
      )
      .toBe(0);

  it('answers checks from memory and hears of another replica’s revocation without asking Redis', async () => {
    const a = new RedisRevocations(redis.url, logger);
    const b = new RedisRevocations(redis.url, logger);
    try {
      const before = await a.isRevoked(randomUUID()).then(() => existsCalls());
      await inSync(b);
      const session = randomUUID();
      await a.revoke(session, now() + 60);
      await expect.poll(() => b.isRevoked(session), { timeout: 1_000, interval: 5 }).toBe(true);
      for (let i = 0; i < 50; i += 1) expect(await b.isRevoked(randomUUID())).toBe(false);
      expect(await b.isRevoked(session)).toBe(true);
      // Only a's first check (and b's while syncing) went to Redis, none of the 52 after.
      const checksInSync = (await existsCalls()) - before;
      await inSync(b);
      expect((await existsCalls()) - before).toBe(checksInSync);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('finds, when it subscribes again, a revocation announced while its subscription was down', async () => {
    const b = new RedisRevocations(redis.url, logger);
    try {
      await inSync(b);
      const session = randomUUID();
      // Its subscription dropped; the revocation is written and announced to no one.
      await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
      const heard = await admin
        .multi()
        .set(`membergraph:revoked-session:${session}`, '1', 'EX', 60)
        .publish('membergraph:revoked-sessions', JSON.stringify([[session, now() + 60]]))
        .exec();
      expect(heard?.[1]?.[1]).toBe(0);
      // Back in sync (checks answered from memory again), it knows, from its scan of the keys.
      await inSync(b);
      const before = await existsCalls();
      expect(await b.isRevoked(session)).toBe(true);
      expect(await existsCalls()).toBe(before);
    } finally {
      await b.close();
    }
  });

  it('ignores an unreadable announcement and checks Redis until it has read the keys again', async () => {
    const b = new RedisRevocations(redis.url, logger);
    try {
      await inSync(b);
      const session = randomUUID();
      await admin.set(`membergraph:revoked-session:${session}`, '1', 'EX', 60);
      await admin.publish('membergraph:revoked-sessions', '{"not":"a list"}');
      await expect.poll(() => b.isRevoked(session), { timeout: 2_000, interval: 5 }).toBe(true);
      await inSync(b);
      expect(await b.isRevoked(session)).toBe(true);
    } finally {
      await b.close();
    }
  });
});

describe("a gateway following identity's revocation feed", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('learns of a logout within its polling interval', async () => {
    const user = await stack.createUser();
    const sessionId = (JSON.parse(Buffer.from(user.token.split('.')[1]!, 'base64url').toString()) as { sid: string })
      .sid;
    const feed = new URL('/sessions/revocations', stack.subgraphs.identity.url).toString();
    const follower = new PollingRevocations(feed, logger, 200);
    try {
      expect(await follower.isRevoked(sessionId)).toBe(false);
      await stack.graphql('mutation { logout }', { token: user.token });
      await vi.waitFor(async () => expect(await follower.isRevoked(sessionId)).toBe(true), { timeout: 5_000 });
    } finally {
      await follower.close();
    }
  });

  it('learns within its polling interval of a session another identity replica ended', async () => {
    const user = await stack.createUser();
    const sessionId = (JSON.parse(Buffer.from(user.token.split('.')[1]!, 'base64url').toString()) as { sid: string })
      .sid;
    const feed = new URL('/sessions/revocations', stack.subgraphs.identity.url).toString();
    const follower = new PollingRevocations(feed, logger, 200);
    const identity = stack.subgraphs.identity.database;
    try {
      // On PostgreSQL identity answers the feed from memory between announcements (lib/auth/revocation-feed.ts).
      if (realDatabaseUrl) await vi.waitFor(() => expect(identity.notifications.listening).toBe(true));
      expect(await follower.isRevoked(sessionId)).toBe(false);
      await follower.poll();
      // Ended by another replica: straight in the database, nothing of this process told.
      await identity
        .fork()
        .getConnection()
        .execute(`update "identity"."session" set revoked_at = now(), revoked_reason = 'logout' where id = ?`, [
          sessionId,
        ]);
      await vi.waitFor(async () => expect(await follower.isRevoked(sessionId)).toBe(true), { timeout: 5_000 });
    } finally {
      await follower.close();
    }
  });
});
