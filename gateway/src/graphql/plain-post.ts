import type { RequestListener } from 'node:http';
import type { ApolloServer, BaseContext } from '@apollo/server';
import type { ExpressContextFunctionArgument } from '@as-integrations/express5';
import type { Express, RequestHandler, Response } from 'express';
import { readRequestBody } from '../../../lib/http/request-body.js';
import { headerMapOf, isPlainGraphqlPost } from '../../../lib/subgraph-runtime/graphql-post.js';
import { fixedChain, type ChainStep } from '../http/fixed-chain.js';
import { routeClassifier, type RateLimitedRoute } from '../limits/route-classes.js';

/**
 * The gateway's `POST /graphql` without express's router and body-parser. The router tried every
 * platform, raw and REST route before `/graphql` (about a tenth of the gateway's CPU per federated
 * request); body-parser, raw-body and `url.parse` added more. A plain GraphQL POST (JSON of a
 * declared length within the limit, no query string: lib/subgraph-runtime/graphql-post.ts) runs the
 * very handlers express would run for it, in the same order (fixed-chain.ts), with its body read
 * here; any other request goes to the express app as before.
 */

/** An error as body-parser raises it (http-errors): client-errors.ts answers it by its `type`. */
function bodyError(message: string, type: string): Error {
  return Object.assign(new Error(message), { status: 400, statusCode: 400, expose: true, type });
}

/**
 * `express.json` for a plain POST: UTF-8 (a leading BOM dropped), strict (an object or an array),
 * `req.body` the parsed value; what does not parse is body-parser's `entity.parse.failed`.
 */
export const plainJsonBody: RequestHandler = async (req, _res, next) => {
  let text: string;
  try {
    text = (await readRequestBody(req)).toString('utf8');
  } catch {
    next(bodyError('request aborted', 'request.aborted'));
    return;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text === '') {
    // body-parser's answer to a body of nothing but a BOM.
    req.body = {};
    next();
    return;
  }
  // body-parser's strict mode: the first character past JSON's whitespace opens an object or array.
  const first = /[^ \t\n\r]/.exec(text)?.[0];
  if (first !== '{' && first !== '[') {
    next(bodyError('Unexpected token', 'entity.parse.failed'));
    return;
  }
  try {
    req.body = JSON.parse(text) as unknown;
  } catch (error) {
    next(bodyError((error as Error).message, 'entity.parse.failed'));
    return;
  }
  next();
};

/** `expressMiddleware` for a request without a query string (it would `url.parse` the URL for one). */
export function answerWithApollo<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  context: (argument: ExpressContextFunctionArgument) => Promise<TContext>,
): RequestHandler {
  return async (req, res) => {
    const headers = headerMapOf(req.headers);
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method.toUpperCase(), headers, search: '', body: req.body as unknown },
      context: () => context({ req, res }),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      sendString(res, response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}

/** A Content-Type that `res.send` would write back unchanged: one media type, `charset=utf-8` (Apollo's). */
const UTF8_TYPE = /^[a-z0-9!#$%&'*+.^_`|~-]+\/[a-z0-9!#$%&'*+.^_`|~-]+; charset=utf-8$/;

type ETagOf = (body: Buffer) => string | undefined;

/**
 * `res.send(body)` for Apollo's answer to a POST: the same headers (Content-Type, Content-Length,
 * the app's ETag), without re-parsing a Content-Type already in its final form. Any other case (no
 * or another type, an ETag or Transfer-Encoding already set, a status without a body) is `res.send`'s.
 */
function sendString(res: Response, body: string): void {
  const type = res.getHeader('content-type');
  const etagOf = res.app.get('etag fn') as ETagOf | undefined;
  if (
    typeof type !== 'string' ||
    !UTF8_TYPE.test(type) ||
    typeof etagOf !== 'function' ||
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
  const etag = etagOf(chunk);
  if (etag) res.setHeader('ETag', etag);
  res.end(chunk);
}

export interface PlainPostOptions {
  /** The app's handlers before its routes that take part in a `/graphql` request, in mount order. */
  readonly before: readonly RequestHandler[];
  /** `plainGraphqlEndpoint`: the chain express mounts at `/graphql`, for plain POSTs. */
  readonly endpoint: readonly ChainStep['handle'][];
  /** The app's handlers after its routes (not found, error handlers). */
  readonly after: readonly ChainStep['handle'][];
  /** Every route the app mounts between `before` and `/graphql`: none may be at `/graphql`. */
  readonly routes: readonly RateLimitedRoute[];
  readonly limitBytes: number;
}

/** The gateway's request listener: plain GraphQL POSTs as above, everything else to `app`. */
export function plainGraphqlPostsBeside(app: Express, options: PlainPostOptions): RequestListener {
  // A route of the app at `/graphql` would come first there; then express alone knows the way.
  if (routeClassifier(options.routes)('POST', '/graphql')) return app;
  const graphqlPost = fixedChain(app, [
    ...options.before.map((handle) => ({ handle })),
    ...options.endpoint.map((handle) => ({ handle, mountedAt: '/graphql' })),
    ...options.after.map((handle) => ({ handle })),
  ]);
  return (req, res) => {
    if (isPlainGraphqlPost(req, options.limitBytes)) graphqlPost(req, res);
    else app(req, res);
  };
}
