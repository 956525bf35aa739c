import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { createHash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { CLIENT_IP_HEADER, UI_LOCALES_HEADER } from '../../../lib/http/origin.js';
import { REQUEST_ID_HEADER } from '../../../lib/http/request-id.js';
import { injectTraceContext } from '../../../lib/observability/tracing.js';
import type { GatewayContext } from '../context.js';
import type { SubgraphAnswer, SubgraphTransport } from './subgraph-transport.js';

/** What a fetch of the query plan receives: data, errors, extensions. */
export type SubgraphResponse = Awaited<ReturnType<GraphQLDataSource<GatewayContext>['process']>>;

/** What a fetch of the query plan sends: the operation, its variables and name. */
export type SubgraphRequest = GraphQLDataSourceProcessOptions<GatewayContext>['request'];

/**
 * One request to a subgraph as the caller of `context` (health checks and schema loading have none):
 * what the query plan's fetches call (`asDataSource`), and what single-fetch operations call without
 * a plan (execution/single-fetch.ts). Timing and tracing wrap it (observability/).
 */
export type SubgraphFetch = (request: SubgraphRequest, context: Partial<GatewayContext>) => Promise<SubgraphResponse>;

/** A fetch as Apollo Gateway's query plans call it. */
export function asDataSource(fetch: SubgraphFetch): GraphQLDataSource<GatewayContext> {
  return { process: (options) => fetch(options.request, options.context) };
}

/**
 * One subgraph as the query plan's fetches see it: the operation, its variables and the caller's
 * forwarded headers, sent with a transport (HTTP, or a function call in `npm start`); the answer
 * parsed. What `RemoteGraphQLDataSource` does, without the node-fetch `Headers` and `Request` it
 * built for every fetch (and the `Request` it built only to hand to an error hook): those and the
 * fetch-shaped response were a tenth of the gateway's CPU per federated request (bench/BASELINE.md).
 * Its failures read as the stock source's do: `<status>: <statusText>`, the answer under
 * `extensions.response`, UNAUTHENTICATED for a 401 and FORBIDDEN for a 403.
 */
export class SubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  constructor(
    private readonly transport: SubgraphTransport,
    private readonly options: {
      /** The URL errors name (the transport's own). */
      readonly url: string;
      /** Hash-first requests (APQ) keep big documents off the wire after the first time. */
      readonly apq: boolean;
    },
  ) {}

  process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphResponse> {
    return this.fetch(options.request, options.context);
  }

  readonly fetch: SubgraphFetch = async (request, context) => {
    if (!request.query) throw new Error('Missing query');
    const headers = forwardedHeaders(request, context);
    const { query, variables, operationName, extensions } = request;
    if (this.options.apq) {
      const sha256Hash = documentHash(query);
      const withHash = {
        variables,
        operationName,
        extensions: { ...extensions, persistedQuery: { version: 1, sha256Hash } },
      };
      const optimistic = await this.send(JSON.stringify(withHash), headers);
      // A subgraph that restarted (or evicted it) no longer knows the hash: send the document once.
      if (!optimistic.errors?.some((error) => error.message === 'PersistedQueryNotFound')) return optimistic;
      return this.send(JSON.stringify({ query, ...withHash }), headers);
    }
    return this.send(JSON.stringify({ query, variables, operationName, extensions }), headers);
  };

  private async send(body: string, headers: Record<string, string>): Promise<SubgraphResponse> {
    const answer = await this.transport.send(body, headers);
    if (answer.status < 200 || answer.status > 299) throw this.failure(answer);
    const parsed = parseBody(answer);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new Error(`Expected JSON response body, but received: ${String(parsed)}`);
    }
    return parsed;
  }

  private failure(answer: SubgraphAnswer): GraphQLError {
    const statusText = STATUS_CODES[answer.status] ?? '';
    const code = answer.status === 401 ? 'UNAUTHENTICATED' : answer.status === 403 ? 'FORBIDDEN' : undefined;
    return new GraphQLError(`${answer.status}: ${statusText}`, {
      extensions: {
        response: { url: this.options.url, status: answer.status, statusText, body: parseBody(answer) },
        ...(code ? { code } : {}),
      },
    });
  }
}

/** The caller's credential, request id, address, agent and languages; subgraphs verify the credential. */
function forwardedHeaders(request: SubgraphRequest, context: Partial<GatewayContext>): Record<string, string> {
  const headers: Record<string, string> = {};
  // The gateway adds its own only for federated tracing (ftv1), which no subgraph here answers.
  if (request.http?.headers) for (const [name, value] of request.http.headers) headers[name.toLowerCase()] = value;
  headers['content-type'] = 'application/json';
  // Health checks and schema loading run without a request context.
  const caller = context;
  if (caller.requestId) headers[REQUEST_ID_HEADER] = caller.requestId;
  if (caller.authorization) headers['authorization'] = caller.authorization;
  const origin = caller.origin;
  if (origin?.ipAddress) headers[CLIENT_IP_HEADER] = origin.ipAddress;
  if (origin?.userAgent) headers['user-agent'] = origin.userAgent;
  // The reader's language, for mails and texts a subgraph sends while serving this request (lib/i18n).
  if (origin?.uiLocales) headers[UI_LOCALES_HEADER] = origin.uiLocales;
  if (origin?.acceptLanguage) headers['accept-language'] = origin.acceptLanguage;
  // W3C traceparent of the active fetch span (none while tracing is off).
  injectTraceContext({ set: (name: string, value: string) => (headers[name.toLowerCase()] = value) });
  return headers;
}

/**
 * The APQ hash of a fetch's document. A cached query plan hands the same few document strings to
 * every request, so their hashes are kept (the most recent KEPT_HASHES, not every document a client
 * ever sent) rather than computed again for each fetch. A larger document (a picture inline, say) is
 * hashed afresh, so that what is kept stays within a few MB.
 */
const KEPT_HASHES = 1_000;
const LARGEST_KEPT = 8 * 1024;
const hashes = new Map<string, string>();
function documentHash(query: string): string {
  const known = hashes.get(query);
  if (known !== undefined) return known;
  const hash = createHash('sha256').update(query).digest('hex');
  if (query.length > LARGEST_KEPT) return hash;
  if (hashes.size >= KEPT_HASHES) hashes.delete(hashes.keys().next().value!);
  hashes.set(query, hash);
  return hash;
}

/** JSON when the answer says it is JSON (as the stock source reads it), else its text. */
function parseBody(answer: SubgraphAnswer): unknown {
  const type = answer.contentType;
  if (type?.startsWith('application/json') || type?.startsWith('application/graphql-response+json')) {
    return JSON.parse(answer.text) as unknown;
  }
  return answer.text;
}
