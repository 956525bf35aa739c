import express, { type Express } from 'express';
import type { SubgraphDatabase } from '../../../../lib/db/orm.js';
import { RELAY_SIGNATURE_HEADER, relaySigner } from '../../../../lib/events/relay-signature.js';
import { relayBatch, type RelayAnswer } from '../../../../lib/events/wire.js';
import type { Logger } from '../../../../lib/logging/logger.js';
import type { EventIngestService } from './event-ingest.service.js';

const issueSummary = (issue: { readonly path: readonly PropertyKey[]; readonly message: string }) =>
  `${issue.path.map(String).join('.')}: ${issue.message}`;

/**
 * `POST /events`: where the subgraphs' outbox relays hand their events over (internal network only;
 * the gateway does not route here). The body must carry the relay's HMAC, checked on the raw bytes.
 * Events the event catalog does not declare are answered as `refused`, and the relay keeps them.
 */
export function eventIngestRoute(
  app: Express,
  deps: { ingest: EventIngestService; database: SubgraphDatabase; secretKey: string; logger: Logger },
): void {
  const signer = relaySigner(deps.secretKey);
  app.post('/events', express.raw({ type: 'application/json', limit: '5mb' }), async (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!signer.verify(body, req.get(RELAY_SIGNATURE_HEADER))) {
      res.status(401).json({ error: 'invalid_signature' });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      res.status(400).json({ error: 'invalid_json' });
      return;
    }
    const batch = relayBatch.safeParse(parsed);
    if (!batch.success) {
      deps.logger.error({ issues: batch.error.issues }, 'relayed events do not match the wire format');
      res.status(400).json({ error: 'invalid_batch' });
      return;
    }
    try {
      const { source, events } = batch.data;
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
