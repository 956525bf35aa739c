import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { acquireNotifications, channelOf, CHANNELS } from '../../lib/db/notifications.js';
import { openSubgraphDatabase, type SubgraphDatabase } from '../../lib/db/orm.js';
import { createLogger } from '../../lib/logging/logger.js';
import type { SubgraphDefinition } from '../../lib/subgraph-runtime/subgraph-definition.js';
import { catalogSubgraph } from '../../subgraphs/catalog/src/definition.js';
import { identitySubgraph } from '../../subgraphs/identity/src/definition.js';
import { memberSubgraph } from '../../subgraphs/member/src/definition.js';
import { createRealDatabase, queryOnce, realDatabaseUrl, type TestDatabase } from '../support/database.js';

const logger = createLogger({ logLevel: 'silent' }, 'notification-channels-test');

/**
 * The migrations' triggers and the listeners agree on channel names (lib/db/notifications.ts
 * channelOf): a commit in one schema is announced to that schema's followers and reaches no other
 * process. Only PostgreSQL carries notifications (the embedded database does not).
 */
describe.runIf(realDatabaseUrl)('announcements of the migrated schemas', () => {
  let server: TestDatabase;
  const databases: SubgraphDatabase[] = [];
  beforeAll(async () => {
    server = await createRealDatabase(realDatabaseUrl!);
    const subgraphs: SubgraphDefinition[] = [identitySubgraph, memberSubgraph, catalogSubgraph];
    for (const subgraph of subgraphs) {
      databases.push(
        await openSubgraphDatabase({
          url: server.url,
          schema: subgraph.name,
          entities: subgraph.entities,
          migrations: subgraph.migrations,
          poolMax: 2,
          logger,
        }),
      );
    }
  }, 60_000);
  afterAll(async () => {
    await Promise.all(databases.map((database) => database.close()));
    await server?.drop();
  });

  it("announces a committed outbox event on its schema's channel only, and an ended session on identity's", async () => {
    const { notifications, release } = acquireNotifications(server.url, logger);
    const heard: string[] = [];
    try {
      for (const schema of ['identity', 'member', 'catalog']) {
        notifications.subscribe(channelOf(CHANNELS.outbox, schema), (payload) =>
          heard.push(`outbox ${schema}:${payload}`),
        );
      }
      notifications.subscribe(channelOf(CHANNELS.revocations, 'identity'), (payload) =>
        heard.push(`revocations identity:${payload}`),
      );
      await vi.waitFor(() => expect(notifications.listening).toBe(true), { timeout: 5_000 });

      await queryOnce(
        server.url,
        `insert into "member"."outbox_event" (id, type, occurred_at, payload) values ($1, 'member.updated', now(), '{}')`,
        [randomUUID()],
      );
      await vi.waitFor(() => expect(heard).toEqual(['outbox member:member']), { timeout: 5_000 });

      // A session ended (a statement trigger: it fires for an update of no row too).
      await queryOnce(server.url, `update "identity"."session" set revoked_at = now() where id = $1`, [randomUUID()]);
      await vi.waitFor(() => expect(heard).toContain('revocations identity:identity'), { timeout: 5_000 });
      await queryOnce(
        server.url,
        `insert into "catalog"."outbox_event" (id, type, occurred_at, payload) values ($1, 'grant.created', now(), '{}')`,
        [randomUUID()],
      );
      await vi.waitFor(() => expect(heard).toContain('outbox catalog:catalog'), { timeout: 5_000 });
      expect(heard.filter((entry) => entry.startsWith('outbox identity'))).toEqual([]);
    } finally {
      await release();
    }
  });
});
