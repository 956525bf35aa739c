import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Which database the suite runs on. TEST_DATABASE_URL names a real PostgreSQL server (each test file
 * gets a fresh database there); without it, the embedded PostgreSQL from a pre-migrated snapshot.
 */
export const realDatabaseUrl: string | undefined = process.env['TEST_DATABASE_URL'] || undefined;

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** A brand-new, empty database on the real server; migrations run when the stack starts. */
export async function createRealDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `mg_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
