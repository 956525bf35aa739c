import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import type { RequestHandler } from 'express';

/** What a multipart upload turned out to hold. */
export type UploadOutcome =
  | { readonly kind: 'file'; readonly bytes: Buffer }
  | { readonly kind: 'too_large'; readonly maxBytes: number }
  | { readonly kind: 'missing' }
  | { readonly kind: 'ambiguous' }
  | { readonly kind: 'too_many_parts' }
  | { readonly kind: 'malformed' };

/** Room for multipart boundaries, part headers and a few small fields around the file. */
const MULTIPART_OVERHEAD = 64 * 1024;
const FILE_FIELD = 'file';
const LIMITS = { files: 4, fields: 16, parts: 20, fieldSize: 16 * 1024 } as const;

interface Candidate {
  readonly name: string;
  readonly chunks: Buffer[];
}

/**
 * A multipart/form-data request body, read only when the route asks (after authentication), so an
 * anonymous caller's upload is never buffered. The picture is the part named `file`, else the only
 * file part; parts beyond `maxBytes` are cut off by busboy rather than buffered.
 *
 * Every stream busboy hands out gets an error listener: a body that ends mid-part makes busboy
 * destroy the open file stream with "Unexpected end of form", and an emitter's error with no
 * listener is thrown out of the event loop, ending the process for everyone.
 */
export class MultipartUpload {
  constructor(
    private readonly req: IncomingMessage,
    readonly maxBytes: number,
  ) {}

  read(): Promise<UploadOutcome> {
    const { req, maxBytes } = this;
    // The whole body, not only the file: a chunked body declares no length, and busboy reads and
    // drops skipped parts (a huge field) to their end, however long.
    const maxBodyBytes = maxBytes + MULTIPART_OVERHEAD;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBodyBytes) return Promise.resolve({ kind: 'too_large', maxBytes });

    return new Promise((resolve) => {
      let parser: busboy.Busboy;
      try {
        parser = busboy({
          headers: req.headers,
          // busboy signals `limit` on reaching fileSize, so one byte more tells "over" from "exactly".
          limits: { ...LIMITS, fileSize: maxBytes + 1 },
        });
      } catch {
        // No boundary, or not multipart at all.
        resolve({ kind: 'malformed' });
        return;
      }
      let settled = false;
      let received = 0;
      const count = (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxBodyBytes) settle({ kind: 'too_large', maxBytes });
      };
      const settle = (outcome: UploadOutcome) => {
        if (settled) return;
        settled = true;
        req.off('data', count);
        req.unpipe(parser);
        // Whatever is left unread is the answer's business: it closes the connection
        // (gateway/src/http/unread-body.ts). The parser and its open file stream are let go, once
        // busboy is out of the callback that settled (it still touches its file stream after `limit`).
        if (outcome.kind !== 'file') process.nextTick(() => parser.destroy());
        resolve(outcome);
      };
      let chosen: Candidate | undefined;
      let fileParts = 0;
      parser.on('file', (name, stream) => {
        // Its error is the parser's as well (reported below); this listener only keeps it caught.
        stream.on('error', () => undefined);
        fileParts += 1;
        // The first file part, until one named `file` comes: that one wins.
        const take = !chosen || (name === FILE_FIELD && chosen.name !== FILE_FIELD);
        if (!take) {
          stream.resume();
          return;
        }
        const candidate: Candidate = { name, chunks: [] };
        chosen = candidate;
        stream.on('data', (chunk: Buffer) => {
          if (chosen === candidate) candidate.chunks.push(chunk);
        });
        stream.on('limit', () => settle({ kind: 'too_large', maxBytes }));
      });
      // Past a limit busboy skips the rest silently; a form it did not read whole is refused. (It
      // reports reaching the parts limit, so a form of exactly LIMITS.parts parts is refused too.)
      for (const limit of ['partsLimit', 'filesLimit', 'fieldsLimit'] as const)
        parser.on(limit, () => settle({ kind: 'too_many_parts' }));
      parser.on('close', () => {
        // An error comes before `close`, and has settled already.
        if (!chosen) return settle({ kind: 'missing' });
        if (chosen.name !== FILE_FIELD && fileParts > 1) return settle({ kind: 'ambiguous' });
        const bytes = Buffer.concat(chosen.chunks);
        settle(bytes.length === 0 ? { kind: 'missing' } : { kind: 'file', bytes });
      });
      parser.on('error', () => settle({ kind: 'malformed' }));
      req.on('error', () => settle({ kind: 'malformed' }));
      // The client went away mid-upload: nobody waits for an answer, but the promise must end.
      req.on('close', () => {
        if (!req.complete) settle({ kind: 'malformed' });
      });
      req.on('data', count);
      req.pipe(parser);
    });
  }
}

/**
 * The body reader of a `multipart` route (rest/route.ts bodyFormat): hands the route a reader of the
 * multipart body as `body.file`. Other content types reach the route as they are (and fail its body schema).
 */
export function acceptMultipartUpload(maxBytes: number): RequestHandler {
  return (req, _res, next) => {
    if (req.is('multipart/form-data')) req.body = { file: new MultipartUpload(req, maxBytes) };
    next();
  };
}
