import type { RequestHandler } from 'express';

/**
 * GET /.well-known/jwks.json: identity's signing keys (from its own JWKS), asked at most once a
 * minute and cacheable by verifiers for five minutes.
 */
export function serveJwks(identityUrl: string): RequestHandler {
  const source = `${new URL('/', identityUrl).toString().replace(/\/$/, '')}/.well-known/jwks.json`;
  let cache: { body: unknown; at: number } | undefined;
  return async (_req, res, next) => {
    try {
      if (!cache || Date.now() - cache.at > 60_000) {
        const answer = await fetch(source);
        if (!answer.ok) throw new Error(`identity JWKS answered ${answer.status}`);
        cache = { body: await answer.json(), at: Date.now() };
      }
      res.set('Cache-Control', 'public, max-age=300').json(cache.body);
    } catch (error) {
      next(error);
    }
  };
}
