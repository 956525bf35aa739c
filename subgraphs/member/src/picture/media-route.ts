import type { Express } from 'express';
import type { SubgraphDatabase } from '../../../../lib/db/orm.js';
import { PICTURE_PATH_PREFIX } from './picture-path.js';
import { findPicture } from './profile-picture.service.js';

/** Whether an If-None-Match header names this entity tag (or `*`); weak comparison, RFC 9110 §13.1.2. */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

/**
 * `GET /media/profile-pictures/:userId/:sha256`: the picture's bytes, for the gateway to proxy. No
 * authentication: pictures are shown to others, and the URL carries the content hash, so it cannot be
 * guessed. A replaced picture's old URL answers 404.
 */
export function serveProfilePictures(app: Express, database: SubgraphDatabase): void {
  app.get(`${PICTURE_PATH_PREFIX}/:userId/:sha256`, async (req, res, next) => {
    try {
      const { userId, sha256 } = req.params;
      const etag = `"${sha256}"`;
      const revalidating = matchesEtag(req.headers['if-none-match'], etag);
      // A revalidation needs to know only that the picture is still current, not its bytes.
      const picture = await findPicture(database.fork(), userId, sha256, { withBytes: !revalidating });
      if (!picture) {
        res.status(404).end();
        return;
      }
      res.set({
        'Cache-Control': 'public, max-age=31536000, immutable',
        ETag: etag,
        'X-Content-Type-Options': 'nosniff',
        // Opened directly, the file can run nothing, even if a browser were to take it for a document.
        'Content-Security-Policy': "default-src 'none'",
      });
      if (revalidating) {
        res.status(304).end();
        return;
      }
      res.type(picture.contentType).send(picture.bytes);
    } catch (error) {
      next(error);
    }
  });
}
