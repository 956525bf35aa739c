import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../../../lib/db/embedded.js';
import { openSubgraphDatabase, type SubgraphDatabase } from '../../../../lib/db/orm.js';
import { createLogger } from '../../../../lib/logging/logger.js';
import { createRealDatabase, realDatabaseUrl, type TestDatabase } from '../../../../test/support/database.js';
import { identitySubgraph } from '../../../identity/src/definition.js';
import { memberSubgraph } from '../definition.js';

const logger = createLogger({ logLevel: 'silent' }, 'one-name-migration-test');
const oneName = 'Migration20261204203000';

function open(url: string, definition: typeof identitySubgraph | typeof memberSubgraph, upTo?: string) {
  const all = definition.migrations;
  const migrations = upTo
    ? all.slice(
        0,
        all.findIndex((m) => m.name === upTo),
      )
    : all;
  return openSubgraphDatabase({
    url,
    schema: definition.name,
    entities: definition.entities,
    migrations,
    poolMax: 2,
    logger,
  });
}

/**
 * Issue #13 point 5: the name moved from member's profile to identity's account. A name a member
 * wrote through the member paths before the upgrade must survive it, in identity.
 */
describe("member's one-name migration", () => {
  let embedded: EmbeddedPostgres | undefined;
  let real: TestDatabase | undefined;
  let url: string;
  beforeAll(async () => {
    real = realDatabaseUrl ? await createRealDatabase(realDatabaseUrl) : undefined;
    embedded = real ? undefined : await startEmbeddedPostgres({ maxConnections: 6 });
    url = real?.url ?? embedded!.url;
  });
  afterAll(async () => {
    await real?.drop();
    await embedded?.stop();
  });

  it("carries member's names over to identity, keeps identity's where member had none, and drops the column", async () => {
    const identity: SubgraphDatabase = await open(url, identitySubgraph);
    const before: SubgraphDatabase = await open(url, memberSubgraph, oneName);
    const sql = (db: SubgraphDatabase, query: string, params: unknown[] = []) =>
      db.fork().getConnection().execute<Record<string, unknown>[]>(query, params);
    try {
      const [tenant] = await sql(
        identity,
        `insert into identity.tenant (id, slug, name, created_at) values (?, ?, ?, now()) returning id`,
        [randomUUID(), `t-${randomUUID().slice(0, 8)}`, 'T'],
      );
      const people = { renamed: randomUUID(), kept: randomUUID() };
      for (const [label, id] of Object.entries(people))
        await sql(
          identity,
          `insert into identity.user_account (id, tenant_id, email, display_name, role, is_active, created_at, updated_at)
           values (?, ?, ?, 'Identity Name', 'USER', true, now(), now())`,
          [id, tenant!['id'], `${label}-${id}@example.test`],
        );
      await sql(
        before,
        `insert into member.member_profile (user_id, tenant_id, display_name, created_at, updated_at)
         values (?, ?, 'Member Name', now(), now()), (?, ?, null, now(), now())`,
        [people.renamed, tenant!['id'], people.kept, tenant!['id']],
      );
      await before.close();

      const after = await open(url, memberSubgraph);
      try {
        const names = await sql(identity, `select id, display_name from identity.user_account where id in (?, ?)`, [
          people.renamed,
          people.kept,
        ]);
        expect(Object.fromEntries(names.map((row) => [row['id'], row['display_name']]))).toEqual({
          [people.renamed]: 'Member Name',
          [people.kept]: 'Identity Name',
        });
        const columns = await sql(
          after,
          `select column_name from information_schema.columns where table_schema = 'member' and table_name = 'member_profile'`,
        );
        expect(columns.map((c) => c['column_name'])).not.toContain('display_name');
      } finally {
        await after.close();
      }
    } finally {
      await identity.close();
    }
  });
});
