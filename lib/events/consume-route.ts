import express, { type Express } from 'express';
import type { Logger } from '../logging/logger.js';
import { RELAY_SIGNATURE_HEADER, relaySigner } from './relay-signature.js';
import { acceptRelayedEvent, relayBatch, type AcceptedEvent, type RelayAnswer } from './wire.js';

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
  deps: { secretKey: string; logger: Logger; handle: EventHandler },
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
      res.status(400).json({ error: 'invalid_batch' });
      return;
    }
    const accepted: AcceptedEvent[] = [];
    const refused: string[] = [];
    for (const event of batch.data.events) {
      const read = acceptRelayedEvent(event);
      if ('event' in read) accepted.push(read.event);
      else refused.push(event.id);
    }
    try {
      await deps.handle(accepted);
    } catch (error) {
      deps.logger.error({ err: error, source: batch.data.source }, 'consuming relayed events failed');
      res.status(503).json({ error: 'consume_failed' });
      return;
    }
    const answer: RelayAnswer = { received: batch.data.events.length, accepted: accepted.length };
    res.json(refused.length > 0 ? { ...answer, refused } : answer);
  });
}
