import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The bench's own database on the machine's PostgreSQL: created empty for a run (each process
 * migrates its schema at start, as in production) and dropped at the end. Statistics are read over a
 * connection to the `postgres` database, so that reading them adds nothing to the bench database's.
 */
export interface BenchDatabase {
  readonly name: string;
  /** What the servers get as DATABASE_URL. */
  readonly url: string;
  /** Transactions committed or rolled back in the bench database so far (pg_stat_database). */
  transactions(): Promise<number>;
  /** PIDs of the server backends connected to the bench database (to watch their CPU). */
  backendPids(): Promise<Record<string, number>>;
  /** Outbox events not yet handed on, over every schema. */
  outboxBacklog(): Promise<number>;
  drop(): Promise<void>;
}

export async function createBenchDatabase(serverUrl: string): Promise<BenchDatabase> {
  const name = `membergraph_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const url = withDatabase(serverUrl, name);
  let dropped: Promise<void> | undefined;
  return {
    name,
    url,
    async transactions() {
      // A fresh snapshot each time: statistics are otherwise cached for the transaction.
      await admin.query('select pg_stat_clear_snapshot()');
      const { rows } = await admin.query<{ n: string }>(
        'select xact_commit + xact_rollback as n from pg_stat_database where datname = $1',
        [name],
      );
      return Number(rows[0]?.n ?? 0);
    },
    async backendPids() {
      const { rows } = await admin.query<{ pid: number }>(
        "select pid from pg_stat_activity where datname = $1 and backend_type = 'client backend'",
        [name],
      );
      return Object.fromEntries(rows.map(({ pid }) => [`postgres ${pid}`, pid]));
    },
    async outboxBacklog() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows: tables } = await client.query<{ schema: string }>(
          "select table_schema as schema from information_schema.tables where table_name = 'outbox_event'",
        );
        let backlog = 0;
        for (const { schema } of tables) {
          const { rows } = await client.query<{ n: string }>(
            `select count(*) as n from "${schema}"."outbox_event" where published_at is null`,
          );
          backlog += Number(rows[0]?.n ?? 0);
        }
        return backlog;
      } finally {
        await client.end();
      }
    },
    drop() {
      // Idempotent: the orderly cleanup and an interrupted run may both ask.
      dropped ??= (async () => {
        try {
          // FORCE ends whatever connection a killed server left behind (PostgreSQL 13+).
          await admin.query(`drop database if exists "${name}" with (force)`);
        } finally {
          await admin.end();
        }
      })();
      return dropped;
    },
  };
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
