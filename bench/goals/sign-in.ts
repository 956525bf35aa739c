import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { registerAccount, type Account } from '../support/api-client.js';
import { costedLoad, type CostedLoad } from '../support/cpu-window.js';
import type { AnswerCheck, HttpRequestSpec } from '../support/http-load.js';
import { startBareForwarder } from '../support/bare-forwarder-process.js';
import { startBareSignIn } from '../support/bare-sign-in-process.js';
import { argon2Bound, type HashBound } from '../support/hash-bound.js';
import type { ProductionStack } from '../support/production-stack.js';
import type { BenchScriptHome } from '../support/bench-script.js';
import { busyMachine, costTable, trustworthy, type GoalContext, type GoalResult } from './goal.js';

/** Goal 5: sign-ins per second at least this share of what the password hash allows on these cores. */
const TARGET_SHARE = 0.8;

/** One account per connection; a few sign-ups at a time (each one is a password hash). */
export async function createSigners(graphqlUrl: string, count: number): Promise<Account[]> {
  const signers: Account[] = [];
  for (let i = 0; i < count; i += 5) {
    const batch = Math.min(5, count - i);
    signers.push(...(await Promise.all(Array.from({ length: batch }, () => registerAccount(graphqlUrl, 'signer')))));
  }
  return signers;
}

/** The legacy sign-in, through the gateway. */
export const legacySignInUrl = (gatewayUrl: string) => `${gatewayUrl}/api/v1/auth/login`;

/**
 * The load of goal 5 (and of `--profile --only=sign-in`): each connection signs in its own account
 * at `url` (legacySignInUrl, or the bare sign-in's).
 */
export function signInLoad(
  url: string,
  signers: readonly Account[],
): { request: (worker: number) => HttpRequestSpec; check: AnswerCheck } {
  return {
    request: (worker) => ({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: signers[worker]!.email, password: signers[worker]!.password }),
    }),
    check: ({ status, body }) => (status === 200 ? undefined : `HTTP ${status}: ${body.slice(0, 200)}`),
  };
}

/** What goal 5 needs beyond the stack: the build measured, and where bench/bare-sign-in.ts is and runs. */
export interface SignInEnvironment extends BenchScriptHome {
  /** The checkout whose build is measured (its identity password module). */
  readonly root: string;
}

/**
 * Goal 5: `POST /api/v1/auth/login` through the gateway, each connection signing in an account of
 * its own (sign-ins of one account wait for each other by design: the throttle locks the account's
 * row), against the argon2id bound measured just before and just after on the same machine; the
 * higher of the two is the bound, since others' work on the machine can only lower a reading (a
 * reading with others busy is set aside, and with none left the goal is not judged). The
 * share of a sign-in's CPU (all processes) that is the hash itself is printed too: it does not move
 * with the machine's other work as throughput does. Between them, the same accounts sign in through
 * a bare sign-in (bench/bare-sign-in.ts), alone and behind a bare forwarder: their shares of the
 * bound are the goal's ceilings here.
 */
export async function signInGoal(
  stack: ProductionStack,
  environment: SignInEnvironment,
  signers: readonly Account[],
  context: GoalContext,
): Promise<GoalResult[]> {
  const { settings, signal, print, progress } = context;
  const boundSeconds = Math.min(settings.seconds, 5);
  progress('goal 5: argon2id verifications with every core busy (the bound)…');
  const passwordModule = pathToFileURL(join(environment.root, 'dist/subgraphs/identity/src/user/password.js')).href;
  const boundBefore = await argon2Bound(passwordModule, boundSeconds);
  progress(`goal 5: sign-in, ${signers.length} connections, one account each…`);
  const identityPid = stack.processes['identity']!;
  const load = {
    connections: signers.length,
    seconds: settings.seconds,
    warmupSeconds: settings.warmupSeconds,
    informational: () => stack.database.backendPids(),
    signal,
  };
  const signIns = await costedLoad(stack.processes, {
    ...load,
    ...signInLoad(legacySignInUrl(stack.gatewayUrl), signers),
    // The hash runs on libuv's pool: identity's main thread is the rest of its work.
    threads: { 'identity, main thread': `${identityPid}/task/${identityPid}` },
  });
  progress(`goal 5: the same sign-ins through a bare sign-in, alone and behind a bare forwarder (the ceilings)…`);
  const bare = await bareSignInLoads(stack, environment, passwordModule, signers, load);
  progress('goal 5: the bound again…');
  const boundAfter = await argon2Bound(passwordModule, boundSeconds);
  // A reading taken while other work was busy understates the bound, so it is set aside; with none
  // left, or a sign-in load that shared the machine too, the ratio is printed but not judged.
  const readings = [boundBefore, boundAfter];
  const quiet = readings.filter((b) => !busyMachine(b.otherCores));
  const bound = (quiet.length > 0 ? quiet : readings).reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
  const judged = trustworthy(signIns.load) && quiet.length > 0 && !busyMachine(signIns.otherCores);
  const share = signIns.load.rps / bound.perSecond;
  const reading = (b: HashBound) =>
    `${b.perSecond.toFixed(0)}/s (${b.cpuMs.toFixed(1)} ms CPU each, others busy ${b.otherCores.toFixed(2)} cores)`;
  print('### Goal 5: sign-in against the argon2id bound', '');
  print(
    `- bound: argon2id verifications, ${bound.inFlight} in flight on as many hashing threads and ${bound.cores} cores, ` +
      `the build's own parameters, in a process of their own with the stack idle: before ${reading(boundBefore)}, ` +
      `after ${reading(boundAfter)}`,
  );
  print(...costTable('sign-in `POST /api/v1/auth/login` → gateway', signIns));
  print(
    ...costTable(
      'the same sign-ins through a bare sign-in (bench/bare-sign-in.ts: one process, a read, the hash, a signature, ' +
        'an insert, nothing else)',
      bare.alone,
    ),
  );
  print(
    ...costTable(
      'the same sign-ins through the bare forwarder (bench/bare-forwarder.ts) to the bare sign-in',
      bare.forwarded,
    ),
  );
  if (!judged) print('- not judged: other work on the machine during the bound or the sign-ins (above)');
  const identity = signIns.processes.find((p) => p.name === 'identity');
  const mainThread = signIns.threads[0];
  if (identity && mainThread) {
    print(
      `- identity: ${mainThread.cpuMsPerRequest.toFixed(2)} ms per sign-in on its main thread, ` +
        `${(identity.cpuMsPerRequest - mainThread.cpuMsPerRequest).toFixed(2)} ms on its other threads ` +
        `(the hash and the token signature on libuv's pool, V8's GC helpers)`,
    );
  }
  print(
    `- the hash's share of a sign-in's CPU (gateway + subgraphs): ` +
      `${(bound.cpuMs / signIns.totalCpuMsPerRequest).toFixed(2)} (${bound.cpuMs.toFixed(1)} of ${signIns.totalCpuMsPerRequest.toFixed(1)} ms)`,
  );
  // With every core busy, sign-ins per second ÷ the bound is one verification's CPU ÷ a whole
  // sign-in's, PostgreSQL's and the load generator's included: they take the same cores.
  const restOf = (run: CostedLoad) =>
    run.totalCpuMsPerRequest +
    run.informational.reduce((sum, p) => sum + p.cpuMsPerRequest, 0) +
    run.benchCpuMsPerRequest -
    bound.cpuMs;
  print(
    `- everything but the verification (gateway, identity's other work and its hash's overhead beside it, ` +
      `PostgreSQL, the other subgraphs, the load generator): ${restOf(signIns).toFixed(1)} ms per sign-in; ` +
      `goal 5 leaves it ${(bound.cpuMs * (1 / TARGET_SHARE - 1)).toFixed(1)} ms (a quarter of the verification's)`,
  );
  const ceiling = bare.alone.load.rps / bound.perSecond;
  const forwardedCeiling = bare.forwarded.load.rps / bound.perSecond;
  print(
    `- the ceilings on this machine: the bare sign-in keeps ${ceiling.toFixed(2)}× of the bound, ` +
      `${forwardedCeiling.toFixed(2)}× behind the bare forwarder; everything but the verification costs them ` +
      `${restOf(bare.alone).toFixed(1)} and ${restOf(bare.forwarded).toFixed(1)} ms a sign-in; ours keeps ` +
      `${(signIns.load.rps / bare.forwarded.load.rps).toFixed(2)}× of the forwarded bare sign-in's throughput`,
  );
  if (forwardedCeiling < TARGET_SHARE) {
    print(
      `- out of reach here for a sign-in behind a gateway: the bare one behind a bare forwarder already keeps ` +
        `less than ${TARGET_SHARE.toFixed(2)}×`,
    );
  }
  print('');
  return [
    {
      id: '5',
      title: 'sign-in throughput ÷ argon2id bound on these cores',
      target: `≥ ${TARGET_SHARE.toFixed(2)}×`,
      measured:
        `${share.toFixed(2)}× (${signIns.load.rps.toFixed(0)} vs ${bound.perSecond.toFixed(0)}/s; ` +
        `a bare sign-in ${ceiling.toFixed(2)}×, behind a bare forwarder ${forwardedCeiling.toFixed(2)}×)`,
      pass: judged ? share >= TARGET_SHARE : undefined,
    },
  ];
}

/** The bare sign-in's runs: alone, and behind the bare forwarder (where the sign-ins reach it through a hop). */
interface BareSignInRuns {
  readonly alone: CostedLoad;
  readonly forwarded: CostedLoad;
}

/**
 * The sign-ins of goal 5 through bench/bare-sign-in.ts, over identity's own accounts in the bench
 * database: straight at it, then through bench/bare-forwarder.ts in front of it, the least a sign-in
 * behind a gateway (as the legacy path is) must do.
 */
async function bareSignInLoads(
  stack: ProductionStack,
  environment: SignInEnvironment,
  passwordModule: string,
  signers: readonly Account[],
  load: Omit<Parameters<typeof costedLoad>[1], 'request' | 'check'>,
): Promise<BareSignInRuns> {
  const signal = load.signal ? { signal: load.signal } : {};
  const bare = await startBareSignIn({
    ...environment,
    databaseUrl: stack.database.url,
    accounts: 'identity.user_account',
    sessionsSchema: 'bare_sign_in',
    passwordModule,
    ...signal,
  });
  try {
    const alone = await costedLoad({ 'bare sign-in': bare.child.pid }, { ...load, ...signInLoad(bare.url, signers) });
    const forwarder = await startBareForwarder({ ...environment, target: bare.url, ...signal });
    try {
      const forwarded = await costedLoad(
        { 'bare forwarder': forwarder.child.pid, 'bare sign-in': bare.child.pid },
        { ...load, ...signInLoad(forwarder.url, signers) },
      );
      return { alone, forwarded };
    } finally {
      await forwarder.child.stop();
    }
  } finally {
    await bare.child.stop();
  }
}
