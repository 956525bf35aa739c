import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { systemAdministrator } from '../../../../lib/graphql/admin-callers.js';
import type { SubgraphContext } from '../../../../lib/graphql/context.js';
import { WEBHOOK_EVENT_TYPES } from './event-types.js';
import { DELIVERY_PAGE_MAX, type WebhookDeliveryService } from './webhook-delivery.service.js';
import type { IssuedWebhookSecret, WebhookEndpointService } from './webhook-endpoint.service.js';
import {
  CreateWebhookEndpointInput,
  UpdateWebhookEndpointInput,
  WebhookDeliveryPageType,
  WebhookDeliveryStatusEnum,
  WebhookDeliveryType,
  WebhookEndpointSecretType,
  WebhookEndpointType,
} from './webhook.types.js';

function withSecret(issued: IssuedWebhookSecret): WebhookEndpointSecretType {
  return Object.assign(new WebhookEndpointSecretType(), {
    id: issued.endpoint.id,
    endpoint: WebhookEndpointType.from(issued.endpoint),
    secret: issued.secret,
  });
}

@Resolver()
export class WebhookResolver {
  constructor(
    private readonly endpoints: WebhookEndpointService,
    private readonly deliveries: WebhookDeliveryService,
  ) {}

  @Query(() => [String], { description: 'Event types an endpoint may subscribe to (besides * for all)' })
  webhookEventTypes(@Ctx() context: SubgraphContext): string[] {
    systemAdministrator(context);
    return [...WEBHOOK_EVENT_TYPES];
  }

  @Query(() => [WebhookEndpointType], { description: 'Every webhook endpoint, oldest first (system admins)' })
  async webhookEndpoints(@Ctx() context: SubgraphContext): Promise<WebhookEndpointType[]> {
    systemAdministrator(context);
    return (await this.endpoints.list(context.em)).map((e) => WebhookEndpointType.from(e));
  }

  @Query(() => WebhookEndpointType, { description: 'One webhook endpoint (NOT_FOUND if none)' })
  async webhookEndpoint(@Ctx() context: SubgraphContext, @Arg('id', () => ID) id: string) {
    systemAdministrator(context);
    return WebhookEndpointType.from(await this.endpoints.find(context.em, id));
  }

  @Query(() => WebhookDeliveryPageType, {
    description: `An endpoint's deliveries, newest first, with every attempt; at most ${DELIVERY_PAGE_MAX} per page`,
  })
  async webhookDeliveries(
    @Ctx() context: SubgraphContext,
    @Arg('endpointId', () => ID) endpointId: string,
    @Arg('page', () => Int, { defaultValue: 1 }) page: number,
    @Arg('limit', () => Int, { defaultValue: 20 }) limit: number,
    @Arg('status', () => WebhookDeliveryStatusEnum, { nullable: true }) status: WebhookDeliveryStatusEnum | null,
  ): Promise<WebhookDeliveryPageType> {
    systemAdministrator(context);
    const result = await this.deliveries.list(context.em, endpointId, { page, limit, status });
    return Object.assign(new WebhookDeliveryPageType(), {
      ...result,
      items: result.items.map(({ delivery, attempts }) => WebhookDeliveryType.from(delivery, attempts)),
    });
  }

  @Mutation(() => WebhookEndpointSecretType, { description: 'Registers a receiver; its secret is shown once' })
  async createWebhookEndpoint(
    @Ctx() context: SubgraphContext,
    @Arg('input', () => CreateWebhookEndpointInput) input: CreateWebhookEndpointInput,
  ) {
    return withSecret(await this.endpoints.create(context.em, systemAdministrator(context), input, context.origin));
  }

  @Mutation(() => WebhookEndpointType, { description: 'Changes url, events or description' })
  async updateWebhookEndpoint(
    @Ctx() context: SubgraphContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateWebhookEndpointInput) input: UpdateWebhookEndpointInput,
  ) {
    const updated = await this.endpoints.update(context.em, systemAdministrator(context), id, input, context.origin);
    return WebhookEndpointType.from(updated);
  }

  @Mutation(() => WebhookEndpointSecretType, {
    description: 'A new secret, shown once; the previous one also signs for 24 hours',
  })
  async rotateWebhookEndpointSecret(@Ctx() context: SubgraphContext, @Arg('id', () => ID) id: string) {
    return withSecret(await this.endpoints.rotate(context.em, systemAdministrator(context), id, context.origin));
  }

  @Mutation(() => WebhookEndpointType, { description: 'Stops deliveries to the endpoint (pending ones wait)' })
  async disableWebhookEndpoint(@Ctx() context: SubgraphContext, @Arg('id', () => ID) id: string) {
    const endpoint = await this.endpoints.setEnabled(
      context.em,
      systemAdministrator(context),
      id,
      false,
      context.origin,
    );
    return WebhookEndpointType.from(endpoint);
  }

  @Mutation(() => WebhookEndpointType, { description: 'Resumes deliveries and resets the failure count' })
  async enableWebhookEndpoint(@Ctx() context: SubgraphContext, @Arg('id', () => ID) id: string) {
    const endpoint = await this.endpoints.setEnabled(
      context.em,
      systemAdministrator(context),
      id,
      true,
      context.origin,
    );
    return WebhookEndpointType.from(endpoint);
  }

  @Mutation(() => WebhookDeliveryType, {
    description: 'Sends a delivery again with the same webhook-id (a fresh retry schedule if it had ended)',
  })
  async redeliverWebhook(@Ctx() context: SubgraphContext, @Arg('deliveryId', () => ID) deliveryId: string) {
    const { delivery, attempts } = await this.deliveries.redeliver(
      context.em,
      systemAdministrator(context),
      deliveryId,
      context.origin,
    );
    return WebhookDeliveryType.from(delivery, attempts);
  }
}
