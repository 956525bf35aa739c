import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { Express, RequestHandler } from 'express';
import type { IncomingHttpHeaders, IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { readRequestBody } from '../http/request-body.js';
import type { Logger } from '../logging/logger.js';

/**
 * A subgraph's POST /graphql without express. Express's own request handling (its request and
 * response prototypes, the router, body-parser, `res.send`) cost about 150 µs of CPU per request in
 * a micro benchmark, as much as Apollo Server's whole pipeline for a small query: a tenth of what a
 * subgraph spends per federated request. This path takes only the request the gateway sends, a
 * JSON body of a declared length within the limit, and answers it as `express.json` and
 * `@as-integrations/express5` would; any other request (another content type, encoding or charset,
 * a body over the limit or of unknown length, a query string) goes to the express app as before.
 */

/** A request's headers as Apollo Server takes them (repeated ones joined, as express's integration does). */
export function headerMapOf(headers: IncomingHttpHeaders): HeaderMap {
  const map = new HeaderMap();
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) map.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return map;
}

/** `application/json`, UTF-8 (as JSON is) or no charset said; what `express.json` reads as UTF-8. */
const PLAIN_JSON = /^application\/json\s*(?:;\s*charset\s*=\s*(?:utf-8|"utf-8")\s*)?$/i;

/** Whether this request can take the path here: exactly what the gateway sends a subgraph. */
export function isPlainGraphqlPost(req: IncomingMessage, limitBytes: number): boolean {
  if (req.method !== 'POST' || req.url !== '/graphql') return false;
  const { headers } = req;
  if (headers['transfer-encoding'] !== undefined) return false;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
  const type = headers['content-type'];
  if (type === undefined || !PLAIN_JSON.test(type)) return false;
  // A declared length: HTTP framing then delivers exactly that many bytes. Zero, or over the limit,
  // is left to express.json (no body; 413).
  const length = Number(headers['content-length']);
  return Number.isInteger(length) && length > 0 && length <= limitBytes;
}

/** The request body as `express.json` parses it (UTF-8, a leading BOM ignored); undefined if not JSON. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = (await readRequestBody(req)).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // body-parser's strict mode: an object or an array, nothing else.
  const first = /\S/.exec(text)?.[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Answers one plain GraphQL POST with Apollo Server, as `expressMiddleware` does. A body that is no
 * JSON object or array reaches Apollo as no body, which answers 400 (express.json answered 400 too,
 * with its HTML error page).
 */
function serveGraphqlPost<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  contextOf: (headers: IncomingHttpHeaders) => Promise<TContext>,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const body = await readJson(req);
    const headers = headerMapOf(req.headers);
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search: '', body },
      context: () => contextOf(req.headers),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}

export interface GraphqlPostOptions<TContext extends BaseContext> {
  readonly apollo: ApolloServer<TContext>;
  readonly contextOf: (headers: IncomingHttpHeaders) => Promise<TContext>;
  /** The JSON body limit of the express path. */
  readonly limitBytes: number;
  /** What the express path runs before the operation (spans, metrics), in its order. */
  readonly before: readonly RequestHandler[];
  readonly logger: Logger;
}

/** The subgraph's request listener: plain GraphQL POSTs here, everything else to `app`. */
export function graphqlPostBeside<TContext extends BaseContext>(
  app: Express,
  options: GraphqlPostOptions<TContext>,
): RequestListener {
  const graphqlPost = serveGraphqlPost(options.apollo, options.contextOf);
  const before = options.before.map(
    // They read only the method, URL, headers and response events, which node's objects carry.
    (middleware) => middleware as unknown as (req: IncomingMessage, res: ServerResponse, next: () => void) => void,
  );
  const answer = (req: IncomingMessage, res: ServerResponse) => {
    graphqlPost(req, res).catch((error: unknown) => {
      // A client gone mid-request is nobody's incident; anything else is answered 500, as express does.
      if (!req.readableAborted) options.logger.error({ err: error }, 'graphql request failed');
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Internal Server Error');
    });
  };
  return (req, res) => {
    if (!isPlainGraphqlPost(req, options.limitBytes)) {
      app(req, res);
      return;
    }
    const step = (index: number): void => {
      const middleware = before[index];
      if (middleware) middleware(req, res, () => step(index + 1));
      else answer(req, res);
    };
    step(0);
  };
}
