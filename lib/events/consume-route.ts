import type { Express } from 'express';
import type { Logger } from '../logging/logger.js';
import { signedBatchRoute } from './signed-batch-route.js';
import { acceptRelayedEvent, type AcceptedEvent, type RelayAnswer } from './wire.js';
import type { SecretKeys } from '../crypto/secret-key.js';

/**
 * Applies the events of a batch; runs again for a batch delivered twice (a relay that died after
 * sending), so it must be harmless the second time. Throws to have the whole batch offered again.
 */
export type EventHandler = (events: readonly AcceptedEvent[]) => Promise<void>;

/**
 * `POST /events` of a subgraph that consumes other subgraphs' events (lib/events/consumers.ts):
 * internal network only, the body signed by the relay as admin's ingest requires. Events the event
 * catalog does not declare are answered `refused` and the relay keeps them; a handler failure answers
 * 503 and the relay offers the batch again later.
 */
export function eventConsumerRoute(
  app: Express,
  deps: { secretKeys: SecretKeys; logger: Logger; handle: EventHandler },
): void {
  signedBatchRoute(app, deps, async (batch, res) => {
    const accepted: AcceptedEvent[] = [];
    const refused: string[] = [];
    for (const event of batch.events) {
      const read = acceptRelayedEvent(event);
      if ('event' in read) accepted.push(read.event);
      else refused.push(event.id);
    }
    try {
      await deps.handle(accepted);
    } catch (error) {
      deps.logger.error({ err: error, source: batch.source }, 'consuming relayed events failed');
      res.status(503).json({ error: 'consume_failed' });
      return;
    }
    const answer: RelayAnswer = { received: batch.events.length, accepted: accepted.length };
    res.json(refused.length > 0 ? { ...answer, refused } : answer);
  });
}
