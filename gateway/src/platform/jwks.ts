import type { RequestHandler } from 'express';

/**
 * GET /.well-known/jwks.json: identity's signing keys (from its own JWKS), asked at most every few
 * seconds and cacheable by verifiers for five minutes. A relying party meeting an ID token of a key
 * it does not know reads the set again: after an emergency rollover that key signed at once, so the
 * copy here is never more than seconds old.
 */
const IDENTITY_JWKS_REREAD_MS = 5_000;

export function serveJwks(identityUrl: string): RequestHandler {
  const source = `${new URL('/', identityUrl).toString().replace(/\/$/, '')}/.well-known/jwks.json`;
  let cache: { body: unknown; at: number } | undefined;
  return async (_req, res, next) => {
    try {
      if (!cache || Date.now() - cache.at > IDENTITY_JWKS_REREAD_MS) {
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
