import type { SubgraphName } from '../config/env.js';
import type { Logger } from '../logging/logger.js';
import type { LaunchedSubgraph } from '../subgraph-runtime/launch-subgraph.js';
import type { SubgraphDefinition } from '../subgraph-runtime/subgraph-definition.js';
import { eventConsumers } from './consumers.js';
import { OutboxEvent } from './outbox-event.entity.js';
import { OutboxRelay } from './relay.js';
import type { SecretKeys } from '../crypto/secret-key.js';

/**
 * Starts the outbox relay of a subgraph that records events (its entities include the outbox),
 * aimed at admin's `/events` and at the `/events` of the subgraphs that consume some of its types
 * (lib/events/consumers.ts), each found at `subgraphUrl`. Undefined for subgraphs without an outbox.
 */
export function startOutboxRelay(
  definition: SubgraphDefinition<unknown>,
  launched: LaunchedSubgraph<unknown>,
  options: { subgraphUrl: (name: SubgraphName) => string; secretKeys: SecretKeys; logger: Logger },
): OutboxRelay | undefined {
  if (!definition.entities.includes(OutboxEvent)) return undefined;
  const relay = new OutboxRelay({
    source: definition.name,
    database: launched.database,
    target: new URL('/events', options.subgraphUrl('admin')),
    consumers: eventConsumers(options.subgraphUrl),
    secretKeys: options.secretKeys,
    logger: options.logger.child({ component: `${definition.name}-relay` }),
  });
  relay.start();
  return relay;
}
