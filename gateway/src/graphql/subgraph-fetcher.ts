import type { Fetcher, FetcherHeaders, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { STATUS_CODES } from 'node:http';
import { Agent, request } from 'undici';
import type { InProcessGraphql } from '../../../lib/subgraph-runtime/in-process-call.js';
import type { IncomingHttpHeaders } from 'undici/types/header.js';

/**
 * The gateway's way to its subgraphs: undici's `request` over a keep-alive pool per subgraph origin.
 * @apollo/gateway's default fetcher (make-fetch-happen over minipass-fetch and agent-base) was 39% of
 * the gateway's CPU under load (bench/BASELINE.md); a subgraph call needs none of its caching,
 * retries or proxy support, only a POST on a warm connection and the answer's text.
 */
export function createSubgraphFetcher(options: { connectionsPerSubgraph: number }): {
  fetcher: Fetcher;
  close(): Promise<void>;
} {
  const agent = new Agent({
    connections: options.connectionsPerSubgraph,
    // A subgraph's listener keeps sockets 5 s (Node's default); give them back a little sooner so
    // a request never goes out on a socket the subgraph is closing.
    keepAliveTimeout: 4_000,
    keepAliveMaxTimeout: 4_000,
  });
  const fetcher: Fetcher = async (url: string, init: FetcherRequestInit = {}) => {
    const answer = await request(url, {
      dispatcher: agent,
      method: (init.method ?? 'GET') as 'GET' | 'POST',
      headers: init.headers,
      body: init.body,
      signal: init.signal as AbortSignal | undefined,
    });
    const text = await answer.body.text();
    return new SubgraphResponse(url, answer.statusCode, new AnswerHeaders(answer.headers), text);
  };
  return { fetcher, close: () => agent.close() };
}

/**
 * A fetcher that hands the request to a subgraph in the same process (the all-in-one `npm start`):
 * the same answer as over HTTP, without a socket, HTTP parsing or a second JSON body read.
 */
export function inProcessFetcher(answer: InProcessGraphql): Fetcher {
  return async (url: string, init: FetcherRequestInit = {}) => {
    const body = typeof init.body === 'string' ? init.body : (init.body?.toString('utf8') ?? '');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value;
    const answered = await answer({ headers, body });
    return new SubgraphResponse(
      url,
      answered.status,
      new AnswerHeaders(Object.fromEntries(answered.headers)),
      answered.body,
    );
  };
}

/** The part of a fetch Response that RemoteGraphQLDataSource reads, over an answer already read. */
class SubgraphResponse implements FetcherResponse {
  bodyUsed = false;
  readonly redirected = false;
  constructor(
    readonly url: string,
    readonly status: number,
    readonly headers: FetcherHeaders,
    private readonly body: string,
  ) {}
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  get statusText(): string {
    // The gateway words a failed subgraph call as "<status>: <statusText>".
    return STATUS_CODES[this.status] ?? '';
  }
  async text(): Promise<string> {
    this.bodyUsed = true;
    return this.body;
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = Buffer.from(await this.text());
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  }
  clone(): FetcherResponse {
    return new SubgraphResponse(this.url, this.status, this.headers, this.body);
  }
}

/** Read-mostly headers of an answer, by lower-case name as undici gives them. */
class AnswerHeaders implements FetcherHeaders {
  private readonly byName = new Map<string, string>();
  constructor(raw: IncomingHttpHeaders) {
    for (const [name, value] of Object.entries(raw)) {
      if (value !== undefined) this.byName.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
  }
  get(name: string): string | null {
    return this.byName.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.byName.has(name.toLowerCase());
  }
  set(name: string, value: string): void {
    this.byName.set(name.toLowerCase(), value);
  }
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const before = this.byName.get(key);
    this.byName.set(key, before === undefined ? value : `${before}, ${value}`);
  }
  delete(name: string): void {
    this.byName.delete(name.toLowerCase());
  }
  entries(): IterableIterator<[string, string]> {
    return this.byName.entries();
  }
  keys(): IterableIterator<string> {
    return this.byName.keys();
  }
  values(): IterableIterator<string> {
    return this.byName.values();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.byName.entries();
  }
}
