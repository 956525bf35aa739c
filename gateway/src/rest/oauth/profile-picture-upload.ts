import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import type { RequestHandler } from 'express';

/** What a multipart upload turned out to hold. */
export type UploadOutcome =
  | { readonly kind: 'file'; readonly bytes: Buffer }
  | { readonly kind: 'too_large'; readonly maxBytes: number }
  | { readonly kind: 'missing' }
  | { readonly kind: 'ambiguous' }
  | { readonly kind: 'malformed' };

/** Room for multipart boundaries, part headers and a few small fields around the file. */
const MULTIPART_OVERHEAD = 64 * 1024;
const FILE_FIELD = 'file';

interface Candidate {
  readonly name: string;
  readonly chunks: Buffer[];
}

/**
 * A multipart/form-data request body, read only when the route asks (after authentication), so an
 * anonymous caller's upload is never buffered. The picture is the part named `file`, else the only
 * file part; parts beyond `maxBytes` are cut off by busboy rather than buffered.
 */
export class MultipartUpload {
  constructor(
    private readonly req: IncomingMessage,
    readonly maxBytes: number,
  ) {}

  read(): Promise<UploadOutcome> {
    const { req, maxBytes } = this;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD)
      return Promise.resolve({ kind: 'too_large', maxBytes });

    return new Promise((resolve) => {
      let parser: busboy.Busboy;
      try {
        parser = busboy({
          headers: req.headers,
          // busboy signals `limit` on reaching fileSize, so one byte more tells "over" from "exactly".
          limits: { fileSize: maxBytes + 1, files: 4, fields: 16, parts: 20, fieldSize: 16 * 1024 },
        });
      } catch {
        // No boundary, or not multipart at all.
        resolve({ kind: 'malformed' });
        return;
      }
      let settled = false;
      const settle = (outcome: UploadOutcome) => {
        if (settled) return;
        settled = true;
        // Whatever is left is read and dropped by Node once the answer is sent; nothing more is kept.
        req.unpipe(parser);
        resolve(outcome);
      };
      let chosen: Candidate | undefined;
      let fileParts = 0;
      parser.on('file', (name, stream) => {
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
      parser.on('close', () => {
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
      req.pipe(parser);
    });
  }
}

/**
 * Mounted before the REST layer on the upload path: hands the route a reader of the multipart body
 * as `body.file`. Other content types reach the route as they are (and fail its body schema).
 */
export function acceptMultipartUpload(maxBytes: number): RequestHandler {
  return (req, _res, next) => {
    if (req.is('multipart/form-data')) req.body = { file: new MultipartUpload(req, maxBytes) };
    next();
  };
}
