import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { numberedPageOf } from '../../../../lib/graphql/numbered-page.js';
import { webhookIdOf } from './signing.js';
import type { DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint } from './webhook.entities.js';

export enum WebhookDeliveryStatusEnum {
  PENDING = 'pending',
  DELIVERED = 'delivered',
  FAILED = 'failed',
}
registerEnumType(WebhookDeliveryStatusEnum, {
  name: 'WebhookDeliveryStatus',
  description: 'PENDING: not yet delivered, attempts remain; DELIVERED: a 2xx answered; FAILED: every attempt failed',
});

export enum WebhookDisabledReasonEnum {
  MANUAL = 'manual',
  FAILING = 'failing',
}
registerEnumType(WebhookDisabledReasonEnum, {
  name: 'WebhookDisabledReason',
  description: 'MANUAL: by an admin; FAILING: automatically, after WEBHOOK_DISABLE_AFTER_FAILURES failed deliveries',
});

@ObjectType('WebhookEndpoint', { description: 'A receiver of signed webhooks (Standard Webhooks)' })
export class WebhookEndpointType {
  @Field(() => ID)
  id!: string;

  @Field()
  url!: string;

  @Field(() => [String], { description: 'Event types it receives; ["*"] for all' })
  events!: string[];

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field({ description: 'Disabled endpoints get no new deliveries; pending ones wait until enabled again' })
  enabled!: boolean;

  @Field(() => Date, { nullable: true })
  disabledAt!: Date | null;

  @Field(() => WebhookDisabledReasonEnum, { nullable: true })
  disabledReason!: WebhookDisabledReasonEnum | null;

  @Field(() => Int, { description: 'Deliveries that failed (every attempt) since the last successful attempt' })
  failedDeliveriesInRow!: number;

  @Field(() => Date, { nullable: true })
  secretRotatedAt!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Until then the previous secret signs too (a second signature in webhook-signature)',
  })
  previousSecretValidUntil!: Date | null;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  static from(row: WebhookEndpoint): WebhookEndpointType {
    const graceEnds = row.previousSecretExpiresAt ?? null;
    return Object.assign(new WebhookEndpointType(), {
      id: row.id,
      url: row.url,
      events: row.events,
      description: row.description ?? null,
      enabled: row.enabled,
      disabledAt: row.disabledAt ?? null,
      disabledReason: (row.disabledReason ?? null) as WebhookDisabledReasonEnum | null,
      failedDeliveriesInRow: row.failedDeliveriesInRow,
      secretRotatedAt: row.secretRotatedAt ?? null,
      previousSecretValidUntil: graceEnds && graceEnds.getTime() > Date.now() ? graceEnds : null,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    });
  }
}

@ObjectType('WebhookEndpointSecret', { description: 'The signing secret is shown here once and never again' })
export class WebhookEndpointSecretType {
  @Field(() => ID, { description: "The endpoint's id (as endpoint.id)" })
  id!: string;

  @Field(() => WebhookEndpointType)
  endpoint!: WebhookEndpointType;

  @Field({ description: 'whsec_ + base64 of 32 random bytes; store it now, it cannot be shown again' })
  secret!: string;
}

@ObjectType('WebhookAttempt', { description: 'One HTTP request of a delivery' })
export class WebhookAttemptType {
  @Field(() => ID)
  id!: string;

  @Field()
  attemptedAt!: Date;

  @Field(() => Int, { nullable: true, description: "The receiver's HTTP status; null when none came" })
  statusCode!: number | null;

  @Field(() => String, { nullable: true, description: 'Why it failed (timeout, connection reset, refused...)' })
  error!: string | null;

  @Field(() => Int)
  durationMs!: number;

  @Field({ description: 'A 2xx answer' })
  succeeded!: boolean;

  @Field({ description: 'Made for a redeliverWebhook request' })
  manual!: boolean;

  static from(row: WebhookAttempt): WebhookAttemptType {
    return Object.assign(new WebhookAttemptType(), {
      id: row.id,
      attemptedAt: row.attemptedAt,
      statusCode: row.statusCode ?? null,
      error: row.error ?? null,
      durationMs: row.durationMs,
      succeeded: row.succeeded,
      manual: row.manual,
    });
  }
}

@ObjectType('WebhookDelivery', { description: 'One event for one endpoint, with every attempt' })
export class WebhookDeliveryType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  endpointId!: string;

  @Field({ description: 'The webhook-id header: the same on every attempt and redelivery' })
  webhookId!: string;

  @Field(() => ID)
  eventId!: string;

  @Field()
  eventType!: string;

  @Field(() => WebhookDeliveryStatusEnum)
  status!: DeliveryStatus;

  @Field(() => Int)
  attemptCount!: number;

  @Field(() => Date, { nullable: true })
  nextAttemptAt!: Date | null;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  deliveredAt!: Date | null;

  @Field(() => GraphQLJSONObject, { description: 'The body sent: {event, timestamp, data}' })
  payload!: Record<string, unknown>;

  @Field(() => [WebhookAttemptType], { description: 'Oldest first' })
  attempts!: WebhookAttemptType[];

  static from(row: WebhookDelivery, attempts: readonly WebhookAttempt[]): WebhookDeliveryType {
    return Object.assign(new WebhookDeliveryType(), {
      id: row.id,
      endpointId: row.endpoint.id,
      webhookId: webhookIdOf(row.id),
      eventId: row.eventId,
      eventType: row.eventType,
      status: row.status,
      attemptCount: row.attemptCount,
      nextAttemptAt: row.status === 'pending' ? (row.nextAttemptAt ?? null) : null,
      createdAt: row.createdAt,
      deliveredAt: row.deliveredAt ?? null,
      payload: JSON.parse(row.body) as Record<string, unknown>,
      attempts: attempts.map((a) => WebhookAttemptType.from(a)),
    });
  }
}

@ObjectType('WebhookDeliveryPage')
export class WebhookDeliveryPageType extends numberedPageOf(WebhookDeliveryType, { items: 'Newest first' }) {}

@InputType('CreateWebhookEndpointInput')
export class CreateWebhookEndpointInput {
  @Field({ description: 'https (http outside production); no credentials; a public address in production' })
  url!: string;

  @Field(() => [String], { description: 'Event types (webhookEventTypes), or ["*"] for all' })
  events!: string[];

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@InputType('UpdateWebhookEndpointInput', { description: 'Only the fields given change; description null clears it' })
export class UpdateWebhookEndpointInput {
  @Field(() => String, { nullable: true })
  url?: string | null;

  @Field(() => [String], { nullable: true })
  events?: string[] | null;

  @Field(() => String, { nullable: true })
  description?: string | null;
}
