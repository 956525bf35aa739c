import { createRequire } from 'node:module';
import type * as Undici from 'undici';
import type { Dispatcher } from 'undici';
import type { InProcessGraphql } from '../../../lib/subgraph-runtime/in-process-call.js';

/** A subgraph's answer to one POST: its status, its content type and its whole body. */
export interface SubgraphAnswer {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly text: string;
}

/** How a data source reaches its subgraph. */
export interface SubgraphTransport {
  /** POSTs a JSON body with these (lower-case) headers and reads the whole answer. */
  send(body: string, headers: Record<string, string>): Promise<SubgraphAnswer>;
  close(): Promise<void>;
}

/**
 * POSTs over a keep-alive undici pool of its own, read with a handler that only gathers the body.
 * undici's `request` wraps every answer in a Readable stream and parses its headers into an object;
 * @apollo/gateway's default fetcher (make-fetch-happen) was 39% of the gateway's CPU (BASELINE.md).
 */
export function httpTransport(url: string, options: { connections: number }): SubgraphTransport {
  const { origin, pathname, search } = new URL(url);
  const path = `${pathname}${search}`;
  const pool = new (loadUndici().Pool)(origin, {
    connections: options.connections,
    // A subgraph's listener keeps sockets 5 s (Node's default); give them back a little sooner so
    // a request never goes out on a socket the subgraph is closing.
    keepAliveTimeout: 4_000,
    keepAliveMaxTimeout: 4_000,
  });
  return {
    send: (body, headers) =>
      new Promise((resolve, reject) => {
        pool.dispatch({ path, method: 'POST', headers, body }, new AnswerReader(resolve, reject));
      }),
    close: () => pool.close(),
  };
}

/**
 * undici (some 110 modules) loads with the first HTTP transport: the all-in-one `npm start` calls its
 * subgraphs in process and never needs it.
 */
const loadUndici = () => createRequire(import.meta.url)('undici') as typeof Undici;

/** Gathers one answer: the status and content type from its head, then its body chunks. */
class AnswerReader implements Dispatcher.DispatchHandler {
  private status = 0;
  private contentType: string | undefined;
  private readonly chunks: Buffer[] = [];

  constructor(
    private readonly resolve: (answer: SubgraphAnswer) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  // undici tells a handler of this API from one of its older API by this method being there.
  onRequestStart(): void {}

  onResponseStart(_controller: Dispatcher.DispatchController, status: number, headers: Record<string, unknown>): void {
    this.status = status;
    const type = headers['content-type'];
    this.contentType = typeof type === 'string' ? type : undefined;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    const bytes = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.resolve({ status: this.status, contentType: this.contentType, text: bytes.toString('utf8') });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.reject(error);
  }
}

/** Hands the request to a subgraph in the same process (the all-in-one `npm start`): no socket at all. */
export function inProcessTransport(answer: InProcessGraphql): SubgraphTransport {
  return {
    async send(body, headers) {
      const answered = await answer({ headers, body });
      return { status: answered.status, contentType: answered.headers.get('content-type'), text: answered.body };
    },
    close: async () => {},
  };
}
