import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { RequestHandler } from 'express';
import type { RawRouteContext, RawRouteDeclaration } from '../raw-route.js';

/** The member subgraph's answer headers that reach the browser; nothing else of it does. */
const relayedHeaders = [
  'content-type',
  'content-length',
  'cache-control',
  'etag',
  'x-content-type-options',
  'content-security-policy',
] as const;

/** Relays one picture from the member subgraph (its GraphQL URL's origin), or its 304. */
function relayPicture(memberUrl: string): RequestHandler {
  return async (req, res, next) => {
    try {
      // Both are segments of the route's own path: always there, one string each.
      const { userId, sha256 } = req.params as { userId: string; sha256: string };
      const target = new URL(
        `/media/profile-pictures/${encodeURIComponent(userId)}/${encodeURIComponent(sha256)}`,
        memberUrl,
      );
      const ifNoneMatch = req.headers['if-none-match'];
      const answer = await fetch(target, {
        headers: ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {},
        signal: AbortSignal.timeout(10_000),
      });
      if (answer.status === 404) {
        res.status(404).json({ error: 'not_found', message: 'No such picture', details: {} });
        return;
      }
      if (answer.status !== 200 && answer.status !== 304)
        throw new Error(`member answered ${answer.status} for a profile picture`);
      res.status(answer.status);
      for (const name of relayedHeaders) {
        const value = answer.headers.get(name);
        if (value !== null) res.setHeader(name, value);
      }
      if (answer.status === 304 || !answer.body) {
        res.end();
        return;
      }
      await pipeline(Readable.fromWeb(answer.body as WebReadableStream<Uint8Array>), res);
    } catch (error) {
      // Cut off mid-body: the client must see a broken transfer, not a 500 glued to half a picture.
      if (res.headersSent) res.destroy();
      else next(error);
    }
  };
}

/**
 * The public, cacheable URLs of profile pictures (`profile_picture` of GET /users/me), answered by
 * the member subgraph from PostgreSQL so that every replica serves the same bytes. Immutable and
 * content-addressed, browsers cache them: a page of avatars must not draw on anyone's budget.
 */
export const profilePictureMediaRoute: RawRouteDeclaration<RawRouteContext> = {
  method: 'get',
  path: '/media/profile-pictures/:userId/:sha256',
  rateLimit: 'unlimited',
  handlers: ({ subgraphUrls }) => [relayPicture(subgraphUrls.member)],
};
