import express, { type Express } from 'express';
import type { SubgraphDatabase } from '../../../../lib/db/orm.js';
import { RELAY_SIGNATURE_HEADER, relaySigner } from '../../../../lib/events/relay-signature.js';
import { relayBatch } from '../../../../lib/events/wire.js';
import type { Logger } from '../../../../lib/logging/logger.js';
import type { EventIngestService } from './event-ingest.service.js';

/**
 * `POST /events`: where the subgraphs' outbox relays hand their events over (internal network only;
 * the gateway does not route here). The body must carry the relay's HMAC, checked on the raw bytes.
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
      const accepted = await deps.ingest.ingest(deps.database.fork(), batch.data.source, batch.data.events);
      res.json({ received: batch.data.events.length, accepted });
    } catch (error) {
      deps.logger.error({ err: error }, 'event ingest failed');
      res.status(503).json({ error: 'ingest_failed' });
    }
  });
}
