import { settledAnswer, type Account } from '../support/api-client.js';
import { startBareForwarder } from '../support/bare-forwarder-process.js';
import { costedLoad, settle, SETTLE_SECONDS, type CostedLoad } from '../support/cpu-window.js';
import { expectAnswer, sendOnce } from '../support/http-load.js';
import type { ProductionStack } from '../support/production-stack.js';
import type { BenchScriptHome } from '../support/bench-script.js';
import { busyMachine, costTable, type GoalContext, type GoalResult, trustworthy } from './goal.js';
import { graphqlPost, ME_QUERY } from './queries.js';

/** Goal 3: `me` through the gateway keeps at least this share of `me` straight at identity. */
const TARGET_SHARE = 0.8;

/**
 * What goal 3 needs beyond the stack: where bench/bare-forwarder.ts is, the Node to run it on, and
 * the Redis the gateway's rate limit shares.
 */
export interface ForwarderEnvironment extends BenchScriptHome {
  readonly redisUrl: string;
}

/** The gateway's rate limit in the bench (production-stack.ts): never reached by its loads. */
const BENCH_RATE_LIMIT_PER_MINUTE = 1_000_000;

/**
 * Goal 3: the same `me` query at identity's own port, through the gateway, through a bare forwarder
 * (bench/bare-forwarder.ts), and through the forwarder taking each request from its caller's budget
 * in Redis as the gateway does, one after the other. The forwarders' shares are the ceilings of the
 * goal on this machine: for any gateway, and for one that shares rate limits between replicas, since
 * a gateway does everything they do and more, on the same cores.
 */
export async function meGoal(
  stack: ProductionStack,
  reader: Account,
  environment: ForwarderEnvironment,
  context: GoalContext,
): Promise<GoalResult[]> {
  const { settings, signal, progress } = context;
  const forwarder = await startBareForwarder({ ...environment, target: stack.subgraphUrls.identity, signal });
  const limited = await startBareForwarder({
    ...environment,
    target: stack.subgraphUrls.identity,
    rateLimit: { redisUrl: environment.redisUrl, perMinute: BENCH_RATE_LIMIT_PER_MINUTE },
    signal,
  }).catch(async (error: unknown) => {
    await forwarder.child.stop();
    throw error;
  });
  try {
    const direct = graphqlPost(stack.subgraphUrls.identity, reader.token, ME_QUERY);
    const viaGateway = graphqlPost(`${stack.gatewayUrl}/graphql`, reader.token, ME_QUERY);
    const viaForwarder = graphqlPost(forwarder.url, reader.token, ME_QUERY);
    const viaLimited = graphqlPost(limited.url, reader.token, ME_QUERY);
    const expected = await settledAnswer(async () => (await sendOnce(viaGateway)).body);
    // Identity answers the same data; its body may differ in extensions, so it is checked against its own.
    const directAnswer = (await sendOnce(direct)).body;
    const paths = {
      direct: { request: direct, check: expectAnswer(directAnswer) },
      gateway: { request: viaGateway, check: expectAnswer(expected) },
      forwarder: { request: viaForwarder, check: expectAnswer(directAnswer) },
      limited: { request: viaLimited, check: expectAnswer(directAnswer) },
    };
    const identityPid = stack.processes['identity']!;
    const load = {
      connections: settings.connections,
      seconds: settings.seconds,
      warmupSeconds: settings.warmupSeconds,
      informational: () => stack.database.backendPids(),
      signal,
    };
    // Every path runs through identity: each is loaded before any is measured.
    progress(`goal 3: settling, ${SETTLE_SECONDS} s of \`me\` on each path (not measured)…`);
    await settle([paths.direct, paths.gateway, paths.forwarder, paths.limited], load);
    progress(`goal 3: \`me\` straight at identity, ${settings.connections} connections…`);
    const atIdentity = await costedLoad({ identity: identityPid }, { ...load, ...paths.direct });
    progress(`goal 3: \`me\` through the gateway, ${settings.connections} connections…`);
    const gatewayProcesses = { gateway: stack.processes['gateway']!, identity: identityPid };
    const atGateway = await costedLoad(gatewayProcesses, { ...load, ...paths.gateway });
    progress(`goal 3: \`me\` through a bare forwarder (the ceiling), ${settings.connections} connections…`);
    const forwarderProcesses = { 'bare forwarder': forwarder.child.pid, identity: identityPid };
    const atForwarder = await costedLoad(forwarderProcesses, { ...load, ...paths.forwarder });
    progress(
      `goal 3: \`me\` through the bare forwarder with the shared rate limit, ${settings.connections} connections…`,
    );
    const limitedProcesses = { 'bare forwarder, rate limited': limited.child.pid, identity: identityPid };
    const atLimited = await costedLoad(limitedProcesses, { ...load, ...paths.limited });
    return report({ atIdentity, atGateway, atForwarder, atLimited }, context);
  } finally {
    await Promise.all([forwarder.child.stop(), limited.child.stop()]);
  }
}

interface MeRuns {
  readonly atIdentity: CostedLoad;
  readonly atGateway: CostedLoad;
  readonly atForwarder: CostedLoad;
  /** The forwarder with the shared rate limit. */
  readonly atLimited: CostedLoad;
}

function report(runs: MeRuns, context: GoalContext): GoalResult[] {
  const { atIdentity, atGateway, atForwarder, atLimited } = runs;
  const { print, settings } = context;
  const processCost = (run: CostedLoad, name: string) =>
    run.processes.find((p) => p.name === name)?.cpuMsPerRequest.toFixed(2);
  const identityCost = (run: CostedLoad) => processCost(run, 'identity');
  print('### Goal 3: `me` through the gateway vs straight at identity', '');
  print(`\`${ME_QUERY}\`, ${settings.connections} connections`, '');
  print(...costTable('straight at identity', atIdentity));
  print(...costTable('through the gateway', atGateway));
  print(
    ...costTable(
      'through a bare forwarder (bench/bare-forwarder.ts: node:http and an undici pool, nothing else)',
      atForwarder,
    ),
  );
  print(
    ...costTable(
      "through the bare forwarder with the gateway's shared rate limit (one GCRA step in Redis a request, as the " +
        'gateway takes it)',
      atLimited,
    ),
  );
  const share = atGateway.load.rps / atIdentity.load.rps;
  const ceiling = atForwarder.load.rps / atIdentity.load.rps;
  const limitedCeiling = atLimited.load.rps / atIdentity.load.rps;
  print(
    `- p50 through the gateway / straight: ${(atGateway.load.p50 / atIdentity.load.p50).toFixed(2)}×; ` +
      `identity's own CPU per request: ${identityCost(atIdentity)} ms straight, ${identityCost(atGateway)} ms behind ` +
      `the gateway, ${identityCost(atForwarder)} ms behind the bare forwarder`,
    `- the ceiling on this machine: the bare forwarder keeps ${ceiling.toFixed(2)}× of identity's throughput, ` +
      `the gateway ${(atGateway.load.rps / atForwarder.load.rps).toFixed(2)}× of the forwarder's`,
    `- with the shared rate limit as well, the forwarder keeps ${limitedCeiling.toFixed(2)}× of identity's ` +
      `throughput (its own CPU ${processCost(atLimited, 'bare forwarder, rate limited')} ms a request, ` +
      `against ${processCost(atForwarder, 'bare forwarder')} ms without)`,
  );
  if (ceiling >= TARGET_SHARE && limitedCeiling < TARGET_SHARE) {
    print(
      `- out of reach here for a gateway that shares rate limits between replicas: forwarding with the shared ` +
        `rate limit and nothing else already keeps less than ${TARGET_SHARE.toFixed(2)}×`,
    );
  }
  if (ceiling < TARGET_SHARE) {
    print(
      `- out of reach here for any gateway: a process that only passes the bytes on already keeps less than ` +
        `${TARGET_SHARE.toFixed(2)}× (straight, identity runs on one core and leaves the other to PostgreSQL and ` +
        `the load; through anything, the two processes share the cores)`,
    );
  }
  print('');
  const judged = [atIdentity, atGateway];
  return [
    {
      id: '3',
      title: '`me` throughput, through the gateway ÷ straight at identity',
      target: `≥ ${TARGET_SHARE.toFixed(2)}×`,
      measured:
        `${share.toFixed(2)}× (${atGateway.load.rps.toFixed(0)} vs ${atIdentity.load.rps.toFixed(0)} req/s; ` +
        `a bare forwarder ${ceiling.toFixed(2)}×, with the shared rate limit ${limitedCeiling.toFixed(2)}×)`,
      // A ratio of two throughputs: other work during either one skews it, whichever way.
      pass: judged.every((run) => trustworthy(run.load) && !busyMachine(run.otherCores))
        ? share >= TARGET_SHARE
        : undefined,
    },
  ];
}
