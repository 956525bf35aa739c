import { KeepAliveConnection, type Answer, type HttpRequestSpec } from './keep-alive-connection.js';

export type { Answer, HttpRequestSpec };

/**
 * A small closed-loop load generator: `connections` workers, each on its own keep-alive connection
 * (keep-alive-connection.ts), send a request, read the whole answer, check it and send the next, as
 * a production client (or a proxy) would. No dependency.
 */

/** Why an answer is wrong, or undefined when it is right. */
export type AnswerCheck = (answer: Answer) => string | undefined;

export interface LoadOptions {
  readonly connections: number;
  readonly seconds: number;
  /** One spec for every worker, or one per worker (e.g. each signs in its own account). */
  readonly request: HttpRequestSpec | ((worker: number) => HttpRequestSpec);
  readonly check: AnswerCheck;
  /** Stop after this many requests even before `seconds` (sequential latency samples). */
  readonly maxRequests?: number;
  readonly signal?: AbortSignal;
}

export interface LoadResult {
  /** Answers that passed the check. */
  readonly requests: number;
  /** Wrong answers and failed requests. */
  readonly errors: number;
  readonly firstError: string | undefined;
  readonly seconds: number;
  readonly rps: number;
  /** Milliseconds, over the good answers. */
  readonly p50: number;
  readonly p99: number;
}

/** One request outside any load run (setup, verification), on a connection of its own. */
export function sendOnce(spec: HttpRequestSpec): Promise<Answer> {
  const connection = new KeepAliveConnection(spec);
  return connection.send().finally(() => connection.close());
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const specFor = typeof options.request === 'function' ? options.request : () => options.request as HttpRequestSpec;
  const connections = Array.from(
    { length: options.connections },
    (_, index) => new KeepAliveConnection(specFor(index)),
  );
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let issued = 0;
  const began = performance.now();
  const deadline = began + options.seconds * 1000;
  const more = () =>
    performance.now() < deadline &&
    !options.signal?.aborted &&
    (options.maxRequests === undefined || issued < options.maxRequests);
  const worker = async (connection: KeepAliveConnection) => {
    while (more()) {
      issued += 1;
      const start = performance.now();
      let wrong: string | undefined;
      try {
        wrong = options.check(await connection.send());
      } catch (error) {
        wrong = error instanceof Error ? error.message : String(error);
      }
      if (wrong === undefined) latencies.push(performance.now() - start);
      else {
        errors += 1;
        firstError ??= wrong;
      }
    }
  };
  try {
    await Promise.all(connections.map(worker));
  } finally {
    for (const connection of connections) connection.close();
  }
  options.signal?.throwIfAborted();
  const seconds = (performance.now() - began) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return {
    requests: sorted.length,
    errors,
    firstError,
    seconds,
    rps: sorted.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
  };
}

/** 200 and, when given, exactly this body; else a 200 GraphQL answer with data and no errors. */
export function expectAnswer(expected?: string): AnswerCheck {
  return ({ status, body }) => {
    if (status !== 200) return `HTTP ${status}: ${body.slice(0, 300)}`;
    if (expected !== undefined) return body === expected ? undefined : `unexpected body: ${body.slice(0, 300)}`;
    return undefined;
  };
}

/** 200 with a GraphQL `data` object and no `errors`. */
export const graphqlData: AnswerCheck = ({ status, body }) => {
  if (status !== 200) return `HTTP ${status}: ${body.slice(0, 300)}`;
  try {
    const parsed = JSON.parse(body) as { data?: unknown; errors?: unknown[] };
    if (parsed.errors?.length) return `GraphQL errors: ${body.slice(0, 300)}`;
    return parsed.data && typeof parsed.data === 'object' ? undefined : `no data: ${body.slice(0, 300)}`;
  } catch {
    return `not JSON: ${body.slice(0, 300)}`;
  }
};
