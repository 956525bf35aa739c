import { required, resolverContainer } from '../../../lib/graphql/container.js';
import { limited } from '../../../lib/graphql/root-field-policy.js';
import { allow, roleIn, selfOrAdminOfUser } from '../../../lib/graphql/shield.js';
import { buildFederatedSubgraph, type SubgraphSchema } from '../../../lib/graphql/subgraph-schema.js';
import type { SubgraphDefinition } from '../../../lib/subgraph-runtime/subgraph-definition.js';
import { AuditEntry } from './audit/audit-entry.entity.js';
import { AuditLogResolver } from './audit/audit-log.resolver.js';
import { AdminUserResolver, adminReferenceResolvers } from './audit/audit.resolver.js';
import { AdminUser } from './audit/audit.types.js';
import { EventIngestService } from './events/event-ingest.service.js';
import { eventIngestRoute } from './events/ingest-route.js';
import { migrations } from './migrations/index.js';
import {
  ApplicationCensus,
  DailyActiveUser,
  DailyAuthentication,
  TenantTally,
  UserCensus,
} from './statistics/statistics.entities.js';
import { StatisticsResolver } from './statistics/statistics.resolver.js';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from './webhooks/webhook.entities.js';
import { WebhookResolver } from './webhooks/webhook.resolver.js';
import { createWebhooks, WEBHOOK_SECRET_PURPOSE, type Webhooks } from './webhooks/webhooks.js';

export interface AdminServices {
  readonly ingest: EventIngestService;
  readonly webhooks: Webhooks;
}

const admins = roleIn('SYSTEM_ADMIN', 'GROUP_ADMIN');
/** Webhook endpoints receive every tenant's events: system admins only. */
const systemAdmins = roleIn('SYSTEM_ADMIN');

function buildAdminSchema(webhooks?: Webhooks): Promise<SubgraphSchema> {
  return buildFederatedSubgraph({
    resolvers: [AdminUserResolver, AuditLogResolver, StatisticsResolver, WebhookResolver],
    orphanedTypes: [AdminUser],
    referenceResolvers: adminReferenceResolvers,
    container: resolverContainer([
      [AdminUserResolver, () => new AdminUserResolver()],
      [AuditLogResolver, () => new AuditLogResolver()],
      [StatisticsResolver, () => new StatisticsResolver()],
      [WebhookResolver, () => new WebhookResolver(required(webhooks).endpoints, required(webhooks).deliveries)],
    ]),
    permissions: {
      // Group admins are narrowed to their tenant by the services. Admins only: the admin rate-limit class.
      Query: {
        auditLogs: limited('admin', admins),
        statistics: limited('admin', admins),
        webhookEventTypes: limited('admin', systemAdmins),
        webhookEndpoints: limited('admin', systemAdmins),
        webhookEndpoint: limited('admin', systemAdmins),
        webhookDeliveries: limited('admin', systemAdmins),
      },
      Mutation: {
        createWebhookEndpoint: limited('admin', systemAdmins),
        updateWebhookEndpoint: limited('admin', systemAdmins),
        rotateWebhookEndpointSecret: limited('admin', systemAdmins),
        disableWebhookEndpoint: limited('admin', systemAdmins),
        enableWebhookEndpoint: limited('admin', systemAdmins),
        redeliverWebhook: limited('admin', systemAdmins),
      },
      User: { '*': selfOrAdminOfUser },
      // Reached only through the guarded fields above.
      AuditEntry: allow,
      AuditLogPage: allow,
      Statistics: allow,
      ApplicationUsage: allow,
      WebhookEndpoint: allow,
      WebhookEndpointSecret: allow,
      WebhookDelivery: allow,
      WebhookDeliveryPage: allow,
      WebhookAttempt: allow,
    },
  });
}

export const adminSubgraph: SubgraphDefinition<AdminServices> = {
  name: 'admin',
  entities: [
    AuditEntry,
    UserCensus,
    ApplicationCensus,
    DailyActiveUser,
    DailyAuthentication,
    TenantTally,
    WebhookEndpoint,
    WebhookDelivery,
    WebhookAttempt,
  ],
  migrations,
  sealedColumns: [
    {
      kind: 'webhook secrets',
      table: 'webhook_endpoint',
      idColumn: 'id',
      column: 'secret_sealed',
      purpose: WEBHOOK_SECRET_PURPOSE,
      // A rotation seals a new secret; until the first, the one sealed at creation.
      sealedAtColumns: ['secret_rotated_at', 'created_at'],
    },
    // The secret a rotation replaced, still signing beside the new one until it expires.
    {
      kind: 'previous webhook secrets',
      table: 'webhook_endpoint',
      idColumn: 'id',
      column: 'previous_secret_sealed',
      purpose: WEBHOOK_SECRET_PURPOSE,
      // Set by the rotation that replaced it.
      sealedAtColumns: ['secret_rotated_at'],
    },
  ],
  buildSchema: () => buildAdminSchema(),
  async create({ config, database, secretKeys, logger, metrics }) {
    const ingest = new EventIngestService();
    const webhooks = createWebhooks({ config, database, logger, secretKeys, metrics });
    ingest.onFreshEvents(webhooks.onFreshEvents);
    return {
      schema: await buildAdminSchema(webhooks),
      routes(app) {
        eventIngestRoute(app, { ingest, database, secretKeys, logger });
      },
      onStart: async () => webhooks.worker.start(),
      onStop: () => webhooks.worker.stop(),
      services: { ingest, webhooks },
    };
  },
};
