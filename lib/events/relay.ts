import { BACKGROUND_STATEMENT, type EntityManager, type SubgraphDatabase } from '../db/orm.js';
import { BatchLoop } from '../background/batch-loop.js';
import type { Logger } from '../logging/logger.js';
import { RELAY_SIGNATURE_HEADER, relaySigner } from './relay-signature.js';
import { relayAnswer, type RelayBatch, type RelayedEvent } from './wire.js';

export interface OutboxRelayOptions {
  readonly source: string;
  readonly database: SubgraphDatabase;
  /** Admin's `POST /events` endpoint. */
  readonly target: URL;
  readonly secretKey: string;
  readonly logger: Logger;
  /** Idle poll interval; a full batch is followed at once by the next. */
  readonly intervalMs?: number;
  readonly batchSize?: number;
  /** How long a claimed batch is held before another relay may take it (this one died mid-send). */
  readonly leaseSeconds?: number;
  /** Published events are kept this long (for investigation), then deleted. */
  readonly retainPublishedDays?: number;
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

/**
 * Moves a subgraph's committed outbox events to the admin subgraph, at least once, in commit order
 * per batch. Batches are claimed with `FOR UPDATE SKIP LOCKED` plus a lease, so replicas share the
 * work without sending one event concurrently, and no transaction stays open during the HTTP call.
 * Admin accepts each event id once, which turns "at least once" into "once" for its readers.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly leaseSeconds: number;
  private readonly retainDays: number;
  private readonly refusedRetrySeconds: number;
  private readonly sign: (body: string) => string;
  private readonly table: string;
  private readonly loop: BatchLoop;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 200;
    this.leaseSeconds = options.leaseSeconds ?? 30;
    this.retainDays = options.retainPublishedDays ?? 7;
    this.refusedRetrySeconds = options.refusedRetrySeconds ?? 900;
    this.sign = relaySigner(options.secretKey).sign;
    this.table = `"${String(options.database.orm.config.get('schema'))}"."outbox_event"`;
    this.loop = new BatchLoop({
      purpose: 'hand outbox events to admin',
      logger: options.logger,
      runBatch: () => this.relayBatch(),
      batchSize: this.batchSize,
      intervalMs: options.intervalMs ?? 200,
      cleanup: () => this.cleanup(),
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
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
    let refused: ReadonlySet<string>;
    try {
      refused = await this.send({ source: this.options.source, events });
    } catch (error) {
      // Let another attempt (this relay's next, or another replica's) take them at once.
      await em.execute(
        `${BACKGROUND_STATEMENT} update ${this.table} set claimed_until = null where id in (${ids.map(() => '?').join(',')})`,
        ids,
      );
      throw error;
    }
    const published = ids.filter((id) => !refused.has(id));
    if (published.length > 0) {
      await em.execute(
        `${BACKGROUND_STATEMENT} update ${this.table} set published_at = now(), claimed_until = null where id in (${published.map(() => '?').join(',')})`,
        published,
      );
    }
    if (refused.size > 0) await this.park(em, [...refused]);
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

  /** Sends a batch; returns the ids admin refused. */
  private async send(batch: RelayBatch): Promise<ReadonlySet<string>> {
    const body = JSON.stringify(batch);
    const response = await fetch(this.options.target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [RELAY_SIGNATURE_HEADER]: this.sign(body) },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const answer = await response.text();
    if (!response.ok) throw new Error(`admin answered ${response.status}: ${answer.slice(0, 200)}`);
    return refusedIn(answer, batch);
  }

  private async cleanup(): Promise<void> {
    await this.options.database
      .fork()
      .execute(
        `${BACKGROUND_STATEMENT} delete from ${this.table} where published_at is not null and published_at < now() - make_interval(days => ?)`,
        [this.retainDays],
      );
  }
}
