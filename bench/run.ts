import 'reflect-metadata';
import { comparisons, SCENARIO_IDS, scenarios, type ScenarioId } from './scenarios.js';
import { createSnapshotFixture, type SnapshotFixture } from './support/catalog-fixture.js';
import { passwordHashBound } from './support/hash-bound.js';
import { measure } from './support/measure.js';
import { machineContext, ratioLines, resultTable, type ScenarioResult } from './support/report.js';
import { readSettings, type BenchSettings } from './support/settings.js';
import { startBenchStack, type BenchStack } from './support/stack.js';
import { verifyScenario } from './support/verify.js';

/**
 * `npm run bench`: every scenario against one stack in one process, so the figures compare.
 * Env: BENCH_SECONDS (8), BENCH_WARMUP_SECONDS (2), BENCH_CONNECTIONS (10), BENCH_SCENARIOS (ids,
 * all by default), DATABASE_URL (real PostgreSQL instead of the embedded one), BENCH_LOG_LEVEL
 * (server logs, silent by default).
 */
async function main(signal: AbortSignal): Promise<void> {
  const settings = readSettings(process.env);
  console.error('starting the stack…');
  const startedAt = performance.now();
  const bench = await startBenchStack();
  console.error(`stack up in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
  try {
    await run(bench, settings, signal);
  } finally {
    await bench.stop();
  }
}

async function run(bench: BenchStack, settings: BenchSettings, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  const ids = select(settings.only);
  let snapshot: SnapshotFixture | undefined;
  if (ids.includes('snapshot')) {
    console.error('creating the snapshot fixture (catalog and grants through GraphQL)…');
    const startedAt = performance.now();
    snapshot = await createSnapshotFixture(bench);
    console.error(`${snapshot.grants} grants in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
    signal.throwIfAborted();
  }
  const list = scenarios({
    gatewayUrl: bench.stack.gatewayUrl,
    identityUrl: bench.stack.subgraphs.identity.url,
    token: bench.token,
    credentials: bench.credentials,
    snapshot,
  }).filter((scenario) => ids.includes(scenario.id));
  // Check every scenario before measuring any, so a broken one fails in seconds, not after a minute.
  const expected = new Map<string, string | undefined>();
  for (const scenario of list) expected.set(scenario.id, await verifyScenario(scenario));

  const results: ScenarioResult[] = [];
  for (const scenario of list) {
    const expectBody = expected.get(scenario.id);
    const load = { connections: settings.connections, signal, ...(expectBody !== undefined ? { expectBody } : {}) };
    console.error(`measuring ${scenario.name}…`);
    if (settings.warmupSeconds > 0) await measure(scenario, { ...load, seconds: settings.warmupSeconds });
    const measurement = await measure(scenario, { ...load, seconds: settings.seconds });
    results.push({ scenario, measurement, bodyChecked: expectBody !== undefined });
  }

  console.log(`\n${machineContext(bench.database, settings)}\n`);
  console.log(resultTable(results));
  console.log(`\n${ratioLines(results, comparisons).join('\n')}`);

  const login = results.find((r) => r.scenario.id === 'login');
  if (login) {
    console.error('measuring the password-hash bound…');
    const bound = await passwordHashBound(settings.seconds);
    console.log(
      `- sign-in / password-hash bound: ${(login.measurement.rps / bound.perSecond).toFixed(2)}× ` +
        `(${login.measurement.rps.toFixed(0)} sign-ins/s vs ${bound.perSecond.toFixed(0)} argon2id verifications/s ` +
        `with ${bound.concurrency} in flight on ${bound.cores} cores)`,
    );
  }
}

/** Checked before any setup, so a typo fails at once rather than after the fixtures are built. */
function select(only: readonly string[] | undefined): readonly ScenarioId[] {
  if (!only?.length) return SCENARIO_IDS;
  const known = (id: string): id is ScenarioId => (SCENARIO_IDS as readonly string[]).includes(id);
  const unknown = only.filter((id) => !known(id));
  if (unknown.length) {
    throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIO_IDS.join(', ')}`);
  }
  return SCENARIO_IDS.filter((id) => only.includes(id));
}

// Ctrl-C stops the load and then the stack, so no port or temp dir is left behind. `on`, not `once`:
// each Apollo Server re-raises the signal after stopping itself, which with no listener left would
// kill the process mid-cleanup.
const interrupt = new AbortController();
for (const name of ['SIGINT', 'SIGTERM'] as const) {
  process.on(name, () => {
    if (!interrupt.signal.aborted) interrupt.abort(new Error(`interrupted by ${name}`));
  });
}

try {
  await main(interrupt.signal);
} catch (error) {
  console.error(`\nbench aborted: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = interrupt.signal.aborted ? 130 : 1;
}
