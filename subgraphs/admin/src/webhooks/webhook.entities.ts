import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';

export type DisabledReason = 'manual' | 'failing';
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** A receiver of signed webhooks (Standard Webhooks), managed by system admins. */
@Entity({ tableName: 'webhook_endpoint' })
export class WebhookEndpoint {
  [OptionalProps]?:
    | 'id'
    | 'description'
    | 'enabled'
    | 'disabledAt'
    | 'disabledReason'
    | 'failedDeliveriesInRow'
    | 'previousSecretSealed'
    | 'previousSecretExpiresAt'
    | 'secretRotatedAt'
    | 'createdAt'
    | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text' })
  url!: string;

  /** Event types, or `*` for all. */
  @Property({ type: 'text[]' })
  events!: string[];

  @Property({ type: 'text', nullable: true })
  description?: string | null;

  /** The signing secret, sealed (it must be read back to sign); shown to the admin once. */
  @Property({ type: 'text', lazy: true })
  secretSealed!: string;

  /** After a rotation the old secret signs too, until this grace period ends. */
  @Property({ type: 'text', nullable: true, lazy: true })
  previousSecretSealed?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  previousSecretExpiresAt?: Date | null;

  @Property({ type: 'boolean' })
  enabled: boolean = true;

  @Property({ type: 'timestamptz', nullable: true })
  disabledAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  disabledReason?: DisabledReason | null;

  /** Deliveries that ended failed since the last successful attempt; disables the endpoint at a limit. */
  @Property({ type: 'integer' })
  failedDeliveriesInRow: number = 0;

  @Property({ type: 'uuid', nullable: true })
  createdBy?: string | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  secretRotatedAt?: Date | null;
}

/**
 * One event for one endpoint: its body is fixed at creation and its webhook-id (derived from the id)
 * stays the same across attempts. A worker holds it by lease while it sends (see webhook-worker.ts).
 */
@Entity({ tableName: 'webhook_delivery' })
@Unique({ properties: ['endpoint', 'eventId'] })
@Index({ properties: ['endpoint', 'createdAt'] })
@Index({ properties: ['status', 'nextAttemptAt'] })
export class WebhookDelivery {
  [OptionalProps]?:
    | 'id'
    | 'status'
    | 'attemptCount'
    | 'retryStep'
    | 'nextAttemptAt'
    | 'claimedUntil'
    | 'leaseToken'
    | 'redeliveryRequested'
    | 'redeliveryRequests'
    | 'createdAt'
    | 'lastAttemptAt'
    | 'deliveredAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => WebhookEndpoint, { ref: true, deleteRule: 'cascade' })
  endpoint!: Ref<WebhookEndpoint>;

  @Property({ type: 'uuid' })
  eventId!: string;

  @Property({ type: 'text' })
  eventType!: string;

  /** Exactly the bytes sent (and signed) on every attempt. */
  @Property({ type: 'text' })
  body!: string;

  @Property({ type: 'text' })
  status: DeliveryStatus = 'pending';

  @Property({ type: 'integer' })
  attemptCount: number = 0;

  /** Failed attempts since the schedule (re)started: the next wait is WEBHOOK_RETRY_DELAYS_MS[retryStep - 1]. */
  @Property({ type: 'integer' })
  retryStep: number = 0;

  @Property({ type: 'timestamptz', nullable: true })
  nextAttemptAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  claimedUntil?: Date | null;

  /** Which claim holds it: a worker records its result only while its lease is still the current one. */
  @Property({ type: 'uuid', nullable: true })
  leaseToken?: string | null;

  /** The next attempt was asked for by an admin (`redeliverWebhook`). */
  @Property({ type: 'boolean' })
  redeliveryRequested: boolean = false;

  /**
   * Redeliveries asked for so far. A worker notes it when it claims the delivery: a different value
   * when it records the result means an admin asked again during the attempt, which then still stands.
   */
  @Property({ type: 'integer' })
  redeliveryRequests: number = 0;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  lastAttemptAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  deliveredAt?: Date | null;
}

/** One HTTP request of a delivery, successful or not. */
@Entity({ tableName: 'webhook_attempt' })
@Index({ properties: ['delivery', 'attemptedAt'] })
export class WebhookAttempt {
  [OptionalProps]?: 'id' | 'statusCode' | 'error';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => WebhookDelivery, { ref: true, deleteRule: 'cascade' })
  delivery!: Ref<WebhookDelivery>;

  @Property({ type: 'timestamptz' })
  attemptedAt!: Date;

  /** The receiver's HTTP status; null when no response came (refused, reset, timeout). */
  @Property({ type: 'integer', nullable: true })
  statusCode?: number | null;

  @Property({ type: 'text', nullable: true })
  error?: string | null;

  @Property({ type: 'integer' })
  durationMs!: number;

  @Property({ type: 'boolean' })
  succeeded!: boolean;

  @Property({ type: 'boolean' })
  manual!: boolean;
}
