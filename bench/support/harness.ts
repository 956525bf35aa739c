/**
 * Pieces of the benchmarks whose requests autocannon cannot replay (a TOTP step, a code or a refresh
 * token is accepted once): run each request once, time it, and summarise.
 */
export interface LatencySample {
  readonly count: number;
  readonly perSecond: number;
  /** Milliseconds. */
  readonly p50: number;
  readonly p99: number;
}

/** Runs `task` over `items` with `concurrency` in flight; each duration in ms, and the wall time. */
export async function timedEach<T, R>(items: readonly T[], concurrency: number, task: (item: T) => Promise<R>) {
  const durations: number[] = [];
  const results: R[] = [];
  let next = 0;
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        const begin = performance.now();
        results.push(await task(item));
        durations.push(performance.now() - begin);
      }
    }),
  );
  return { durations, results, seconds: (performance.now() - startedAt) / 1000 };
}

export function summarise(durations: readonly number[], seconds: number): LatencySample {
  const sorted = [...durations].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { count: sorted.length, perSecond: sorted.length / seconds, p50: at(0.5), p99: at(0.99) };
}

/** A GraphQL operation over HTTP as a bearer; any error stops the run (a broken setup, not a figure). */
export async function graphqlAs(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(`${query.slice(0, 40)}…: ${body.errors[0]?.message}`);
  return body.data ?? {};
}
