import type { RequestListener } from 'node:http';
import type { ApolloServer, BaseContext } from '@apollo/server';
import type { ExpressContextFunctionArgument } from '@as-integrations/express5';
import type { Express, RequestHandler } from 'express';
import { readRequestBody } from '../../../lib/http/request-body.js';
import { headerMapOf, isPlainGraphqlPost } from '../../../lib/subgraph-runtime/graphql-post.js';
import { fixedChain, type ChainStep } from '../http/fixed-chain.js';
import { sendUtf8 } from '../http/send-body.js';
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
      sendUtf8(res, response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
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
