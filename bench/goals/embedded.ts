import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createProfile, registerAccount, settledAnswer } from '../support/api-client.js';
import { costedLoad } from '../support/cpu-window.js';
import { threadOf } from '../support/proc-stat.js';
import { expectAnswer, graphqlData, sendOnce } from '../support/http-load.js';
import { freePorts } from '../support/ports.js';
import { typenameAnswers, UNLIMITED, SUBGRAPHS } from '../support/production-stack.js';
import { baseEnv, startChild, waitUntil, type Child } from '../support/processes.js';
import { costTable, ms, trustworthy, type GoalContext, type GoalResult } from './goal.js';
import type { Environment } from './production.js';
import { federatedQuery, graphqlPost } from './queries.js';

/** Goal 6: `{ __typename }` answered this long after launch, on a fresh DATA_DIR and on restart. */
const FRESH_BUDGET_MS = 5000;
const RESTART_BUDGET_MS = 3000;
/**
 * Goal 8 states no figure of its own ("gets its share too"); the bench holds the one process to goal
 * 1's budget for the whole federated request, and checks that its subgraphs are called without HTTP.
 */
const EMBEDDED_BUDGET_MS = 4;
/** lib/db/served-cluster.ts EMBEDDED_THREAD_NAME: the bench reads the build's threads, not its code. */
const EMBEDDED_THREAD_NAME = 'embedded-pg';
const DATABASE_THREAD = 'embedded PostgreSQL (thread)';

/**
 * Goals 6 and 8 on `npm start` itself: package.json's `start` command, as it stands in the measured
 * checkout, on an embedded database in a fresh DATA_DIR, timed from launch to the first answer to
 * `{ __typename }`; stopped and started again on the same DATA_DIR; then (goal 8) the federated query
 * at 20 connections, charged to that one process.
 */
export async function embeddedGoals(
  environment: Environment,
  goals: ReadonlySet<string>,
  context: GoalContext,
): Promise<GoalResult[]> {
  const { progress, print } = context;
  const { scripts } = JSON.parse(await readFile(join(environment.root, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const command = scripts?.['start'];
  if (!command) throw new Error('package.json has no start script');
  const [port, ...subgraphPorts] = await freePorts(1 + SUBGRAPHS.length);
  const gatewayUrl = `http://127.0.0.1:${port}`;
  const env = {
    ...baseEnv(),
    PORT: String(port),
    ...Object.fromEntries(SUBGRAPHS.map((name, i) => [`${name.toUpperCase()}_PORT`, String(subgraphPorts[i])])),
    DATA_DIR: join(environment.workDir, 'npm-start-data'),
    LOG_LEVEL: environment.logLevel,
    ...UNLIMITED,
  };
  let launches = 0;
  // `exec`, so the pid watched is Node's own, not a shell's.
  const launch = () =>
    startChild({
      name: `npm start (${++launches})`,
      command: 'sh',
      args: ['-c', `exec ${command}`],
      cwd: environment.root,
      env,
      logFile: join(environment.workDir, `npm-start-${launches}.log`),
    });
  const timedStart = async (): Promise<{ child: Child; ms: number }> => {
    const since = performance.now();
    const child = launch();
    const elapsed = await waitUntil(child, typenameAnswers(`${gatewayUrl}/graphql`), {
      since,
      everyMs: 25,
      timeoutMs: 120_000,
      signal: context.signal,
    });
    return { child, ms: elapsed };
  };

  const results: GoalResult[] = [];
  print(`### Goals 6 and 8: \`npm start\` (\`${command}\`), embedded database`, '');
  progress('goal 6: `npm start` on a fresh DATA_DIR…');
  let running = await timedStart();
  try {
    const fresh = running.ms;
    print(`- fresh DATA_DIR: \`{ __typename }\` answered ${ms(fresh, 0)} after launch`);
    if (goals.has('6')) {
      progress('goal 6: stopping, then `npm start` again on the same DATA_DIR…');
      await running.child.stop();
      running = await timedStart();
      print(`- restart: answered ${ms(running.ms, 0)} after launch`);
      results.push(
        {
          id: '6a',
          title: '`npm start` → `{ __typename }`, fresh DATA_DIR',
          target: `≤ ${ms(FRESH_BUDGET_MS, 0)}`,
          measured: ms(fresh, 0),
          pass: fresh <= FRESH_BUDGET_MS,
        },
        {
          id: '6b',
          title: '`npm start` → `{ __typename }`, restart',
          target: `≤ ${ms(RESTART_BUDGET_MS, 0)}`,
          measured: ms(running.ms, 0),
          pass: running.ms <= RESTART_BUDGET_MS,
        },
      );
    }
    print();
    if (goals.has('8'))
      results.push(
        ...(await federatedEmbedded(running.child, gatewayUrl, await federatedQuery(environment.root), context)),
      );
  } finally {
    await running.child.stop();
  }
  return results;
}

async function federatedEmbedded(
  child: Child,
  gatewayUrl: string,
  query: string,
  context: GoalContext,
): Promise<GoalResult[]> {
  const { settings, signal, print, progress } = context;
  await waitUntil(child, async () => (await fetch(`${gatewayUrl}/ready`)).ok, { timeoutMs: 60_000, signal });
  const graphqlUrl = `${gatewayUrl}/graphql`;
  const reader = await registerAccount(graphqlUrl, 'embedded-reader');
  await createProfile(graphqlUrl, reader.token);
  const request = graphqlPost(graphqlUrl, reader.token, query);
  const expected = await settledAnswer(async () => (await sendOnce(request)).body);
  const wrong = graphqlData({ status: 200, body: expected });
  if (wrong) throw new Error(`the federated query does not answer on \`npm start\`: ${wrong}`);
  progress(`goal 8: federated query → \`npm start\`, ${settings.connections} connections…`);
  let before: number | undefined;
  // The embedded database's own thread, where the build has one (lib/db/embedded-worker.ts): its
  // CPU is PostgreSQL's, which goal 1 does not charge either, so it is shown beside, not counted.
  const database = threadOf(child.pid, EMBEDDED_THREAD_NAME);
  const costed = await costedLoad(
    { 'npm start': child.pid },
    {
      ...(database ? { informational: async () => ({ [DATABASE_THREAD]: database }) } : {}),
      connections: settings.connections,
      seconds: settings.seconds,
      warmupSeconds: settings.warmupSeconds,
      request,
      check: expectAnswer(expected),
      beforeMeasure: async () => {
        before = await subgraphHttpRequests(gatewayUrl);
      },
      signal,
    },
  );
  const after = await subgraphHttpRequests(gatewayUrl);
  const httpPerRequest =
    before === undefined || after === undefined ? undefined : (after - before) / Math.max(1, costed.load.requests);
  print(...costTable('federated query → `npm start` (one process)', costed));
  const databaseMs = costed.informational.reduce((sum, p) => sum + p.cpuMsPerRequest, 0);
  const cpu = costed.totalCpuMsPerRequest - databaseMs;
  if (database)
    print(
      `- of the process's ${ms(costed.totalCpuMsPerRequest, 2)}, ${ms(databaseMs, 2)} ran on the embedded PostgreSQL's` +
        ` thread; charged: ${ms(cpu, 2)} (gateway and subgraphs, as goal 1 charges them)`,
    );
  print(
    `- HTTP requests the subgraphs served per federated request: ${
      httpPerRequest === undefined ? 'unknown (no http metrics at /metrics)' : httpPerRequest.toFixed(2)
    } (0 when they are called in-process)`,
    '',
  );
  return [
    {
      id: '8a',
      title: 'federated request on `npm start`, CPU of the one process but its database thread',
      target: `≤ ${ms(EMBEDDED_BUDGET_MS)} (goal 1's budget)`,
      measured: `${ms(cpu, 2)} (${costed.load.rps.toFixed(0)} req/s)`,
      pass: trustworthy(costed.load) ? cpu <= EMBEDDED_BUDGET_MS : undefined,
    },
    {
      id: '8b',
      title: 'subgraphs called without HTTP on `npm start`',
      target: '0 HTTP requests to subgraphs per request',
      measured: httpPerRequest === undefined ? 'unknown' : httpPerRequest.toFixed(2),
      pass: httpPerRequest === undefined ? undefined : httpPerRequest < 0.05,
    },
  ];
}

/**
 * HTTP requests the four subgraphs have answered so far, from the process's Prometheus metrics
 * (`membergraph_http_request_duration_seconds_count`, labelled by service; the baseline, whose
 * subgraphs are called over HTTP, shows they are counted); undefined without the metric at all.
 */
async function subgraphHttpRequests(gatewayUrl: string): Promise<number | undefined> {
  const response = await fetch(`${gatewayUrl}/metrics`).catch(() => undefined);
  if (!response?.ok) return undefined;
  const text = await response.text();
  if (!text.includes('membergraph_http_request_duration_seconds_count')) return undefined;
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^membergraph_http_request_duration_seconds_count\{([^}]*)\} (\d+(?:\.\d+)?)/.exec(line);
    const service = match && /service="([^"]+)"/.exec(match[1]!)?.[1];
    if (match && service && (SUBGRAPHS as readonly string[]).includes(service)) {
      total += Number(match[2]);
    }
  }
  return total;
}
