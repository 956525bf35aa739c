import type { ErrorRequestHandler } from 'express';
import { AppError } from '../../../lib/errors/index.js';

/** What body-parser (http-errors) and the router attach to the errors they raise. */
interface HttpErrorFields {
  readonly status?: unknown;
  readonly type?: unknown;
  readonly limit?: unknown;
  readonly charset?: unknown;
  readonly encoding?: unknown;
}

function fieldsOf(error: object): HttpErrorFields {
  return error;
}

/**
 * The client's mistakes that Express raises before any route runs: a body over the limit, in a
 * charset or Content-Encoding the gateway does not read, bytes that do not decode, JSON that does
 * not parse, a path with broken %-encoding. They come back as catalog errors, so that each surface
 * answers them in its own dialect (REST family, GraphQL, hosted page). Anything else is undefined:
 * it is ours, and stays a 500.
 */
export function clientRequestError(error: unknown): AppError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  // Already one of ours (json-body.ts refuses charsets before body-parser sees them).
  if (error instanceof AppError) return error.status < 500 ? error : undefined;
  const { status, type, limit, charset, encoding } = fieldsOf(error);
  switch (type) {
    case 'entity.parse.failed':
      return new AppError('VALIDATION_FAILED', 'The request body is not valid JSON');
    case 'entity.too.large':
      return new AppError('PAYLOAD_TOO_LARGE', undefined, {
        details: typeof limit === 'number' ? { max_bytes: limit } : {},
      });
    case 'parameters.too.many':
      return new AppError('PAYLOAD_TOO_LARGE', 'The request body has too many parameters');
    case 'charset.unsupported':
      return new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        `The charset ${typeof charset === 'string' ? `"${charset}" ` : ''}is not supported: send UTF-8`,
      );
    case 'encoding.unsupported':
      return new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        `The content encoding ${typeof encoding === 'string' ? `"${encoding}" ` : ''}is not supported: ` +
          'send gzip, deflate, br or none',
      );
  }
  // The router could not decode a path parameter (it marks the URIError 400).
  if (error instanceof URIError) return new AppError('BAD_REQUEST', 'The path is not valid %-encoded UTF-8');
  // Other refusals of body-parser carry a 4xx: a Content-Encoding whose bytes do not decode (zlib's
  // error, without a type), a request cut off or shorter than its Content-Length.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 413) return new AppError('PAYLOAD_TOO_LARGE');
    if (status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE');
    return new AppError('BAD_REQUEST', 'The request body could not be read (is its Content-Encoding right?)');
  }
  return undefined;
}

/**
 * `/graphql`'s answer to the same refusals, in GraphQL's error shape: Apollo never saw the request.
 * A body that is not JSON is a 400 here (GraphQL over HTTP), whatever the REST families make of it.
 */
export const graphqlClientErrors: ErrorRequestHandler = (error, _req, res, next) => {
  const refusal = clientRequestError(error);
  if (!refusal) {
    next(error);
    return;
  }
  const status = refusal.code === 'VALIDATION_FAILED' ? 400 : refusal.status;
  res
    .status(status)
    .json({ errors: [{ message: refusal.message, extensions: { code: refusal.code, http: { status } } }] });
};
