import { settledAnswer, type Account } from '../support/api-client.js';
import { costedLoad, settle, SETTLE_SECONDS } from '../support/cpu-window.js';
import { expectAnswer, sendOnce } from '../support/http-load.js';
import type { ProductionStack } from '../support/production-stack.js';
import { busyMachine, costTable, type GoalContext, type GoalResult, trustworthy } from './goal.js';
import { graphqlPost, ME_QUERY } from './queries.js';

/** Goal 3: `me` through the gateway keeps at least this share of `me` straight at identity. */
const TARGET_SHARE = 0.8;

/** Goal 3: the same `me` query at identity's own port and through the gateway, one after the other. */
export async function meGoal(stack: ProductionStack, reader: Account, context: GoalContext): Promise<GoalResult[]> {
  const { settings, signal, print, progress } = context;
  const direct = graphqlPost(stack.subgraphUrls.identity, reader.token, ME_QUERY);
  const viaGateway = graphqlPost(`${stack.gatewayUrl}/graphql`, reader.token, ME_QUERY);
  const expected = await settledAnswer(async () => (await sendOnce(viaGateway)).body);
  const directAnswer = (await sendOnce(direct)).body;
  const processes = { gateway: stack.processes['gateway']!, identity: stack.processes['identity']! };
  const load = {
    connections: settings.connections,
    seconds: settings.seconds,
    warmupSeconds: settings.warmupSeconds,
    informational: () => stack.database.backendPids(),
    signal,
  };
  // Both paths run through identity: each is loaded before either is measured.
  progress(`goal 3: settling, ${SETTLE_SECONDS} s of \`me\` on each path (not measured)…`);
  await settle(
    [
      { request: direct, check: expectAnswer(directAnswer) },
      { request: viaGateway, check: expectAnswer(expected) },
    ],
    load,
  );
  progress(`goal 3: \`me\` straight at identity, ${settings.connections} connections…`);
  // Identity answers the same data; its body may differ in extensions, so it is checked against its own.
  const atIdentity = await costedLoad(processes, { ...load, request: direct, check: expectAnswer(directAnswer) });
  progress(`goal 3: \`me\` through the gateway, ${settings.connections} connections…`);
  const atGateway = await costedLoad(processes, { ...load, request: viaGateway, check: expectAnswer(expected) });
  print('### Goal 3: `me` through the gateway vs straight at identity', '');
  print(`\`${ME_QUERY}\`, ${settings.connections} connections`, '');
  print(...costTable('straight at identity', atIdentity));
  print(...costTable('through the gateway', atGateway));
  const share = atGateway.load.rps / atIdentity.load.rps;
  print(
    `- p50 through the gateway / straight: ${(atGateway.load.p50 / atIdentity.load.p50).toFixed(2)}×; ` +
      `identity's own CPU per request: ${atIdentity.processes.find((p) => p.name === 'identity')?.cpuMsPerRequest.toFixed(2)} ms straight, ` +
      `${atGateway.processes.find((p) => p.name === 'identity')?.cpuMsPerRequest.toFixed(2)} ms behind the gateway`,
    '',
  );
  return [
    {
      id: '3',
      title: '`me` throughput, through the gateway ÷ straight at identity',
      target: `≥ ${TARGET_SHARE.toFixed(2)}×`,
      measured: `${share.toFixed(2)}× (${atGateway.load.rps.toFixed(0)} vs ${atIdentity.load.rps.toFixed(0)} req/s)`,
      // A ratio of two throughputs: other work during either one skews it, whichever way.
      pass: [atIdentity, atGateway].every((run) => trustworthy(run.load) && !busyMachine(run.otherCores))
        ? share >= TARGET_SHARE
        : undefined,
    },
  ];
}
