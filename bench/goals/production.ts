import { createProfile, registerAccount, type Account } from '../support/api-client.js';
import { startProductionStack, type ProductionStack } from '../support/production-stack.js';
import type { Runtime } from '../support/runtime.js';
import { federatedGoals } from './federated.js';
import type { GoalContext, GoalResult } from './goal.js';
import { idleGoal } from './idle.js';
import { meGoal } from './me.js';
import { federatedQuery } from './queries.js';
import { createSigners, signInGoal } from './sign-in.js';
import { snapshotGoal } from './snapshot.js';

/** The goals measured on the production shape, in the order they run. */
export const PRODUCTION_GOALS = ['1', '2', '3', '4', '7', '5'] as const;

export interface Environment {
  /** The checkout whose build is measured. */
  readonly root: string;
  /** The bench's own checkout. */
  readonly benchRoot: string;
  readonly workDir: string;
  readonly postgresUrl: string;
  readonly redisUrl: string;
  readonly logLevel: string;
  /** The Node of the production shape's processes. */
  readonly runtime: Runtime;
}

/**
 * Starts the production shape once and runs the selected goals on it. Reads come before anything
 * that writes events (the idle window wants a drained outbox, the sign-ins make thousands), and the
 * accounts are made first so that their own events have reached the audit log before any answer is
 * taken as the expected one.
 */
export async function productionGoals(
  environment: Environment,
  goals: ReadonlySet<string>,
  context: GoalContext,
): Promise<GoalResult[]> {
  context.progress(
    `starting the production shape (4 subgraphs and the gateway from dist/ on node ${environment.runtime.version}, PostgreSQL, Redis)…`,
  );
  const began = performance.now();
  const stack = await startProductionStack({
    ...environment,
    withStock: goals.has('2'),
    signal: context.signal,
  });
  context.progress(`  up in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  try {
    return await runGoals(stack, environment, goals, context);
  } finally {
    context.progress('stopping the production shape and dropping its database…');
    await stack.stop();
  }
}

async function runGoals(
  stack: ProductionStack,
  environment: Environment,
  goals: ReadonlySet<string>,
  context: GoalContext,
): Promise<GoalResult[]> {
  const graphqlUrl = `${stack.gatewayUrl}/graphql`;
  context.progress('creating the accounts (sign-up through the gateway)…');
  // The reader of goals 1-3 has a member profile, so the federated query reads a row in every subgraph.
  let reader: Account | undefined;
  if (goals.has('1') || goals.has('2') || goals.has('3')) {
    reader = await registerAccount(graphqlUrl, 'reader');
    await createProfile(graphqlUrl, reader.token);
  }
  const eventUser = goals.has('7') ? await registerAccount(graphqlUrl, 'events') : undefined;
  const signers = goals.has('5') ? await createSigners(graphqlUrl, context.settings.connections) : [];

  const results: GoalResult[] = [];
  if (reader && (goals.has('1') || goals.has('2'))) {
    results.push(...(await federatedGoals(stack, reader, await federatedQuery(environment.root), context)));
  }
  if (reader && goals.has('3')) results.push(...(await meGoal(stack, reader, environment, context)));
  if (goals.has('4')) results.push(...(await snapshotGoal(stack, context)));
  if (eventUser) results.push(...(await idleGoal(stack, eventUser, context)));
  if (goals.has('5')) results.push(...(await signInGoal(stack, environment, signers, context)));
  return results;
}
