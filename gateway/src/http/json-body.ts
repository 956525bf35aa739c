import express, { type RequestHandler } from 'express';
import { AppError } from '../../../lib/errors/index.js';

/** The `charset` parameter of a Content-Type, lower case; undefined when there is none. */
function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase();
}

/**
 * `express.json`, for UTF-8 only (RFC 8259 §8.1): body-parser would also decode UTF-16 and UTF-32,
 * which no client of ours sends on purpose; a body declared so is refused with 415, as body-parser
 * itself refuses latin9 (client-errors.ts answers both).
 */
export function jsonBody(options: { readonly limit: number | string }): RequestHandler {
  const parse = express.json({ limit: options.limit });
  return (req, res, next) => {
    const charset = req.is('application/json') ? charsetOf(req.headers['content-type']) : undefined;
    if (charset !== undefined && charset !== 'utf-8') {
      next(new AppError('UNSUPPORTED_MEDIA_TYPE', `The charset "${charset}" is not supported: send UTF-8`));
      return;
    }
    parse(req, res, next);
  };
}
