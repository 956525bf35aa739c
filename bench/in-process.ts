import 'reflect-metadata';
import { comparisons, CUSTOM_IDS, SCENARIO_IDS, scenarios, type CustomId, type ScenarioId } from './scenarios.js';
import { createSnapshotFixture, type SnapshotFixture } from './support/catalog-fixture.js';
import { eventsThroughput } from './support/events-throughput.js';
import { argon2Bound } from './support/hash-bound.js';
import { measure } from './support/measure.js';
import { machineContext, ratioLines, resultTable, type ScenarioResult } from './support/report.js';
import { readSettings, type BenchSettings } from './support/settings.js';
import { startBenchStack, type BenchStack } from './support/stack.js';
import { tokenThroughput } from './support/token-throughput.js';
import { totpLatency } from './support/totp-latency.js';
import { verifyScenario } from './support/verify.js';
import { insertAccountWithToken } from '../test/support/account-fixture.js';

/**
 * `BENCH_SCENARIOS=<ids> npm run bench`: the earlier in-process suite, kept for the scenarios that
 * need the stack's internals (totp, events, token) and that the README documents. Every scenario
 * runs against one stack in this process (`npm start`'s shape on PGlite, or DATABASE_URL).
 * Env: BENCH_SECONDS (8), BENCH_WARMUP_SECONDS (2), BENCH_CONNECTIONS (10), BENCH_SCENARIOS (ids),
 * DATABASE_URL (real PostgreSQL instead of the embedded one), BENCH_LOG_LEVEL (silent by default).
 * The issue #15 goals are measured by bench/run.ts without BENCH_SCENARIOS.
 */
export async function runInProcess(signal: AbortSignal): Promise<void> {
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
  const { ids, custom } = select(settings.only);
  let snapshot: SnapshotFixture | undefined;
  if (ids.includes('snapshot')) {
    console.error('creating the snapshot fixture (catalog and grants through GraphQL)…');
    const startedAt = performance.now();
    const admin = await insertAccountWithToken(
      { database: bench.stack.subgraphs.identity.database, signingKeys: bench.stack.identity.signingKeys },
      { role: 'SYSTEM_ADMIN' },
    );
    snapshot = await createSnapshotFixture({ gatewayUrl: bench.stack.gatewayUrl, adminToken: admin.token });
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
  if (results.length > 0) {
    console.log(resultTable(results));
    console.log(`\n${ratioLines(results, comparisons).join('\n')}`);
  }

  if (custom.includes('totp')) await measureTotp(bench, settings);
  if (custom.includes('events')) await measureEvents(bench);
  if (custom.includes('token')) await measureToken(bench, settings, results);

  const login = results.find((r) => r.scenario.id === 'login');
  if (login) {
    console.error('measuring the password-hash bound…');
    // The source module, as this suite runs the stack from source.
    const passwordModule = new URL('../subgraphs/identity/src/user/password.ts', import.meta.url).href;
    const bound = await argon2Bound(passwordModule, settings.seconds);
    console.log(
      `- sign-in / password-hash bound: ${(login.measurement.rps / bound.perSecond).toFixed(2)}× ` +
        `(${login.measurement.rps.toFixed(0)} sign-ins/s vs ${bound.perSecond.toFixed(0)} argon2id verifications/s ` +
        `with ${bound.inFlight} in flight on ${bound.cores} cores, one hashing thread each)`,
    );
  }
}

/** Checked before any setup, so a typo fails at once rather than after the fixtures are built. */
function select(only: readonly string[] | undefined): {
  ids: readonly ScenarioId[];
  custom: readonly CustomId[];
} {
  if (!only?.length) return { ids: SCENARIO_IDS, custom: CUSTOM_IDS };
  const all: readonly string[] = [...SCENARIO_IDS, ...CUSTOM_IDS];
  const unknown = only.filter((id) => !all.includes(id));
  if (unknown.length) {
    throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${all.join(', ')}`);
  }
  return {
    ids: SCENARIO_IDS.filter((id) => only.includes(id)),
    custom: CUSTOM_IDS.filter((id) => only.includes(id)),
  };
}

/** The token endpoint: codes are single use and refresh tokens rotate, so no autocannon replay. */
async function measureToken(bench: BenchStack, settings: BenchSettings, results: readonly ScenarioResult[]) {
  console.error('minting codes in rounds of 400 and exchanging each once at POST /oauth/token…');
  const { code, refresh } = await tokenThroughput(bench.stack, {
    seconds: settings.seconds,
    warmupSeconds: settings.warmupSeconds,
    concurrency: settings.connections,
  });
  const ms = (n: number) => n.toFixed(1);
  const line = (label: string, sample: typeof code) =>
    `- ${label} (\`POST /oauth/token\`, client_secret_basic, ${sample.count} requests, ${settings.connections} in flight): ` +
    `${sample.perSecond.toFixed(0)} requests/s, p50 ${ms(sample.p50)} ms, p99 ${ms(sample.p99)} ms`;
  console.log(line('token: authorization_code + PKCE', code));
  console.log(line('token: refresh_token rotation', refresh));
  const login = results.find((r) => r.scenario.id === 'login');
  if (login) {
    console.log(
      `- token (code exchange) / sign-in: ${(code.perSecond / login.measurement.rps).toFixed(2)}× ` +
        `(${code.perSecond.toFixed(0)} vs ${login.measurement.rps.toFixed(0)} requests/s; no password hash in a code exchange)`,
    );
  }
}

/** TOTP verification: every account verifies once (a step is accepted once), so no autocannon replay. */
async function measureTotp(bench: BenchStack, settings: BenchSettings): Promise<void> {
  const accounts = 300;
  console.error(`enrolling ${accounts} accounts in TOTP and verifying each once…`);
  const { verify, status } = await totpLatency(bench.stack, accounts, settings.connections);
  const ms = (n: number) => n.toFixed(1);
  console.log(
    `- TOTP verify (\`verifyTotp\` → gateway, ${verify.count} accounts, ${settings.connections} in flight): ` +
      `p50 ${ms(verify.p50)} ms, p99 ${ms(verify.p99)} ms, ${verify.perSecond.toFixed(0)}/s`,
  );
  console.log(
    `- TOTP verify / TOTP status read (\`myTotp\`, same accounts): p50 ${(verify.p50 / status.p50).toFixed(2)}×, ` +
      `p99 ${(verify.p99 / status.p99).toFixed(2)}× (status p50 ${ms(status.p50)} ms, p99 ${ms(status.p99)} ms)`,
  );
}

/** The event pipeline: outbox → relay → admin (audit log) → webhook worker → a local receiver. */
async function measureEvents(bench: BenchStack): Promise<void> {
  const events = 2000;
  console.error(
    `committing ${events} outbox events in one transaction and timing them to the audit log and a webhook receiver…`,
  );
  const result = await eventsThroughput(bench.stack, events);
  const rate = (seconds: number) => (result.events / seconds).toFixed(0);
  console.log(
    `- events → audit log (outbox relay → admin ingest, from commit): ${result.events} in ` +
      `${result.auditSeconds.toFixed(2)} s, ${rate(result.auditSeconds)} events/s`,
  );
  console.log(
    `- events → signed webhooks received (one endpoint subscribed, from commit): ${result.events} in ` +
      `${result.webhookSeconds.toFixed(2)} s, ${rate(result.webhookSeconds)} events/s`,
  );
}
