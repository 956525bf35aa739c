import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../logging/logger.js';
import { createRealDatabase, queryOnce, realDatabaseUrl, type TestDatabase } from '../../test/support/database.js';
import { startEmbeddedPostgres } from './embedded.js';
import { acquireNotifications, channelOf, CHANNELS, LISTENER_NAME } from './notifications.js';

const logger = createLogger({ logLevel: 'silent' }, 'notifications-test');

describe('notifications on the embedded database', () => {
  it('never listen: its connections share one backend, which hands a notification to its sender', async () => {
    const embedded = await startEmbeddedPostgres({ maxConnections: 3 });
    const { notifications, release } = acquireNotifications(embedded.url, logger);
    try {
      const received: string[] = [];
      notifications.subscribe(channelOf(CHANNELS.outbox, 'catalog'), (payload) => received.push(payload));
      await queryOnce(embedded.url, 'select pg_notify($1, $2)', [channelOf(CHANNELS.outbox, 'catalog'), 'catalog']);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(notifications.listening).toBe(false);
      expect(received).toEqual([]);
    } finally {
      await release();
      await embedded.stop();
    }
  });
});

describe.runIf(realDatabaseUrl)('notifications on PostgreSQL', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createRealDatabase(realDatabaseUrl!);
  });
  afterAll(async () => {
    await database?.drop();
  });

  const listenerBackends = async () =>
    (
      await queryOnce(
        database.url,
        'select pid from pg_stat_activity where application_name = $1 and datname = current_database()',
        [LISTENER_NAME],
      )
    ).rows as { pid: number }[];

  it('share one connection per database and process, which opens for the first subscriber', async () => {
    const a = acquireNotifications(database.url, logger);
    const b = acquireNotifications(database.url, logger);
    try {
      expect(a.notifications).toBe(b.notifications);
      expect(await listenerBackends()).toHaveLength(0);
      const received: string[] = [];
      a.notifications.subscribe(channelOf(CHANNELS.outbox, 'member'), (payload) => received.push(`a:${payload}`));
      b.notifications.subscribe(channelOf(CHANNELS.revocations, 'identity'), (payload) =>
        received.push(`b:${payload}`),
      );
      await vi.waitFor(() => expect(a.notifications.listening).toBe(true), { timeout: 5_000 });
      expect(await listenerBackends()).toHaveLength(1);
      // Sent by another connection (another process), delivered at commit only.
      const other = new pg.Client({ connectionString: database.url });
      await other.connect();
      try {
        await other.query('begin');
        await other.query('select pg_notify($1, $2)', [channelOf(CHANNELS.outbox, 'member'), 'member']);
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(received).toEqual([]);
        await other.query('commit');
        await other.query('select pg_notify($1, $2)', [channelOf(CHANNELS.revocations, 'identity'), 'identity']);
      } finally {
        await other.end();
      }
      await vi.waitFor(() => expect(received).toEqual(['a:member', 'b:identity']), { timeout: 5_000 });
    } finally {
      await a.release();
      await b.release();
    }
    await vi.waitFor(async () => expect(await listenerBackends()).toHaveLength(0), { timeout: 5_000 });
  });

  it("listen only to the channels subscribed to: another schema's commits do not reach the process", async () => {
    const { notifications, release } = acquireNotifications(database.url, logger);
    // What reaches the process at all, before any subscriber is looked up: the cost of a wake.
    const emit = vi.spyOn(pg.Client.prototype, 'emit');
    const arrived = () =>
      emit.mock.calls
        .filter(([event]) => event === 'notification')
        .map(([, message]) => (message as pg.Notification).channel);
    try {
      const received: string[] = [];
      notifications.subscribe(channelOf(CHANNELS.outbox, 'member'), (payload) => received.push(`member:${payload}`));
      await vi.waitFor(() => expect(notifications.listening).toBe(true), { timeout: 5_000 });
      // identity's commit: on identity's channel, which nobody here follows yet.
      await queryOnce(database.url, 'select pg_notify($1, $2)', [channelOf(CHANNELS.outbox, 'identity'), 'identity']);
      // A channel first subscribed while already listening is listened to from then on.
      notifications.subscribe(channelOf(CHANNELS.outbox, 'catalog'), (payload) => received.push(`catalog:${payload}`));
      await vi.waitFor(
        async () => {
          await queryOnce(database.url, 'select pg_notify($1, $2)', [channelOf(CHANNELS.outbox, 'catalog'), 'catalog']);
          expect(received).toContain('catalog:catalog');
        },
        { timeout: 5_000 },
      );
      await queryOnce(database.url, 'select pg_notify($1, $2)', [channelOf(CHANNELS.outbox, 'member'), 'member']);
      await vi.waitFor(() => expect(received).toContain('member:member'), { timeout: 5_000 });
      expect(arrived()).toContain(channelOf(CHANNELS.outbox, 'member'));
      expect(arrived()).not.toContain(channelOf(CHANNELS.outbox, 'identity'));
    } finally {
      emit.mockRestore();
      await release();
    }
  });

  it('say when listening stopped and started again after the connection broke', async () => {
    const { notifications, release } = acquireNotifications(database.url, logger);
    try {
      const changes: boolean[] = [];
      notifications.onListening((listening) => changes.push(listening));
      const received: string[] = [];
      notifications.subscribe(channelOf(CHANNELS.outbox, 'catalog'), (payload) => received.push(payload));
      await vi.waitFor(() => expect(changes).toEqual([true]), { timeout: 5_000 });
      await queryOnce(
        database.url,
        'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and datname = current_database()',
        [LISTENER_NAME],
      );
      await vi.waitFor(() => expect(changes).toEqual([true, false, true]), { timeout: 10_000 });
      await queryOnce(database.url, 'select pg_notify($1, $2)', [channelOf(CHANNELS.outbox, 'catalog'), 'catalog']);
      await vi.waitFor(() => expect(received).toEqual(['catalog']), { timeout: 5_000 });
    } finally {
      await release();
    }
  });
});
