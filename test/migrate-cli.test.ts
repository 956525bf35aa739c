import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRealDatabase, realDatabaseUrl, type TestDatabase } from './support/database.js';

const run = promisify(execFile);
let dataDir: string;
let database: TestDatabase | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'membergraph-migrate-'));
  database = realDatabaseUrl ? await createRealDatabase(realDatabaseUrl) : undefined;
});
afterAll(async () => {
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm run migrate', () => {
  it('applies every subgraph migration once, then reports each schema up to date', async () => {
    const env = { ...process.env, DATA_DIR: dataDir, ...(database ? { DATABASE_URL: database.url } : {}) };
    const first = await run('npm', ['run', '-s', 'migrate'], { env });
    for (const name of ['identity', 'member', 'catalog', 'admin']) {
      expect(first.stdout).toMatch(new RegExp(`^${name}: applied Migration\\d+`, 'm'));
    }
    const second = await run('npm', ['run', '-s', 'migrate'], { env });
    for (const name of ['identity', 'member', 'catalog', 'admin']) {
      expect(second.stdout).toMatch(new RegExp(`^${name}: up to date \\(\\d+ migrations\\)`, 'm'));
    }
  }, 60_000);
});
