import type { AppConfig } from '../../../../lib/config/env.js';
import { createSecretBox } from '../../../../lib/crypto/secret-box.js';
import type { SubgraphDatabase } from '../../../../lib/db/orm.js';
import type { Logger } from '../../../../lib/logging/logger.js';
import type { ServiceMetrics } from '../../../../lib/observability/metrics.js';
import type { FreshEventsListener } from '../events/event-ingest.service.js';
import { webhookSettings } from './settings.js';
import { WebhookDeliveryService } from './webhook-delivery.service.js';
import { WebhookEndpointService } from './webhook-endpoint.service.js';
import { WebhookWorker } from './webhook-worker.js';
import type { SecretKeys } from '../../../../lib/crypto/secret-key.js';

export interface Webhooks {
  readonly endpoints: WebhookEndpointService;
  readonly deliveries: WebhookDeliveryService;
  /** Started with the subgraph; every replica runs one and they share the work. */
  readonly worker: WebhookWorker;
  /** For EventIngestService.onFreshEvents: deliveries are created in the ingest transaction. */
  readonly onFreshEvents: FreshEventsListener;
}

/** Secrets are sealed under their own key derived from SECRET_KEY (lib/crypto/secret-box.ts). */
export const WEBHOOK_SECRET_PURPOSE = 'webhook-secrets';

export function createWebhooks(runtime: {
  readonly config: AppConfig;
  readonly database: SubgraphDatabase;
  readonly logger: Logger;
  readonly secretKeys: SecretKeys;
  readonly metrics?: ServiceMetrics;
}): Webhooks {
  const settings = webhookSettings(runtime.config);
  const secrets = createSecretBox(runtime.secretKeys, WEBHOOK_SECRET_PURPOSE);
  const worker = new WebhookWorker({
    database: runtime.database,
    settings,
    secrets,
    logger: runtime.logger.child({ component: 'webhook-worker' }),
    onAttempt: (outcome) =>
      runtime.metrics?.families.webhookDeliveries.inc({ service: runtime.metrics.service, outcome }),
  });
  // What makes deliveries due wakes the worker once committed, instead of its next (idle, slow) poll.
  const wakeWorker = () => worker.wake();
  const endpoints = new WebhookEndpointService(settings, secrets, wakeWorker);
  const deliveries = new WebhookDeliveryService(endpoints, wakeWorker);
  return {
    endpoints,
    deliveries,
    worker,
    async onFreshEvents(tx, events) {
      if ((await deliveries.schedule(tx, events)) === 0) return;
      // The transaction's own event manager (a clone per transaction): wake the worker once the new
      // deliveries are committed and visible, instead of at its next poll.
      tx.getEventManager().registerSubscriber({ afterTransactionCommit: () => worker.wake() });
    },
  };
}
