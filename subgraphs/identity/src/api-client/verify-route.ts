import express, { type Express } from 'express';
import type { SubgraphDatabase } from '../../../../lib/db/orm.js';
import type { SigningKeyService } from '../keys/signing-key.service.js';
import type { ApiClientService } from './api-client.service.js';

/**
 * `POST /api-clients/verify` on identity's private port: the gateway asks whether a client key and
 * API key belong together, and gets the client's policy plus a short-lived service token that
 * stands for the client in the subgraphs. Never exposed by the gateway.
 */
export function apiClientVerifyRoute(
  app: Express,
  deps: { apiClients: ApiClientService; signingKeys: SigningKeyService; database: SubgraphDatabase },
): void {
  app.post('/api-clients/verify', express.json({ limit: '4kb' }), async (req, res, next) => {
    try {
      const body = req.body as { clientKey?: unknown; apiKey?: unknown } | undefined;
      if (typeof body?.clientKey !== 'string' || typeof body.apiKey !== 'string') {
        res.status(400).json({ outcome: 'malformed' });
        return;
      }
      const verification = await deps.apiClients.verify(deps.database.fork(), body.clientKey, body.apiKey);
      if (verification.outcome !== 'ok') {
        res.status(401).json(verification);
        return;
      }
      const serviceToken = await deps.signingKeys.signServiceToken(verification.client);
      res.json({ ...verification, serviceToken: serviceToken.token, serviceTokenExpiresIn: serviceToken.expiresIn });
    } catch (error) {
      next(error);
    }
  });
}
