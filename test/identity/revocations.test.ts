import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  MemoryRevocations,
  PollingRevocations,
  RedisRevocations,
  type SessionRevocations,
} from '../../lib/auth/revocation.js';
import { createLogger } from '../../lib/logging/logger.js';
import { realDatabaseUrl } from '../support/database.js';
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
      expect(await b.isRevoked(session)).toBe(true);
    } finally {
      await a.close();
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
