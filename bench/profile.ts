import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatSummary, readProfile, summarizeProfile, WINDOW_FILE } from './cpuprofile-summary.js';
import type { ProfileSettings } from './arguments.js';
import type { GoalContext } from './goals/goal.js';
import type { Environment } from './goals/production.js';
import { costTable } from './goals/goal.js';
import { federatedQuery, graphqlPost, ME_QUERY } from './goals/queries.js';
import { createSigners, legacySignInUrl, signInLoad } from './goals/sign-in.js';
import { createProfile, registerAccount, settledAnswer } from './support/api-client.js';
import { costedLoad } from './support/cpu-window.js';
import { expectAnswer, sendOnce, type LoadOptions } from './support/http-load.js';
import { startProductionStack, type ProductionStack } from './support/production-stack.js';

/** Now on the monotonic clock V8 stamps profile samples with, in microseconds. */
const nowMicros = () => Number(process.hrtime.bigint() / 1000n);

type ProfiledRequests = Pick<LoadOptions, 'request' | 'check'> & { readonly title: string };

/** Goal 1's federated query, as a reader with a member profile, once its answer has settled. */
async function federatedRequests(stack: ProductionStack, root: string): Promise<ProfiledRequests> {
  const graphqlUrl = `${stack.gatewayUrl}/graphql`;
  const reader = await registerAccount(graphqlUrl, 'profile-reader');
  await createProfile(graphqlUrl, reader.token);
  const request = graphqlPost(graphqlUrl, reader.token, await federatedQuery(root));
  const expected = await settledAnswer(async () => (await sendOnce(request)).body);
  return { title: 'the federated query', request, check: expectAnswer(expected) };
}

/** Goal 3's `me` through the gateway, as a reader, once its answer has settled. */
async function meRequests(stack: ProductionStack): Promise<ProfiledRequests> {
  const graphqlUrl = `${stack.gatewayUrl}/graphql`;
  const reader = await registerAccount(graphqlUrl, 'profile-me');
  const request = graphqlPost(graphqlUrl, reader.token, ME_QUERY);
  const expected = await settledAnswer(async () => (await sendOnce(request)).body);
  return { title: '`me` through the gateway', request, check: expectAnswer(expected) };
}

/** Goal 5's sign-ins: one account per connection, each signing in through `POST /api/v1/auth/login`. */
async function signInRequests(stack: ProductionStack, connections: number): Promise<ProfiledRequests> {
  const signers = await createSigners(`${stack.gatewayUrl}/graphql`, connections);
  return { title: 'sign-in (`POST /api/v1/auth/login`)', ...signInLoad(legacySignInUrl(stack.gatewayUrl), signers) };
}

/**
 * `npm run bench -- --profile`: the production shape with `node --cpu-prof` on the gateway and each
 * subgraph, the federated query (or goal 3's `me`, or goal 5's sign-ins) at 20 connections for `seconds`, then each
 * profile summarised over exactly that window (start-up and migrations left out). Profiling slows
 * the processes, so this run's CPU figures are not the goals' figures. V8 samples the JavaScript
 * thread only: work on libuv's pool (the argon2id hash, WebCrypto signing) is not in the profiles.
 */
export async function profileRun(
  environment: Environment,
  { seconds, dir, load }: ProfileSettings,
  context: GoalContext,
): Promise<void> {
  const { settings, progress, print, signal } = context;
  await mkdir(dir, { recursive: true });
  progress(`starting the production shape under --cpu-prof (profiles in ${dir})…`);
  const stack = await startProductionStack({
    ...environment,
    withStock: false,
    nodeFlags: (name) => ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}.cpuprofile`],
    signal,
  });
  let window: { from: number; to: number } | undefined;
  try {
    const { title, ...requests } =
      load === 'sign-in'
        ? await signInRequests(stack, settings.connections)
        : load === 'me'
          ? await meRequests(stack)
          : await federatedRequests(stack, environment.root);
    progress(`profiling ${title}, ${settings.connections} connections, ${seconds} s…`);
    let from = 0;
    const costed = await costedLoad(stack.processes, {
      connections: settings.connections,
      seconds,
      warmupSeconds: settings.warmupSeconds,
      ...requests,
      beforeMeasure: async () => {
        from = nowMicros();
      },
      signal,
    });
    window = { from, to: nowMicros() };
    print(`## CPU profile of ${title} (production shape, \`node --cpu-prof\`)`, '');
    print(...costTable('under the profiler (slower than unprofiled)', costed));
  } finally {
    // SIGTERM: each process shuts down and exits, and Node writes its profile on the way out.
    progress('stopping the profiled processes (they write their profiles)…');
    await stack.stop();
  }
  if (window) await writeFile(join(dir, WINDOW_FILE), JSON.stringify(window));
  const summaries: string[] = [];
  for (const name of Object.keys(stack.processes)) {
    const file = join(dir, `${name}.cpuprofile`);
    if (!existsSync(file)) {
      summaries.push(`### ${name}: no profile written (${file})`);
      continue;
    }
    summaries.push(formatSummary(name, summarizeProfile(readProfile(file), window)));
  }
  const text = summaries.join('\n\n');
  await writeFile(join(dir, 'summary.md'), `${text}\n`);
  print(text, '', `(profiles and this summary in ${dir})`);
}
