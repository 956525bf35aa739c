import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Express } from 'express';
import { acceptMultipartUpload } from './profile-picture-upload.js';
import { PROFILE_PICTURE_PATH } from './profile-picture.js';

const MEDIA_PATH = '/media/profile-pictures/:userId/:sha256';

/** The member subgraph's answer headers that reach the browser; nothing else of it does. */
const relayedHeaders = [
  'content-type',
  'content-length',
  'cache-control',
  'etag',
  'x-content-type-options',
  'content-security-policy',
] as const;

export interface ProfilePictureHttpOptions {
  readonly maxBytes: number;
  /** The member subgraph's GraphQL URL; pictures are served from the same origin. */
  readonly memberUrl: string;
}

/**
 * The HTTP around profile pictures that the route table cannot express: the upload's multipart body
 * (read later by the route) and the public, cacheable picture URLs, which the member subgraph answers
 * from PostgreSQL so that every replica serves the same bytes.
 */
export function mountProfilePictures(app: Express, options: ProfilePictureHttpOptions): void {
  app.post(PROFILE_PICTURE_PATH, acceptMultipartUpload(options.maxBytes));

  app.get(MEDIA_PATH, async (req, res, next) => {
    try {
      const { userId, sha256 } = req.params;
      const target = new URL(
        `/media/profile-pictures/${encodeURIComponent(userId)}/${encodeURIComponent(sha256)}`,
        options.memberUrl,
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
  });
}
