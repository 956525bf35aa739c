import type { Express } from 'express';
import type { SubgraphDatabase } from '../../../../lib/db/orm.js';
import { OAuthApplication } from './application.entity.js';

/**
 * `GET /applications/origins`: every origin an application (not deleted) registered in
 * `allowed_origins`: the browser origins the gateway answers CORS for (gateway/src/http/cors.ts). Never
 * exposed by the gateway.
 */
export function applicationOriginsRoute(app: Express, deps: { database: SubgraphDatabase }): void {
  app.get('/applications/origins', async (_req, res, next) => {
    try {
      const applications = await deps.database
        .fork()
        .find(OAuthApplication, { deletedAt: null }, { fields: ['allowedOrigins'] });
      res.json({ origins: [...new Set(applications.flatMap((application) => application.allowedOrigins))] });
    } catch (error) {
      next(error);
    }
  });
}
