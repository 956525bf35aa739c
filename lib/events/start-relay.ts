import type { Logger } from '../logging/logger.js';
import type { LaunchedSubgraph } from '../subgraph-runtime/launch-subgraph.js';
import type { SubgraphDefinition } from '../subgraph-runtime/subgraph-definition.js';
import { OutboxEvent } from './outbox-event.entity.js';
import { OutboxRelay } from './relay.js';

/**
 * Starts the outbox relay of a subgraph that records events (its entities include the outbox),
 * aimed at admin's `/events` beside its GraphQL endpoint. Undefined for subgraphs without an outbox.
 */
export function startOutboxRelay(
  definition: SubgraphDefinition<unknown>,
  launched: LaunchedSubgraph<unknown>,
  options: { adminGraphqlUrl: string; secretKey: string; logger: Logger },
): OutboxRelay | undefined {
  if (!definition.entities.includes(OutboxEvent)) return undefined;
  const relay = new OutboxRelay({
    source: definition.name,
    database: launched.database,
    target: new URL('/events', options.adminGraphqlUrl),
    secretKey: options.secretKey,
    logger: options.logger.child({ component: `${definition.name}-relay` }),
  });
  relay.start();
  return relay;
}
