import type { Express, RequestHandler, Response } from 'express';

/** A Content-Type that `res.send` would write back unchanged: one media type, `charset=utf-8`. */
const UTF8_TYPE = /^[a-z0-9!#$%&'*+.^_`|~-]+\/[a-z0-9!#$%&'*+.^_`|~-]+; charset=utf-8$/;

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * ETags only on answers to GET and HEAD, which a conditional request can revalidate (a 304). An
 * answer to a POST, PUT, PATCH or DELETE reports that one request's outcome, not a representation
 * of its target, so no cache can use a tag of it; express tagged every answer anyway, with a SHA-1
 * of the body (about 1% of the gateway's CPU per `me`, more per sign-in). `res.send` reads the tag
 * function from `res.app`: for those requests that is the app with the function unset, every other
 * setting and method its own.
 */
export function etagsOnlyWhereRevalidatable(app: Express): RequestHandler {
  const settings: unknown = Object.create(app.settings as object, { 'etag fn': { value: undefined } });
  const untagged = Object.create(app, { settings: { value: settings } }) as Express;
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') res.app = untagged;
    next();
  };
}

/**
 * `res.send(body)` for a string already in its final form under a `charset=utf-8` Content-Type (an
 * answer of Apollo's, one of our JSON answers) that gets no ETag: the same Content-Type and
 * Content-Length, without re-parsing the Content-Type. Any other case (an answer the app tags, a GET
 * or HEAD, which may be conditional, no or another type, an ETag or Transfer-Encoding already set, a
 * status without a body) is `res.send`'s.
 */
export function sendUtf8(res: Response, body: string): void {
  const type = res.getHeader('content-type');
  const method = res.req.method;
  if (
    method === 'GET' ||
    method === 'HEAD' ||
    typeof res.app.get('etag fn') === 'function' ||
    typeof type !== 'string' ||
    !UTF8_TYPE.test(type) ||
    res.getHeader('etag') !== undefined ||
    res.getHeader('transfer-encoding') !== undefined ||
    [204, 205, 304].includes(res.statusCode)
  ) {
    res.send(body);
    return;
  }
  const chunk = Buffer.from(body, 'utf8');
  // The names as express writes them.
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', String(chunk.length));
  res.end(chunk);
}

/**
 * `res.status(status).json(value)` by way of sendUtf8: what express writes, without its second look
 * at the Content-Type it has just set. Express's own where it would write something else (its JSON
 * settings set, a value with no JSON).
 */
export function sendJson(res: Response, status: number, value: unknown): void {
  res.status(status);
  const { app } = res;
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined || app.get('json replacer') || app.get('json spaces') || app.get('json escape')) {
    res.json(value);
    return;
  }
  if (res.getHeader('content-type') === undefined) res.setHeader('Content-Type', JSON_TYPE);
  sendUtf8(res, text);
}
