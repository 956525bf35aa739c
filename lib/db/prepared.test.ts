import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.js';
import {
  createRealDatabase,
  openUnmigratedDatabase,
  realDatabaseUrl,
  type TestDatabase,
} from '../../test/support/database.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded.js';
import type { SubgraphDatabase } from './orm.js';
import { executePrepared, executePreparedOnPool, MOST_PARAMETERS_NAMED, preparedStatement } from './prepared.js';
import { placeholders } from './rows.js';

const logger = createLogger({ logLevel: 'silent' }, 'prepared-test');

function openBare(url: string, poolMax: number): Promise<SubgraphDatabase> {
  return openUnmigratedDatabase(url, { schema: `prepared_${randomUUID().slice(0, 8)}`, poolMax, logger });
}

/** Values that inlining must quote and binding must carry as they are. */
const awkward = `it's a "quote", a \\ backslash, a ? and $1`;
const echo = preparedStatement(
  `select ?::text as text, ?::timestamptz as at, ?::int as n, ?::text is null as missing, ?::jsonb as doc`,
);

interface Echo {
  readonly text: string;
  readonly at: string | Date;
  readonly n: number;
  readonly missing: boolean;
  readonly doc: unknown;
}

async function echoes(database: SubgraphDatabase, n: number): Promise<Echo> {
  const at = new Date('2026-12-06T05:30:00.123Z');
  const [row] = await executePrepared<Echo>(database.fork(), echo, [awkward, at, n, null, JSON.stringify({ n })]);
  return row!;
}

/** A table `note (id primary key, body)` in the database's own schema, which it creates; the schema. */
async function createNoteTable(database: SubgraphDatabase): Promise<string> {
  const schema = database.orm.config.get('schema') ?? 'public';
  const connection = database.fork().getConnection();
  await connection.execute(`create schema "${schema}"`);
  await connection.execute(`create table "${schema}"."note" (id int primary key, body text)`);
  return schema;
}

/** Both databases answer a statement with the values as given, and in a transaction on its connection. */
function sharedBehaviour(open: () => Promise<SubgraphDatabase>) {
  it('carries every value as it is (quotes, backslashes, placeholders in text, null, dates, JSON)', async () => {
    const database = await open();
    try {
      const row = await echoes(database, 7);
      expect(row.text).toBe(awkward);
      expect(new Date(row.at).toISOString()).toBe('2026-12-06T05:30:00.123Z');
      expect(row.n).toBe(7);
      expect(row.missing).toBe(true);
      expect(row.doc).toEqual({ n: 7 });
    } finally {
      await database.close();
    }
  });

  it("runs in the caller's transaction: what it writes is seen there and rolls back with it", async () => {
    const database = await open();
    try {
      const schema = await createNoteTable(database);
      const insert = preparedStatement(`insert into "${schema}"."note" (id, body) values (?, ?) returning id`);
      const em = database.fork();
      await expect(
        em.transactional(async (tx) => {
          await executePrepared(tx, insert, [1, 'rolled back']);
          const seen = await tx.execute<{ n: string }[]>(`select count(*) as n from "${schema}"."note"`);
          expect(Number(seen[0]?.n)).toBe(1);
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      const rows = await database.fork().getConnection().execute(`select * from "${schema}"."note"`);
      expect(rows).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it('reports a failed statement as em.execute does, counts it, and gives its connection back', async () => {
    const database = await open();
    try {
      const schema = await createNoteTable(database);
      const insert = preparedStatement(`insert into "${schema}"."note" (id) values (?)`);
      await executePrepared(database.fork(), insert, [1]);
      const counted = database.statementCount();
      // More failures than the pool has connections: each must come back for the next to run.
      for (let i = 0; i < 4; i += 1) {
        await expect(executePrepared(database.fork(), insert, [1])).rejects.toBeInstanceOf(
          UniqueConstraintViolationException,
        );
      }
      await executePrepared(database.fork(), insert, [2]);
      expect(database.statementCount() - counted).toBe(5);
      await expect(executePrepared(database.fork(), insert, [3, 4])).rejects.toThrow('takes 1 values, not 2');
    } finally {
      await database.close();
    }
  });

  it('answers many concurrent callers on a pool, in and out of transactions, each with its own values', async () => {
    const database = await open();
    try {
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          i % 2 === 0
            ? echoes(database, i)
            : database.fork().transactional(async (tx) => {
                const [row] = await executePrepared<Echo>(tx, echo, [awkward, new Date(), i, null, '{}']);
                return row!;
              }),
        ),
      );
      expect(answers.map((answer) => answer.n)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    } finally {
      await database.close();
    }
  });
}

describe('prepared statements on the embedded database (values inlined: one backend for every connection)', () => {
  let embedded: EmbeddedPostgres;
  beforeAll(async () => {
    embedded = await startEmbeddedPostgres({ maxConnections: 3 });
  });
  afterAll(async () => {
    await embedded.stop();
  });
  sharedBehaviour(() => openBare(embedded.url, 2));
});

describe.skipIf(!realDatabaseUrl)('prepared statements on PostgreSQL (needs TEST_DATABASE_URL)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createRealDatabase(realDatabaseUrl!);
  });
  afterAll(async () => {
    await database.drop();
  });
  sharedBehaviour(() => openBare(database.url, 3));

  it("reads on the pool outside the transaction it is called in, as the subgraphs' row reader does", async () => {
    // Not on the embedded database: there every connection waits for the one backend the
    // transaction holds, so nothing may read on the pool inside a transaction (nothing does).
    const subgraph = await openBare(database.url, 2);
    try {
      const schema = await createNoteTable(subgraph);
      const count = preparedStatement(`select count(*)::int as n from "${schema}"."note" where id >= ?`);
      await subgraph.fork().transactional(async (tx) => {
        await tx.execute(`insert into "${schema}"."note" (id, body) values (1, 'not committed yet')`);
        // In the transaction: its own write. On the pool (executePreparedOnPool, rows.ts): nothing yet.
        expect(await executePrepared<{ n: number }>(tx, count, [0])).toEqual([{ n: 1 }]);
        expect(await executePreparedOnPool<{ n: number }>(subgraph.orm, count, [0])).toEqual([{ n: 0 }]);
        expect(await subgraph.rows.select<{ n: number }>(count.text, [0])).toEqual([{ n: 0 }]);
      });
      expect(await subgraph.rows.select<{ n: number }>(count.text, [0])).toEqual([{ n: 1 }]);
    } finally {
      await subgraph.close();
    }
  });

  it('is parsed once per connection, under its name, and then only executed', async () => {
    // A pool of one: every statement below runs on the same session.
    const subgraph = await openBare(database.url, 1);
    try {
      for (let i = 0; i < 3; i += 1) expect((await echoes(subgraph, i)).n).toBe(i);
      const prepared = await subgraph
        .fork()
        .getConnection()
        .execute<{ name: string; statement: string }[]>(
          'select name, statement from pg_prepared_statements where name = ?',
          [echo.name],
        );
      expect(prepared).toHaveLength(1);
      expect(prepared[0]?.statement).toContain('?::text as text'.replace('?', '$1'));

      // A long `in` list answers with its values inlined: the session does not keep it by name.
      const values = Array.from({ length: MOST_PARAMETERS_NAMED + 1 }, (_, i) => i);
      const long = preparedStatement(
        `select count(*)::int as n from generate_series(0, 99) s where s in (${placeholders(values.length)})`,
      );
      expect(await executePrepared(subgraph.fork(), long, values)).toEqual([{ n: values.length }]);
      const kept = await subgraph
        .fork()
        .getConnection()
        .execute<{ name: string }[]>('select name from pg_prepared_statements where name = ?', [long.name]);
      expect(kept).toEqual([]);
    } finally {
      await subgraph.close();
    }
  });
});
