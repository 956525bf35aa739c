import { randomUUID } from 'node:crypto';
import type { SecretBox } from '../../../../lib/crypto/secret-box.js';
import { BACKGROUND_STATEMENT, type EntityManager, type SubgraphDatabase } from '../../../../lib/db/orm.js';
import { BatchLoop } from '../../../../lib/background/batch-loop.js';
import type { Logger } from '../../../../lib/logging/logger.js';
import { inSpan, SpanKind, SpanStatusCode, tracerFor } from '../../../../lib/observability/tracing.js';
import { sendWebhook, WEBHOOK_USER_AGENT, type AttemptOutcome } from './sender.js';
import type { WebhookSettings } from './settings.js';
import { signatureHeader, webhookIdOf } from './signing.js';
import { auditableUrl, auditWebhookChange } from './webhook-audit.js';

export interface WebhookWorkerOptions {
  readonly database: SubgraphDatabase;
  readonly settings: WebhookSettings;
  readonly secrets: SecretBox;
  readonly logger: Logger;
  /** Deliveries claimed, and sent in parallel, at a time. */
  readonly batchSize?: number;
  /** Finished deliveries (and their attempts) are kept this long, then deleted. */
  readonly retainFinishedDays?: number;
  /** Told of each attempt once recorded (metrics): delivered, retrying (another try due) or failed (given up). */
  readonly onAttempt?: (outcome: DeliveryOutcome) => void;
}

export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed';

/** An idle worker's safety poll slows to ten times WEBHOOK_POLL_INTERVAL_MS, but not past 10 s because of it. */
const IDLE_SLOWDOWN = 10;
const IDLE_MAX_INTERVAL_MS = 10_000;

/** The slowest poll of an idle worker polling every `pollIntervalMs` when busy. */
export function idleMaxIntervalMs(pollIntervalMs: number): number {
  return Math.max(pollIntervalMs, Math.min(IDLE_SLOWDOWN * pollIntervalMs, IDLE_MAX_INTERVAL_MS));
}

interface ClaimedRow {
  id: string;
  endpoint_id: string;
  body: string;
  retry_step: number;
  redelivery_requested: boolean;
  redelivery_requests: number;
}

interface EndpointRow {
  id: string;
  url: string;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_valid: boolean;
}

interface Sent {
  readonly row: ClaimedRow;
  readonly attemptedAt: Date;
  readonly outcome: AttemptOutcome;
}

/**
 * Sends due webhook deliveries. It sleeps while nothing is due: new deliveries, a redelivery and an
 * endpoint enabled again wake it once committed, and it wakes itself when a retry it scheduled falls
 * due; the poll that slows down while idle (idleMaxIntervalMs) only catches what another replica
 * left behind (a lease that ran out, a retry it scheduled before it stopped). A batch is claimed with `FOR UPDATE SKIP LOCKED` plus a lease
 * (claimed_until, lease_token) in one autocommit statement, so replicas never take the same delivery
 * and no transaction stays open during the HTTP calls; the results are then recorded in one short
 * transaction, only for deliveries whose lease this worker still holds. A worker that dies mid-send
 * loses its lease after the timeout plus a margin, and another sends again (at least once).
 */
export class WebhookWorker {
  private readonly batchSize: number;
  private readonly retainDays: number;
  private readonly leaseSeconds: number;
  private readonly schema: string;
  private readonly loop: BatchLoop;
  private attemptsMade = 0;

  constructor(private readonly options: WebhookWorkerOptions) {
    this.batchSize = options.batchSize ?? 100;
    this.retainDays = options.retainFinishedDays ?? 30;
    this.leaseSeconds = Math.ceil(options.settings.timeoutMs / 1000) + 30;
    this.schema = String(options.database.orm.config.get('schema'));
    this.loop = new BatchLoop({
      purpose: 'process webhook deliveries',
      logger: options.logger,
      runBatch: () => this.runOnce(),
      batchSize: this.batchSize,
      intervalMs: options.settings.pollIntervalMs,
      idleMaxIntervalMs: idleMaxIntervalMs(options.settings.pollIntervalMs),
      cleanup: () => this.cleanup(),
    });
  }

  /** Attempts this instance has made since it was created. */
  get attempted(): number {
    return this.attemptsMade;
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Deliveries fell due (new ones, a redelivery, an endpoint enabled) and are committed: look now. */
  wake(): void {
    this.loop.wake();
  }

  /** Sends every delivery due now (tests, tools); returns how many were attempted. */
  drain(): Promise<number> {
    return this.loop.drain();
  }

  /** One batch: claim, send in parallel, record. */
  async runOnce(): Promise<number> {
    const em = this.options.database.fork();
    const leaseToken = randomUUID();
    const claimed = await this.claim(em, leaseToken);
    if (claimed.length === 0) return 0;
    const endpoints = await this.endpointsOf(em, claimed);
    const sent = await Promise.all(claimed.map((row) => this.tracedAttempt(row, endpoints.get(row.endpoint_id))));
    this.attemptsMade += sent.length;
    await this.record(em, leaseToken, sent);
    return claimed.length;
  }

  private table(name: string): string {
    return `"${this.schema}"."${name}"`;
  }

  private claim(em: EntityManager, leaseToken: string): Promise<ClaimedRow[]> {
    return em.execute<ClaimedRow[]>(
      `${BACKGROUND_STATEMENT} update ${this.table('webhook_delivery')}
       set claimed_until = now() + make_interval(secs => ?), lease_token = ?
       where id in (
         select d.id from ${this.table('webhook_delivery')} d
         join ${this.table('webhook_endpoint')} e on e.id = d.endpoint_id
         where d.status = 'pending' and d.next_attempt_at <= now()
           and (d.claimed_until is null or d.claimed_until < now()) and e.enabled
         order by d.next_attempt_at limit ? for update of d skip locked)
       returning id, endpoint_id, body, retry_step, redelivery_requested, redelivery_requests`,
      [this.leaseSeconds, leaseToken, this.batchSize],
    );
  }

  private async endpointsOf(em: EntityManager, claimed: readonly ClaimedRow[]): Promise<Map<string, EndpointRow>> {
    const ids = [...new Set(claimed.map((row) => row.endpoint_id))];
    const rows = await em.execute<EndpointRow[]>(
      `${BACKGROUND_STATEMENT} select id, url, secret_sealed, previous_secret_sealed,
         coalesce(previous_secret_expires_at > now(), false) as previous_valid
       from ${this.table('webhook_endpoint')} where id in (${ids.map(() => '?').join(', ')})`,
      ids,
    );
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** A span per delivery attempt (none while tracing is off); no traceparent goes to the receiver. */
  private tracedAttempt(row: ClaimedRow, endpoint: EndpointRow | undefined): Promise<Sent> {
    return inSpan(tracerFor('admin'), 'webhook delivery', { kind: SpanKind.CLIENT }, async (span) => {
      const sent = await this.attempt(row, endpoint);
      span.setAttributes({
        'membergraph.webhook.retry_step': row.retry_step,
        'membergraph.webhook.succeeded': sent.outcome.succeeded,
      });
      if (sent.outcome.statusCode !== null) span.setAttribute('http.response.status_code', sent.outcome.statusCode);
      if (!sent.outcome.succeeded) span.setStatus({ code: SpanStatusCode.ERROR, message: sent.outcome.error ?? '' });
      return sent;
    });
  }

  private async attempt(row: ClaimedRow, endpoint: EndpointRow | undefined): Promise<Sent> {
    const attemptedAt = new Date();
    if (!endpoint) return { row, attemptedAt, outcome: unsent('the endpoint no longer exists') };
    let secrets: string[];
    try {
      secrets = [endpoint.secret_sealed, ...(endpoint.previous_valid ? [endpoint.previous_secret_sealed ?? ''] : [])]
        .filter(Boolean)
        .map((sealed) => this.options.secrets.open(sealed));
    } catch {
      // SECRET_KEY changed: nothing can be signed; rotating the endpoint's secret repairs it.
      return { row, attemptedAt, outcome: unsent('the signing secret cannot be unsealed') };
    }
    const webhookId = webhookIdOf(row.id);
    const timestamp = Math.floor(attemptedAt.getTime() / 1000);
    const outcome = await sendWebhook({
      url: endpoint.url,
      body: row.body,
      timeoutMs: this.options.settings.timeoutMs,
      guard: !this.options.settings.allowPrivateTargets,
      headers: {
        'content-type': 'application/json',
        'user-agent': WEBHOOK_USER_AGENT,
        'webhook-id': webhookId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(secrets, webhookId, timestamp, row.body),
      },
    });
    return { row, attemptedAt, outcome };
  }

  /** Attempts, the deliveries' next state and the endpoints' health, in one short transaction. */
  private async record(em: EntityManager, leaseToken: string, sent: readonly Sent[]): Promise<void> {
    const delays = this.options.settings.retryDelaysMs;
    const results = sent.map(({ row, attemptedAt, outcome }) => {
      const step = outcome.succeeded ? row.retry_step : row.retry_step + 1;
      const exhausted = !outcome.succeeded && step > delays.length;
      return {
        id: row.id,
        attempt_id: randomUUID(),
        attempted_at: attemptedAt.toISOString(),
        status_code: outcome.statusCode,
        error: outcome.error,
        duration_ms: outcome.durationMs,
        succeeded: outcome.succeeded,
        manual: row.redelivery_requested,
        status: outcome.succeeded ? 'delivered' : exhausted ? 'failed' : 'pending',
        retry_step: step,
        delay_ms: outcome.succeeded || exhausted ? null : delays[step - 1],
        redelivery_requests: row.redelivery_requests,
      };
    });
    await em.transactional(async (tx) => {
      const json = JSON.stringify(results);
      await tx.execute(
        `${BACKGROUND_STATEMENT} insert into ${this.table('webhook_attempt')}
           (id, delivery_id, attempted_at, status_code, error, duration_ms, succeeded, manual)
         select x.attempt_id, x.id, x.attempted_at, x.status_code, x.error, x.duration_ms, x.succeeded, x.manual
         from jsonb_to_recordset(cast(? as jsonb)) as x(attempt_id uuid, id uuid, attempted_at timestamptz,
           status_code int, error text, duration_ms int, succeeded boolean, manual boolean)`,
        [json],
      );
      // The counter moved since the claim: an admin called redeliverWebhook while this attempt was in
      // flight. That request stands (due now, on a fresh schedule) instead of being overwritten. `d` is
      // the row as this statement locked it, so a request committed just before counts too.
      const askedAgain = 'd.redelivery_requests <> x.redelivery_requests';
      const updated = await tx.execute<{ endpoint_id: string; status: string; succeeded: boolean }[]>(
        `${BACKGROUND_STATEMENT} update ${this.table('webhook_delivery')} d set
           status = case when ${askedAgain} then 'pending' else x.status end,
           retry_step = case when ${askedAgain} then 0 else x.retry_step end,
           attempt_count = d.attempt_count + 1,
           last_attempt_at = x.attempted_at,
           delivered_at = case when x.succeeded then x.attempted_at else d.delivered_at end,
           next_attempt_at = case
             when ${askedAgain} then now()
             when x.status = 'pending' then now() + x.delay_ms * interval '1 millisecond' end,
           claimed_until = null, lease_token = null, redelivery_requested = ${askedAgain}
         from jsonb_to_recordset(cast(? as jsonb)) as x(id uuid, attempted_at timestamptz, succeeded boolean,
           status text, retry_step int, delay_ms int, redelivery_requests int)
         where d.id = x.id and d.lease_token = ?
         returning d.endpoint_id, d.status, x.succeeded`,
        [json, leaseToken],
      );
      await this.recordEndpointHealth(tx, updated);
    });
    for (const { status } of results)
      this.options.onAttempt?.(status === 'delivered' || status === 'failed' ? status : 'retrying');
    // Each retry falls due after its delay: look then rather than at the (idle, slow) next poll.
    for (const { delay_ms: delayMs } of results)
      if (delayMs !== null && delayMs !== undefined) this.loop.wakeIn(delayMs);
  }

  /**
   * A successful attempt resets an endpoint's count of failed deliveries; each delivery that ends
   * failed adds one; at WEBHOOK_DISABLE_AFTER_FAILURES the endpoint is disabled and audited.
   */
  private async recordEndpointHealth(
    tx: EntityManager,
    updated: readonly { endpoint_id: string; status: string; succeeded: boolean }[],
  ): Promise<void> {
    const health = new Map<string, { succeeded: boolean; failed: number }>();
    for (const row of updated) {
      const entry = health.get(row.endpoint_id) ?? { succeeded: false, failed: 0 };
      if (row.succeeded) entry.succeeded = true;
      if (row.status === 'failed') entry.failed += 1;
      health.set(row.endpoint_id, entry);
    }
    const touched = [...health].filter(([, h]) => h.succeeded || h.failed > 0);
    if (touched.length === 0) return;
    const ids = touched.map(([id]) => id);
    const current = await tx.execute<{ id: string; url: string; enabled: boolean; failed_deliveries_in_row: number }[]>(
      `${BACKGROUND_STATEMENT} select id, url, enabled, failed_deliveries_in_row from ${this.table('webhook_endpoint')}
       where id in (${ids.map(() => '?').join(', ')}) order by id for update`,
      ids,
    );
    for (const endpoint of current) {
      const { succeeded, failed } = health.get(endpoint.id) ?? { succeeded: false, failed: 0 };
      const inRow = (succeeded ? 0 : endpoint.failed_deliveries_in_row) + failed;
      const disable = endpoint.enabled && inRow >= this.options.settings.disableAfterFailures;
      if (inRow === endpoint.failed_deliveries_in_row && !disable) continue;
      await tx.execute(
        `${BACKGROUND_STATEMENT} update ${this.table('webhook_endpoint')} set failed_deliveries_in_row = ?
         ${disable ? `, enabled = false, disabled_at = now(), disabled_reason = 'failing', updated_at = now()` : ''}
         where id = ?`,
        [inRow, endpoint.id],
      );
      if (!disable) continue;
      this.options.logger.warn({ endpointId: endpoint.id, failedDeliveriesInRow: inRow }, 'webhook endpoint disabled');
      auditWebhookChange(
        tx,
        'webhook.endpoint_disabled',
        { userId: null },
        { endpointId: endpoint.id, url: auditableUrl(endpoint.url), reason: 'failing', failedDeliveriesInRow: inRow },
      );
    }
  }

  private async cleanup(): Promise<void> {
    await this.options.database.fork().execute(
      `${BACKGROUND_STATEMENT} delete from ${this.table('webhook_delivery')}
       where status <> 'pending' and created_at < now() - make_interval(days => ?)`,
      [this.retainDays],
    );
  }
}

function unsent(error: string): AttemptOutcome {
  return { statusCode: null, error, durationMs: 0, succeeded: false };
}
