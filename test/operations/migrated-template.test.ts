import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, subgraphNames } from '../../lib/config/env.js';
import { createLogger } from '../../lib/logging/logger.js';
import { cacheMigratedCluster } from '../../gateway/src/migrated-template.js';
import { EPHEMERAL_PORTS, startStack } from '../../gateway/src/stack.js';
import { subgraphDefinitions } from '../../subgraphs/registry.js';

/**
 * npm's `prepare` caches a cluster every subgraph has migrated; `npm start` on a new DATA_DIR starts
 * from it (issue #15, goal 6: migrating was a second and a half of a fresh start) and finds nothing
 * to migrate. The stack is started here as `npm start` starts it, with the template directory given.
 */
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'membergraph-migrated-template-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the migrated cluster npm prepare caches', () => {
  it('is written once per migration set, and a new DATA_DIR starts from it with nothing to migrate', async () => {
    const templateDir = join(root, 'templates');
    expect(await cacheMigratedCluster(templateDir)).toBe(true);
    expect(await cacheMigratedCluster(templateDir)).toBe(false);
    const templates = await readdir(templateDir);
    expect(templates.filter((name) => name.includes('-migrated-'))).toHaveLength(1);

    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATA_DIR: join(root, 'data'),
      ...EPHEMERAL_PORTS,
    });
    const startedAt = new Date();
    const stack = await startStack({
      config,
      logger: createLogger(config, 'test'),
      embeddedTemplateDir: templateDir,
    });
    try {
      const connection = stack.subgraphs.identity.database.fork().getConnection();
      for (const name of subgraphNames) {
        const [applied] = await connection.execute<{ count: number; newest: Date }[]>(
          `select count(*)::int as count, max(executed_at) as newest from "${name}"."mikro_orm_migrations"`,
        );
        // Every migration there, all of them applied before this start: by prepare, not by it.
        expect(applied!.count).toBe(subgraphDefinitions[name].migrations.length);
        expect(new Date(applied!.newest).getTime()).toBeLessThan(startedAt.getTime());
      }
      // And the graph works on it: a member signs up.
      const response = await fetch(`${stack.gatewayUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'mutation ($i: RegisterInput!) { register(input: $i) { user { email } } }',
          variables: { i: { email: 'first@example.com', password: 'plum-tractor-sings-7' } },
        }),
      });
      expect(await response.json()).toEqual({ data: { register: { user: { email: 'first@example.com' } } } });
    } finally {
      await stack.stop();
    }
  }, 120_000);
});
