import express, { type Express } from 'express';
import type { SubgraphDatabase } from '../../../../lib/db/orm.js';
import { OAuthApplication } from './application.entity.js';
import { secretMatches } from './client-credentials.js';

/**
 * `POST /oauth-clients/verify` on identity's private port: whether a client_id and client_secret
 * are a confidential application's. The gateway asks before a token request, to charge it to that
 * application's auth budget rather than to the address it comes from. Never exposed by the gateway.
 */
export function oauthClientVerifyRoute(app: Express, deps: { database: SubgraphDatabase }): void {
  app.post('/oauth-clients/verify', express.json({ limit: '4kb' }), async (req, res, next) => {
    try {
      const body = req.body as { clientId?: unknown; clientSecret?: unknown } | undefined;
      if (typeof body?.clientId !== 'string' || typeof body.clientSecret !== 'string') {
        res.status(400).json({ valid: false });
        return;
      }
      const application = await deps.database
        .fork()
        .findOne(
          OAuthApplication,
          { clientId: body.clientId, deletedAt: null, clientType: 'confidential' },
          { populate: ['clientSecretHash'] },
        );
      const hash = application?.clientSecretHash;
      res.json({ valid: Boolean(hash && secretMatches(hash, body.clientSecret)) });
    } catch (error) {
      next(error);
    }
  });
}
