import { ChangeSetType, type EventSubscriber, type FlushEventArgs } from '@mikro-orm/postgresql';
import { afterCommit } from '../db/after-commit.js';
import { channelOf, CHANNELS } from '../db/notifications.js';
import { BACKGROUND_STATEMENT, type EntityManager, type SubgraphDatabase } from '../db/orm.js';
import { BatchLoop } from '../background/batch-loop.js';
import type { Logger } from '../logging/logger.js';
import { inSpan, SpanKind, traceHeaders, tracerFor } from '../observability/tracing.js';
import type { EventConsumer } from './consumers.js';
import { OutboxEvent } from './outbox-event.entity.js';
import { RELAY_SIGNATURE_HEADER, relaySigner } from './relay-signature.js';
import { relayAnswer, type RelayBatch, type RelayedEvent } from './wire.js';
import type { SecretKeys } from '../crypto/secret-key.js';

export interface OutboxRelayOptions {
  readonly source: string;
  readonly database: SubgraphDatabase;
  /** Admin's `POST /events` endpoint: it takes every event. */
  readonly target: URL;
  /** Other subgraphs that take some types (lib/events/consumers.ts), at their own `POST /events`. */
  readonly consumers?: readonly EventConsumer[];
  readonly secretKeys: SecretKeys;
  readonly logger: Logger;
  /** The pause after a batch that was not full; a full batch is followed at once by the next. */
  readonly intervalMs?: number;
  /**
   * The slowest safety poll: while idle the pause doubles up to this. Events committed in this
   * process, or announced by the database's notification from any other, wake the relay at once.
   */
  readonly idleMaxIntervalMs?: number;
  /**
   * A wake sends at once, but not sooner than this after the previous batch (default 200 ms): under
   * load, the events committed meanwhile go together, in batches as large as the 200 ms poll made.
   */
  readonly wakeGapMs?: number;
  readonly batchSize?: number;
  /** How long a claimed batch is held before another relay may take it (this one died mid-send). */
  readonly leaseSeconds?: number;
  /**
   * How long an event admin refused (its event catalog does not declare it: admin older than this
   * subgraph, or a bug) waits before it is offered again; it stays unpublished meanwhile.
   */
  readonly refusedRetrySeconds?: number;
}

interface OutboxRow {
  id: string;
  type: string;
  occurred_at: Date | string;
  tenant_id: string | null;
  actor_user_id: string | null;
  subject_user_id: string | null;
  ip_address: string | null;
  user_agent: string | null;
  payload: Record<string, unknown> | string;
}

function toWire(row: OutboxRow): RelayedEvent {
  return {
    id: row.id,
    type: row.type,
    occurredAt: new Date(row.occurred_at).toISOString(),
    tenantId: row.tenant_id,
    actorUserId: row.actor_user_id,
    subjectUserId: row.subject_user_id,
    ipAddress: row.ip_address,
    userAgent: row.user_agent,
    payload: typeof row.payload === 'string' ? (JSON.parse(row.payload) as Record<string, unknown>) : row.payload,
  };
}

/** The ids of `batch` that admin's answer refuses (none from an answer without the list). */
function refusedIn(answer: string, batch: RelayBatch): ReadonlySet<string> {
  let body: unknown;
  try {
    body = JSON.parse(answer);
  } catch {
    return new Set();
  }
  const read = relayAnswer.safeParse(body);
  const sent = new Set(batch.events.map((event) => event.id));
  // Only ids of this batch: an answer can park nothing else.
  return new Set(read.success ? (read.data.refused ?? []).filter((id) => sent.has(id)) : []);
}

/** One consumer's share of a batch. */
interface Delivery {
  readonly name: string;
  readonly target: URL;
  readonly events: readonly RelayedEvent[];
}

/**
 * The wakes of the running relays of each database, by its ORM's configuration: every fork and
 * transaction of the ORM shares that object (a transaction's EventManager is a clone).
 */
const relaysByDatabase = new WeakMap<object, Set<() => void>>();

/**
 * For outbox rows written by a statement of one's own rather than by a flush (which the relays see
 * for themselves): wakes this database's relays once `em`'s transaction has committed, as a flush
 * would have, or at once when `em` is in none (the statement committed on its own). Without it an
 * embedded database, which has no notifications across connections, would leave the event to the
 * next safety poll, up to RELAY_IDLE_MAX_INTERVAL_MS later.
 */
export function outboxWrittenBySql(em: EntityManager): void {
  const wakes = relaysByDatabase.get(em.config);
  if (!wakes?.size) return;
  const wakeAll = () => {
    for (const wake of wakes) wake();
  };
  if (em.isInTransaction()) afterCommit(em, async () => wakeAll());
  else wakeAll();
}

/** The slowest safety poll of an idle relay (it is woken when there is something to send). */
export const RELAY_IDLE_MAX_INTERVAL_MS = 10_000;

/**
 * Moves a subgraph's committed outbox events to the admin subgraph, and the types other subgraphs
 * consume to them, at least once, in commit order per batch. It sleeps while there is nothing to
 * send: an event committed in this process wakes it after the commit, one committed by any other
 * (another replica, a tool) through the `outbox_event_notify` trigger's NOTIFY on its schema's channel; a poll that slows to
 * every 10 s while idle catches what a lost notification or a lease running out leaves behind.
 * An event is published once every consumer of its type took it; one a consumer could not take is
 * offered again (to all of them: they accept an event twice harmlessly) while the others' events go
 * on. Batches are claimed with `FOR UPDATE SKIP LOCKED` plus a lease, so replicas share the work
 * without sending one event concurrently (waking them all costs an empty claim, never a duplicate),
 * and no transaction stays open during the HTTP call. Admin accepts each event id once, which turns
 * "at least once" into "once" for its readers.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly leaseSeconds: number;
  private readonly refusedRetrySeconds: number;
  private readonly sign: (body: string) => string;
  private readonly table: string;
  private readonly schema: string;
  private readonly loop: BatchLoop;
  private unsubscribe: (() => void)[] = [];
  /** Registered on the database's event manager: one per relay, never removed (it checks `loop`). */
  private readonly commits: EventSubscriber = {
    onFlush: ({ em, uow }: FlushEventArgs) => {
      const created = uow
        .getChangeSets()
        .some((change) => change.type === ChangeSetType.CREATE && change.entity instanceof OutboxEvent);
      // The database's driver is PostgreSQL's: its EntityManagers are SQL ones.
      if (created) afterCommit(em as EntityManager, async () => this.loop.wake());
    },
  };

  private readonly wakeOnSqlWrite = () => this.loop.wake();

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 200;
    this.leaseSeconds = options.leaseSeconds ?? 30;
    this.refusedRetrySeconds = options.refusedRetrySeconds ?? 900;
    this.sign = relaySigner(options.secretKeys).sign;
    this.schema = String(options.database.orm.config.get('schema'));
    this.table = `"${this.schema}"."outbox_event"`;
    this.loop = new BatchLoop({
      purpose: 'hand outbox events to admin',
      logger: options.logger,
      runBatch: () => this.relayBatch(),
      batchSize: this.batchSize,
      intervalMs: options.intervalMs ?? 200,
      idleMaxIntervalMs: options.idleMaxIntervalMs ?? RELAY_IDLE_MAX_INTERVAL_MS,
      wakeGapMs: options.wakeGapMs ?? 200,
    });
  }

  start(): void {
    const { database } = this.options;
    database.orm.em.getEventManager().registerSubscriber(this.commits);
    const wakes = relaysByDatabase.get(database.orm.config) ?? new Set();
    relaysByDatabase.set(database.orm.config, wakes.add(this.wakeOnSqlWrite));
    const notifications = database.notifications;
    this.unsubscribe = [
      notifications.subscribe(channelOf(CHANNELS.outbox, this.schema), (schema) => {
        if (schema === this.schema) this.loop.wake();
      }),
      // Listening (again): what was committed while it was not may not have been announced.
      notifications.onListening((listening) => {
        if (listening) this.loop.wake();
      }),
    ];
    this.loop.start();
  }

  stop(): Promise<void> {
    relaysByDatabase.get(this.options.database.orm.config)?.delete(this.wakeOnSqlWrite);
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    this.unsubscribe = [];
    return this.loop.stop();
  }

  /** Relays until nothing is left (tests, shutdown); returns how many events went out. */
  drain(): Promise<number> {
    return this.loop.drain();
  }

  private async relayBatch(): Promise<number> {
    const em = this.options.database.fork();
    const rows = await em.execute<OutboxRow[]>(
      `${BACKGROUND_STATEMENT} update ${this.table} set claimed_until = now() + make_interval(secs => ?)
       where id in (
         select id from ${this.table}
         where published_at is null and (claimed_until is null or claimed_until < now())
         order by occurred_at limit ? for update skip locked)
       returning id, type, occurred_at, tenant_id, actor_user_id, subject_user_id, ip_address, user_agent, payload`,
      [this.leaseSeconds, this.batchSize],
    );
    if (rows.length === 0) return 0;
    const ids = rows.map((row) => row.id);
    const events = rows.map(toWire).sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
    const deliveries: Delivery[] = [
      { name: 'admin', target: this.options.target, events },
      ...(this.options.consumers ?? []).map((consumer) => ({
        ...consumer,
        events: events.filter((event) => consumer.types.includes(event.type)),
      })),
    ].filter((delivery) => delivery.events.length > 0);
    const results = await Promise.allSettled(deliveries.map((delivery) => this.tracedSend(delivery)));
    const refused = new Set<string>();
    const undelivered = new Set<string>();
    let failure: Error | undefined;
    results.forEach((result, index) => {
      if (result.status === 'fulfilled') result.value.forEach((id) => refused.add(id));
      else {
        failure ??= result.reason instanceof Error ? result.reason : new Error(String(result.reason));
        deliveries[index]!.events.forEach((event) => undelivered.add(event.id));
      }
    });
    if (undelivered.size > 0) {
      // Let another attempt (this relay's next, or another replica's) take them at once.
      await em.execute(
        `${BACKGROUND_STATEMENT} update ${this.table} set claimed_until = null where id in (${[...undelivered].map(() => '?').join(',')})`,
        [...undelivered],
      );
    }
    const published = ids.filter((id) => !refused.has(id) && !undelivered.has(id));
    if (published.length > 0) {
      await em.execute(
        `${BACKGROUND_STATEMENT} update ${this.table} set published_at = now(), claimed_until = null where id in (${published.map(() => '?').join(',')})`,
        published,
      );
    }
    const parked = [...refused].filter((id) => !undelivered.has(id));
    if (parked.length > 0) await this.park(em, parked);
    // The loop backs off while a consumer fails; what the others took is published meanwhile.
    if (failure !== undefined) throw failure;
    return rows.length;
  }

  /** Parked by a longer lease: later events go on, and admin is asked again once the lease ends. */
  private async park(em: EntityManager, ids: readonly string[]): Promise<void> {
    await em.execute(
      `${BACKGROUND_STATEMENT} update ${this.table} set claimed_until = now() + make_interval(secs => ?)
       where id in (${ids.map(() => '?').join(',')}) and published_at is null`,
      [this.refusedRetrySeconds, ...ids],
    );
    this.options.logger.warn(
      { events: ids, retryInSeconds: this.refusedRetrySeconds },
      'admin refused events its event catalog does not declare; kept in the outbox',
    );
  }

  /** Sends a consumer its events; returns the ids it refused. */
  /** A span per batch handed to one receiver (none while tracing is off); its statements hang under it. */
  private tracedSend(delivery: Delivery): Promise<ReadonlySet<string>> {
    return inSpan(
      tracerFor(this.options.source),
      'outbox relay batch',
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.destination.name': delivery.name,
          'messaging.batch.message_count': delivery.events.length,
        },
      },
      () => this.send(delivery),
    );
  }

  private async send(delivery: Delivery): Promise<ReadonlySet<string>> {
    const batch: RelayBatch = { source: this.options.source, events: [...delivery.events] };
    const body = JSON.stringify(batch);
    const response = await fetch(delivery.target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [RELAY_SIGNATURE_HEADER]: this.sign(body), ...traceHeaders() },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const answer = await response.text();
    if (!response.ok) throw new Error(`${delivery.name} answered ${response.status}: ${answer.slice(0, 200)}`);
    return refusedIn(answer, batch);
  }
}
