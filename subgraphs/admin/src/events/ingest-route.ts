import type { Express } from 'express';
import type { SubgraphDatabase } from '../../../../lib/db/orm.js';
import { signedBatchRoute } from '../../../../lib/events/signed-batch-route.js';
import type { RelayAnswer } from '../../../../lib/events/wire.js';
import type { Logger } from '../../../../lib/logging/logger.js';
import type { EventIngestService } from './event-ingest.service.js';
import type { SecretKeys } from '../../../../lib/crypto/secret-key.js';

const issueSummary = (issue: { readonly path: readonly PropertyKey[]; readonly message: string }) =>
  `${issue.path.map(String).join('.')}: ${issue.message}`;

/**
 * `POST /events` (signed-batch-route.ts): where the subgraphs' outbox relays hand their events over.
 * Events the event catalog does not declare are answered as `refused`, and the relay keeps them.
 */
export function eventIngestRoute(
  app: Express,
  deps: { ingest: EventIngestService; database: SubgraphDatabase; secretKeys: SecretKeys; logger: Logger },
): void {
  signedBatchRoute(app, deps, async (batch, res) => {
    try {
      const { source, events } = batch;
      const { accepted, refused } = await deps.ingest.receive(deps.database.fork(), source, events);
      if (refused.length > 0) {
        // Issues name paths and expectations, not values: nothing personal reaches the log.
        const issues = refused.map(({ id, type, issues }) => ({ id, type, issues: issues.map(issueSummary) }));
        deps.logger.error({ source, refused: issues }, 'relayed events the event catalog does not declare');
      }
      const answer: RelayAnswer = { received: events.length, accepted };
      res.json(refused.length > 0 ? { ...answer, refused: refused.map((event) => event.id) } : answer);
    } catch (error) {
      deps.logger.error({ err: error }, 'event ingest failed');
      res.status(503).json({ error: 'ingest_failed' });
    }
  });
}
