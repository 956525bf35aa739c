import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../db/embedded.js';
import { openSubgraphDatabase, type SubgraphDatabase } from '../db/orm.js';
import { createLogger } from '../logging/logger.js';
import { createRealDatabase, queryOnce, realDatabaseUrl, type TestDatabase } from '../../test/support/database.js';
import { OutboxEvent } from './outbox-event.entity.js';
import { recordEvent } from './record.js';
import { OutboxRelay } from './relay.js';
import type { RelayBatch } from './wire.js';
import { secretKeys } from '../crypto/secret-key.js';

const logger = createLogger({ logLevel: 'silent' }, 'relay-test');

/** Admin's `/events` as far as a relay sees it: takes every batch, remembers the ids. */
async function startReceiver(): Promise<{ url: URL; ids: string[]; close(): Promise<void> }> {
  const ids: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const batch = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RelayBatch;
      ids.push(...batch.events.map((event) => event.id));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ received: batch.events.length, accepted: batch.events.length }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/events`),
    ids,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An outbox in a schema of its own, with the trigger the subgraphs' migrations create. */
async function openOutbox(url: string): Promise<SubgraphDatabase> {
  const schema = `relay_wake_${randomUUID().slice(0, 8)}`;
  const database = await openSubgraphDatabase({
    url,
    schema,
    entities: [OutboxEvent],
    migrations: [],
    poolMax: 2,
    logger,
    migrate: false,
  });
  await database.orm.schema.createSchema();
  const em = database.fork();
  await em.execute(`create or replace function "${schema}"."notify_change"() returns trigger language plpgsql as $$
    begin perform pg_notify(left(tg_argv[0] || '_' || tg_table_schema, 63), tg_table_schema); return null; end; $$`);
  await em.execute(`create trigger "outbox_event_notify" after insert on "${schema}"."outbox_event"
    for each statement execute function "${schema}"."notify_change"('membergraph_outbox')`);
  return database;
}

/** A relay that would not poll again for a minute: only a wake makes it send. */
function sleepyRelay(database: SubgraphDatabase, target: URL): OutboxRelay {
  return new OutboxRelay({
    source: 'relay-test',
    database,
    target,
    secretKeys: secretKeys('relay-test-secret-key-0123456789abcdef'),
    logger,
    intervalMs: 60_000,
    idleMaxIntervalMs: 60_000,
  });
}

interface Setup {
  readonly outbox: SubgraphDatabase;
  readonly receiver: Awaited<ReturnType<typeof startReceiver>>;
  readonly relay: OutboxRelay;
}

/** The relay's cases on a database `open` gives; returns the set-up for cases of their own. */
function behavesOn(open: () => Promise<{ url: string; stop(): Promise<void> }>): () => Setup {
  let database: { url: string; stop(): Promise<void> };
  let setup: Setup;
  beforeAll(async () => {
    database = await open();
    const outbox = await openOutbox(database.url);
    const receiver = await startReceiver();
    const relay = sleepyRelay(outbox, receiver.url);
    relay.start();
    setup = { outbox, receiver, relay };
  });
  afterAll(async () => {
    await setup?.relay.stop();
    await setup?.receiver.close();
    await setup?.outbox.close();
    await database?.stop();
  });

  it('sends an event committed in this process at once, by a flush or in a transaction', async () => {
    const { outbox, receiver } = setup;
    const em = outbox.fork();
    const flushed = recordEvent(em, { type: 'user.updated', payload: { changed: ['flushed'] } });
    await em.flush();
    await vi.waitFor(() => expect(receiver.ids).toContain(flushed.id), { timeout: 5_000 });
    const inTransaction = await outbox.fork().transactional(async (tx) => {
      const event = recordEvent(tx, { type: 'user.updated', payload: { changed: ['in a transaction'] } });
      await tx.flush();
      // Not before the commit: the relay could not see it yet.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(receiver.ids).not.toContain(event.id);
      return event;
    });
    await vi.waitFor(() => expect(receiver.ids).toContain(inTransaction.id), { timeout: 5_000 });
  });

  return () => setup;
}

/** Inserts an outbox row from a connection of its own, as another process (another replica, a tool) would. */
async function insertElsewhere(url: string, schema: string): Promise<string> {
  const id = randomUUID();
  await queryOnce(
    url,
    `insert into "${schema}"."outbox_event" (id, type, occurred_at, payload) values ($1, 'user.updated', now(), '{}')`,
    [id],
  );
  return id;
}

describe('a sleeping outbox relay on the embedded database', () => {
  let embedded: EmbeddedPostgres;
  const setup = behavesOn(async () => {
    embedded = await startEmbeddedPostgres({ maxConnections: 4 });
    return { url: embedded.url, stop: () => embedded.stop() };
  });

  it('takes what another connection committed at its next poll (no notifications there)', async () => {
    const { outbox, receiver, relay } = setup();
    expect(outbox.notifications.listening).toBe(false);
    const id = await insertElsewhere(embedded.url, String(outbox.orm.config.get('schema')));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.ids).not.toContain(id);
    await relay.drain();
    expect(receiver.ids).toContain(id);
  });
});

describe.runIf(realDatabaseUrl)('a sleeping outbox relay on PostgreSQL', () => {
  let database: TestDatabase;
  const setup = behavesOn(async () => {
    database = await createRealDatabase(realDatabaseUrl!);
    return { url: database.url, stop: () => database.drop() };
  });

  it('is woken by an event another process commits: the trigger announces it', async () => {
    const { outbox, receiver } = setup();
    await vi.waitFor(() => expect(outbox.notifications.listening).toBe(true), { timeout: 5_000 });
    const id = await insertElsewhere(database.url, String(outbox.orm.config.get('schema')));
    await vi.waitFor(() => expect(receiver.ids).toContain(id), { timeout: 5_000 });
  });
});
