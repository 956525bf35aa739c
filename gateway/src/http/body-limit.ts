import type { NextFunction, RequestHandler } from 'express';

/** The error body-parser raises for a body over its limit (status 413, type `entity.too.large`). */
export class BodyTooLargeError extends Error {
  readonly status = 413;
  readonly statusCode = 413;
  readonly expose = true;
  readonly type = 'entity.too.large';

  constructor(readonly limit: number) {
    super('request entity too large');
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Wraps a body-parser middleware so that a body over `limitBytes` is refused the moment that is
 * known. body-parser itself reads such a body to its very end before it answers 413: a declared
 * 3 GB body is read in full, and a chunked body that never ends is never answered. Here a declared
 * length over the limit is refused before a byte is read, and a chunked one as soon as the count
 * passes it; the answer then closes the connection (unread-body.ts). body-parser's own, late
 * verdict on the same request is dropped.
 */
export function refuseBodiesOver(limitBytes: number, parser: RequestHandler): RequestHandler {
  return (req, res, next) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limitBytes) {
      next(new BodyTooLargeError(limitBytes));
      return;
    }
    let received = 0;
    let passedOn = false;
    const count = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) passOn(new BodyTooLargeError(limitBytes));
    };
    const passOn: NextFunction = (error?: unknown) => {
      if (passedOn) return;
      passedOn = true;
      req.off('data', count);
      next(error);
    };
    parser(req, res, passOn);
    // body-parser attaches its reader synchronously when it reads at all; a second listener then
    // sees the same chunks without changing how the body flows. No reader: nothing to count.
    if (!passedOn && req.listenerCount('data') > 0) req.on('data', count);
  };
}
