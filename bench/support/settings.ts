export interface BenchSettings {
  /** Measured seconds per scenario (BENCH_SECONDS). */
  readonly seconds: number;
  /** Discarded seconds per scenario before measuring: JIT, pools and caches settle (BENCH_WARMUP_SECONDS). */
  readonly warmupSeconds: number;
  /** Concurrent connections (BENCH_CONNECTIONS). */
  readonly connections: number;
  /** Scenario ids to run, all when undefined (BENCH_SCENARIOS=direct,gateway). */
  readonly only: readonly string[] | undefined;
}

/** Defaults keep a full run (five scenarios, the 1,000-grant catalog fixture, startup) near a minute and a half. */
export function readSettings(env: NodeJS.ProcessEnv): BenchSettings {
  return {
    seconds: positiveNumber(env, 'BENCH_SECONDS', 8),
    warmupSeconds: positiveNumber(env, 'BENCH_WARMUP_SECONDS', 2, { allowZero: true }),
    connections: positiveNumber(env, 'BENCH_CONNECTIONS', 10, { integer: true }),
    only: env['BENCH_SCENARIOS']
      ?.split(',')
      .map((id) => id.trim())
      .filter(Boolean),
  };
}

function positiveNumber(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  { allowZero = false, integer = false } = {},
): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  const valid = Number.isFinite(value) && (allowZero ? value >= 0 : value > 0) && (!integer || Number.isInteger(value));
  if (!valid) {
    throw new Error(
      `${name} must be a ${integer ? 'positive integer' : allowZero ? 'number ≥ 0' : 'positive number'}, got "${raw}"`,
    );
  }
  return value;
}
