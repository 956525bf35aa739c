import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { FailureStreak } from '../logging/failure-streak.js';
import type { Logger } from '../logging/logger.js';
import { isEmbeddedDatabase } from './embedded.js';

/**
 * The kinds of announcement a database trigger NOTIFYs, each on a channel of its schema's own
 * (channelOf) with the schema as payload:
 * - `outbox`: outbox events were committed (each subgraph's `outbox_event_notify` trigger);
 * - `revocations`: sessions were ended (identity's `session_revoked_notify` trigger).
 * A channel spans the whole database, which several subgraphs share: one channel per kind woke every
 * process on it for every other subgraph's commit (member and catalog each spent 0.2 ms of CPU per
 * sign-in on identity's), so each schema has its own and a process LISTENs only to what it follows.
 */
export const CHANNELS = { outbox: 'membergraph_outbox', revocations: 'membergraph_revocations' } as const;
export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

/** PostgreSQL's longest identifier (NAMEDATALEN - 1 bytes): a longer channel name is an error in pg_notify. */
const MAX_CHANNEL_LENGTH = 63;

/**
 * The channel of `kind` for `schema`, as the triggers name it (`left(kind || '_' || schema, 63)`,
 * schema names being ASCII here). Two long schema names may share a truncated channel: the payload
 * still tells them apart.
 */
export function channelOf(kind: Channel, schema: string): string {
  return `${kind}_${schema}`.slice(0, MAX_CHANNEL_LENGTH);
}

/** LISTEN takes an identifier: quoted, so that any schema name is one. */
const listenStatement = (channel: string) => `listen "${channel.replace(/"/g, '""')}"`;

/** Sent by a listener to itself through another connection, to learn that notifications arrive. */
const PROBE_CHANNEL = 'membergraph_probe';
const PROBE_TIMEOUT_MS = 2_000;
/** The listening connection's `application_name` (pg_stat_activity). */
export const LISTENER_NAME = 'membergraph-notifications';
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 60_000;

/**
 * What other connections (other processes, other replicas) commit, as PostgreSQL notifications.
 * Best effort by nature: a notification sent while the listener is away is lost, so every consumer
 * also polls, slowly, and looks again whenever listening (re)starts.
 */
export interface Notifications {
  /**
   * Calls `listener` with the payload of each notification on `channel` (channelOf); returns the
   * unsubscribe. A channel first subscribed while listening is listened to from then on.
   */
  subscribe(channel: string, listener: (payload: string) => void): () => void;
  /**
   * Whether notifications arrive now: connected, listening, and a probe sent through another
   * connection came back. False on the embedded database, behind a pooler that drops them, and
   * while reconnecting.
   */
  readonly listening: boolean;
  /** Told `true` each time listening (re)starts (what was sent meanwhile is lost: look now), `false` when it stops. */
  onListening(listener: (listening: boolean) => void): () => void;
}

/** One connection that LISTENs on the channels subscribed to; it connects when the first consumer subscribes. */
class PostgresListener implements Notifications {
  private readonly listeners = new Map<string, Set<(payload: string) => void>>();
  private readonly statusListeners = new Set<(listening: boolean) => void>();
  private readonly health: FailureStreak;
  private client: pg.Client | undefined;
  /** The connection's LISTENs, one after another (pg will not take a query while one runs). */
  private listens: Promise<unknown> = Promise.resolve();
  private probe: { readonly token: string; readonly arrived: () => void } | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs = RETRY_FIRST_MS;
  private started = false;
  private closed = false;
  listening = false;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
  ) {
    this.health = new FailureStreak(logger, {
      failing: 'database notifications unavailable: background work polls until they are back',
      recovered: 'database notifications available again',
    });
  }

  subscribe(channel: string, listener: (payload: string) => void): () => void {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      // A connection already (pg queues the statement while it connects): listen to this one too;
      // a second LISTEN of connect()'s own is harmless. A connection opened later listens to every
      // channel known by then. Until it is in place the subscriber's own first look covers the gap.
      const client = this.client;
      if (client) {
        this.listen(client, channel).catch((error: unknown) => this.lost(client, error));
      }
    }
    set.add(listener);
    if (!this.started) {
      this.started = true;
      void this.connect();
    }
    return () => set.delete(listener);
  }

  onListening(listener: (listening: boolean) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    this.setListening(false);
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    // keepAlive: the kernel notices a peer that vanished without closing (the listener sends nothing).
    const client = new pg.Client({ connectionString: this.url, keepAlive: true, application_name: LISTENER_NAME });
    this.client = client;
    this.listens = Promise.resolve();
    client.on('notification', ({ channel, payload }) => this.dispatch(channel, payload ?? ''));
    // pg emits both for a broken connection, and 'error' must always have a handler.
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('the listening connection ended')));
    try {
      await client.connect();
      for (const channel of [PROBE_CHANNEL, ...this.listeners.keys()]) await this.listen(client, channel);
      await this.probeDelivery();
      if (this.client !== client) return;
      this.retryMs = RETRY_FIRST_MS;
      this.health.succeeded();
      this.setListening(true);
    } catch (error) {
      this.lost(client, error);
    }
  }

  private listen(client: pg.Client, channel: string): Promise<unknown> {
    const listened = this.listens.then(() => client.query(listenStatement(channel)));
    this.listens = listened.catch(() => undefined);
    return listened;
  }

  /**
   * NOTIFYs this listener from a connection of its own and waits for it: LISTEN succeeds behind a
   * pooler in transaction mode too, but nothing arrives there.
   */
  private async probeDelivery(): Promise<void> {
    const token = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const arrived = new Promise<void>((resolve, reject) => {
      this.probe = { token, arrived: resolve };
      timer = setTimeout(
        () => reject(new Error(`a notification sent to this process did not arrive within ${PROBE_TIMEOUT_MS} ms`)),
        PROBE_TIMEOUT_MS,
      );
    });
    try {
      const sender = new pg.Client({ connectionString: this.url });
      sender.on('error', () => undefined);
      try {
        await sender.connect();
        await sender.query('select pg_notify($1, $2)', [PROBE_CHANNEL, token]);
      } finally {
        await sender.end().catch(() => undefined);
      }
      await arrived;
    } finally {
      clearTimeout(timer);
      this.probe = undefined;
    }
  }

  private dispatch(channel: string, payload: string): void {
    if (channel === PROBE_CHANNEL) {
      if (payload === this.probe?.token) this.probe.arrived();
      return;
    }
    for (const listener of this.listeners.get(channel) ?? []) listener(payload);
  }

  /** The connection broke (or never worked): poll meanwhile, and reconnect with backoff. */
  private lost(client: pg.Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    void client.end().catch(() => undefined);
    this.setListening(false);
    if (this.closed) return;
    this.health.failed(error, { retryInMs: this.retryMs });
    this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
  }

  private setListening(listening: boolean): void {
    if (this.listening === listening) return;
    this.listening = listening;
    for (const listener of this.statusListeners) listener(listening);
  }
}

/** The embedded database: no notifications across its connections (embedded.ts), so never listening. */
const NEVER_LISTENING: Notifications = {
  subscribe: () => () => undefined,
  listening: false,
  onListening: () => () => undefined,
};

const shared = new Map<string, { readonly listener: PostgresListener; users: number }>();

/**
 * The notifications of the database at `url`, one listening connection per database and process
 * whatever the number of subgraphs on it (the all-in-one process); `release` closes it after its
 * last user.
 */
export function acquireNotifications(
  url: string,
  logger: Logger,
): { readonly notifications: Notifications; readonly release: () => Promise<void> } {
  if (isEmbeddedDatabase(url)) return { notifications: NEVER_LISTENING, release: async () => undefined };
  let entry = shared.get(url);
  if (!entry) {
    entry = { listener: new PostgresListener(url, logger.child({ component: 'db-notifications' })), users: 0 };
    shared.set(url, entry);
  }
  entry.users += 1;
  const current = entry;
  let released = false;
  return {
    notifications: current.listener,
    release: async () => {
      if (released) return;
      released = true;
      current.users -= 1;
      if (current.users > 0) return;
      if (shared.get(url) === current) shared.delete(url);
      await current.listener.close();
    },
  };
}
