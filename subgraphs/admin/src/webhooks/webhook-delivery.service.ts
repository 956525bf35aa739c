import { randomUUID } from 'node:crypto';
import type { UserPrincipal } from '../../../../lib/auth/principal.js';
import { afterCommit } from '../../../../lib/db/after-commit.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { isUuid } from '../../../../lib/db/uuid.js';
import { AppError } from '../../../../lib/errors/index.js';
import type { RequestOrigin } from '../../../../lib/http/origin.js';
import type { AcceptedEvent } from '../../../../lib/events/wire.js';
import { subscribes } from './event-types.js';
import { webhookBody } from './payload.js';
import { auditWebhookChange } from './webhook-audit.js';
import type { WebhookEndpointService } from './webhook-endpoint.service.js';
import { WebhookAttempt, WebhookDelivery, type DeliveryStatus } from './webhook.entities.js';
import { invalid } from './webhook-endpoint.service.js';

export const DELIVERY_PAGE_MAX = 100;

export interface DeliveryPage {
  readonly items: readonly { readonly delivery: WebhookDelivery; readonly attempts: readonly WebhookAttempt[] }[];
  readonly total: number;
  readonly page: number;
  readonly limit: number;
}

/** Creates deliveries from accepted events; lists them with their attempts; redelivers on request. */
export class WebhookDeliveryService {
  constructor(
    private readonly endpoints: WebhookEndpointService,
    /** Told once a redelivery is committed (wakes the worker: it sends at once). */
    private readonly onDue: () => void = () => undefined,
  ) {}

  /**
   * Runs inside admin's ingest transaction with the events seen for the first time: one delivery
   * per event and enabled endpoint subscribed to its type, due now. An event of a rolled-back
   * transaction never reaches admin, and one relayed twice is fresh once (plus the unique key).
   */
  async schedule(tx: EntityManager, events: readonly AcceptedEvent[]): Promise<number> {
    const schema = String(tx.config.get('schema'));
    const endpoints = await tx.execute<{ id: string; events: string[] }[]>(
      `select id, events from "${schema}"."webhook_endpoint" where enabled`,
    );
    if (endpoints.length === 0) return 0;
    const rows: { id: string; endpoint_id: string; event_id: string; event_type: string; body: string }[] = [];
    for (const event of events) {
      let body: string | undefined;
      for (const endpoint of endpoints) {
        if (!subscribes(endpoint.events, event.type)) continue;
        body ??= webhookBody(event);
        rows.push({ id: randomUUID(), endpoint_id: endpoint.id, event_id: event.id, event_type: event.type, body });
      }
    }
    if (rows.length === 0) return 0;
    const inserted = await tx.execute<{ id: string }[]>(
      `insert into "${schema}"."webhook_delivery"
         (id, endpoint_id, event_id, event_type, body, status, attempt_count, retry_step, next_attempt_at,
          redelivery_requested, created_at)
       select x.id, x.endpoint_id, x.event_id, x.event_type, x.body, 'pending', 0, 0, now(), false, now()
       from jsonb_to_recordset(cast(? as jsonb)) as x(id uuid, endpoint_id uuid, event_id uuid, event_type text, body text)
       on conflict (endpoint_id, event_id) do nothing
       returning id`,
      [JSON.stringify(rows)],
    );
    return inserted.length;
  }

  /** An endpoint's deliveries, newest first, each with every attempt (oldest first): two statements. */
  async list(
    em: EntityManager,
    endpointId: string,
    options: { page: number; limit: number; status?: DeliveryStatus | null },
  ): Promise<DeliveryPage> {
    const { page, limit } = options;
    if (!Number.isInteger(page) || page < 1) throw invalid('page', 'must be 1 or more');
    if (!Number.isInteger(limit) || limit < 1 || limit > DELIVERY_PAGE_MAX) {
      throw invalid('limit', `must be between 1 and ${DELIVERY_PAGE_MAX}`);
    }
    await this.endpoints.find(em, endpointId);
    const [deliveries, total] = await em.findAndCount(
      WebhookDelivery,
      { endpoint: endpointId, ...(options.status ? { status: options.status } : {}) },
      { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit, offset: (page - 1) * limit },
    );
    const attempts =
      deliveries.length === 0
        ? []
        : await em.find(
            WebhookAttempt,
            { delivery: { $in: deliveries.map((d) => d.id) } },
            { orderBy: [{ attemptedAt: 'asc' }, { id: 'asc' }] },
          );
    return {
      items: deliveries.map((delivery) => ({
        delivery,
        attempts: attempts.filter((attempt) => attempt.delivery.id === delivery.id),
      })),
      total,
      page,
      limit,
    };
  }

  /**
   * Sends a delivery again, with the same webhook-id, as soon as a worker is free; a failed or
   * delivered one gets a fresh retry schedule. An attempt already in flight is not interrupted, and
   * the request still stands once it ends, whatever its outcome.
   */
  async redeliver(
    em: EntityManager,
    admin: UserPrincipal,
    deliveryId: string,
    origin: RequestOrigin,
  ): Promise<{ delivery: WebhookDelivery; attempts: WebhookAttempt[] }> {
    const delivery = isUuid(deliveryId)
      ? await em.findOne(WebhookDelivery, { id: deliveryId }, { populate: ['endpoint'] })
      : null;
    if (!delivery) throw new AppError('NOT_FOUND', 'No such webhook delivery');
    if (!delivery.endpoint.$.enabled) throw new AppError('CONFLICT', 'The endpoint is disabled; enable it first');
    const schema = String(em.config.get('schema'));
    await em.transactional(async (tx) => {
      // One statement, counting the request: a worker in the middle of an attempt sees the count move
      // when it records its result, and leaves the delivery due again (webhook-worker.ts).
      await tx.execute(
        `update "${schema}"."webhook_delivery" set status = 'pending', retry_step = 0, next_attempt_at = now(),
           redelivery_requested = true, redelivery_requests = redelivery_requests + 1
         where id = ?`,
        [delivery.id],
      );
      auditWebhookChange(
        tx,
        'webhook.redelivery_requested',
        { userId: admin.userId, origin },
        { endpointId: delivery.endpoint.id, deliveryId: delivery.id, eventId: delivery.eventId },
      );
      afterCommit(tx, async () => this.onDue());
    });
    await em.refresh(delivery);
    const attempts = await em.find(WebhookAttempt, { delivery: delivery.id }, { orderBy: { attemptedAt: 'asc' } });
    return { delivery, attempts };
  }
}
