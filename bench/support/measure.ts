import autocannon from 'autocannon';
import type { Scenario } from '../scenarios.js';

export interface LoadOptions {
  readonly seconds: number;
  readonly connections: number;
  /** When set, every response whose body differs is counted as an error (e.g. GraphQL errors under load). */
  readonly expectBody?: string;
  /** Stops the load at once and rejects with the signal's reason (Ctrl-C). */
  readonly signal?: AbortSignal;
}

export interface Measurement {
  readonly rps: number;
  /** Milliseconds; autocannon's histogram has 1 ms resolution, plenty at these latencies. */
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  /** Connection errors, timeouts and body mismatches. */
  readonly errors: number;
}

/** Replays the scenario's request for `seconds` with `connections` concurrent keep-alive connections. */
export function measure(scenario: Scenario, options: LoadOptions): Promise<Measurement> {
  const { signal } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = () => {
      instance.stop();
      // In worker mode a stopped run never reports, so do not wait for it.
      reject(abortError(signal));
    };
    const instance = autocannon(
      {
        url: scenario.url,
        method: scenario.method ?? 'POST',
        headers: { ...scenario.headers },
        ...(scenario.body !== undefined ? { body: scenario.body } : {}),
        connections: options.connections,
        duration: options.seconds,
        // The stack shares this process's event loop: a load generator on the same thread would take
        // its CPU from the servers being measured. One worker thread gives it an event loop of its own.
        workers: 1,
        ...(options.expectBody !== undefined ? { expectBody: options.expectBody } : {}),
      },
      (error: unknown, result) => {
        signal?.removeEventListener('abort', onAbort);
        if (error) return reject(error instanceof Error ? error : new Error('autocannon failed', { cause: error }));
        resolve({
          rps: result.requests.average,
          p50: result.latency.p50,
          p99: result.latency.p99,
          non2xx: result.non2xx,
          errors: result.errors + result.mismatches,
        });
      },
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error('aborted', { cause: reason });
}
