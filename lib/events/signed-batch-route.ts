import express, { type Express, type Response } from 'express';
import type { Logger } from '../logging/logger.js';
import { RELAY_SIGNATURE_HEADER, relaySigner } from './relay-signature.js';
import { relayBatch, type RelayBatch } from './wire.js';
import type { SecretKeys } from '../crypto/secret-key.js';

/**
 * Mounts `POST /events`, where outbox relays hand batches over (internal network only; the gateway
 * does not route here): the body must carry the relay's HMAC, checked on the raw bytes, and be a
 * batch in the wire format before `handle` sees it. Admin's ingest and every event consumer
 * (consume-route.ts) receive through this one door.
 */
export function signedBatchRoute(
  app: Express,
  deps: { secretKeys: SecretKeys; logger: Logger },
  handle: (batch: RelayBatch, res: Response) => Promise<void>,
): void {
  const signer = relaySigner(deps.secretKeys);
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
    await handle(batch.data, res);
  });
}
