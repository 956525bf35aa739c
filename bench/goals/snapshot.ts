import { signIn } from '../support/api-client.js';
import { createSnapshotFixture } from '../support/catalog-fixture.js';
import { costedLoad } from '../support/cpu-window.js';
import { expectAnswer, runLoad, sendOnce, type AnswerCheck, type HttpRequestSpec } from '../support/http-load.js';
import type { ProductionStack } from '../support/production-stack.js';
import { BEFORE } from './baseline.js';
import { costTable, loadLine, ms, trustworthy, type GoalContext, type GoalResult } from './goal.js';

/** Goal 4: one request alone answers within this (p50). */
const ALONE_P50_MS = 30;
/** Goal 4: 10 concurrent at least this multiple of the baseline's throughput. */
const THROUGHPUT_FACTOR = 5;
const CONCURRENT = 10;
/** Sequential samples for the p50: enough for a stable median, few enough for a short run. */
const SEQUENTIAL_REQUESTS = 100;

/**
 * Goal 4: seed 000's permission snapshot of a subject holding 1,000 grants, asked by an API client
 * with `catalog:read` through the gateway (how a legacy service calls it), alone and 10 at a time.
 */
export async function snapshotGoal(stack: ProductionStack, context: GoalContext): Promise<GoalResult[]> {
  const { settings, signal, print, progress } = context;
  progress('goal 4: building 1,000 grants (catalog and grants through GraphQL, as an administrator)…');
  const began = performance.now();
  const adminToken = await signIn(`${stack.gatewayUrl}/graphql`, stack.admin.email, stack.admin.password);
  const fixture = await createSnapshotFixture({ gatewayUrl: stack.gatewayUrl, adminToken });
  progress(`  ${fixture.grants} grants in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  const request: HttpRequestSpec = {
    method: 'GET',
    url: `${stack.gatewayUrl}/internal/permissions/${encodeURIComponent(fixture.userSub)}/snapshot`,
    headers: { 'x-client-key': fixture.clientKey, 'x-api-key': fixture.apiKey },
  };
  const first = await sendOnce(request);
  const permissions = (JSON.parse(first.body) as { permissions?: unknown[] }).permissions;
  if (first.status !== 200 || permissions?.length !== fixture.grants) {
    throw new Error(
      `the snapshot answers HTTP ${first.status} with ${permissions?.length} of ${fixture.grants} grants`,
    );
  }
  // The same 1,000 grants every time; if the order varied, each answer's count is checked instead.
  const stable = (await sendOnce(request)).body === first.body;
  const check: AnswerCheck = stable
    ? expectAnswer(first.body)
    : ({ status, body }) =>
        status === 200 && (JSON.parse(body) as { permissions?: unknown[] }).permissions?.length === fixture.grants
          ? undefined
          : `HTTP ${status}: ${body.slice(0, 200)}`;

  progress(`goal 4: the snapshot alone, ${SEQUENTIAL_REQUESTS} requests one after the other…`);
  await runLoad({ connections: 1, seconds: 2, maxRequests: 10, request, check, signal });
  const alone = await runLoad({
    connections: 1,
    seconds: settings.seconds,
    maxRequests: SEQUENTIAL_REQUESTS,
    request,
    check,
    signal,
  });
  progress(`goal 4: the snapshot, ${CONCURRENT} connections…`);
  const concurrent = await costedLoad(stack.processes, {
    connections: CONCURRENT,
    seconds: settings.seconds,
    warmupSeconds: settings.warmupSeconds,
    request,
    check,
    informational: () => stack.database.backendPids(),
    signal,
  });
  print(`### Goal 4: \`GET /internal/permissions/{sub}/snapshot\`, ${fixture.grants} grants, through the gateway`, '');
  print(loadLine('alone (1 connection, sequential)', alone), '');
  print(...costTable(`${CONCURRENT} connections`, concurrent));
  const before = BEFORE.snapshotRpsAt10Connections;
  return [
    {
      id: '4a',
      title: `snapshot of ${fixture.grants} grants, alone, p50`,
      target: `≤ ${ms(ALONE_P50_MS, 0)}`,
      measured: ms(alone.p50),
      pass: trustworthy(alone) ? alone.p50 <= ALONE_P50_MS : undefined,
    },
    {
      id: '4b',
      title: `snapshot, ${CONCURRENT} connections, throughput`,
      target:
        before === undefined
          ? `≥ ${THROUGHPUT_FACTOR}× the baseline (none recorded yet)`
          : `≥ ${(before * THROUGHPUT_FACTOR).toFixed(0)} req/s (${THROUGHPUT_FACTOR}× ${before.toFixed(0)})`,
      measured: `${concurrent.load.rps.toFixed(1)} req/s`,
      pass:
        before === undefined || !trustworthy(concurrent.load)
          ? undefined
          : concurrent.load.rps >= before * THROUGHPUT_FACTOR,
    },
  ];
}
