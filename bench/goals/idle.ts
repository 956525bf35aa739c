import { setTimeout as delay } from 'node:timers/promises';
import { graphqlClient, signIn, type Account } from '../support/api-client.js';
import type { ProductionStack } from '../support/production-stack.js';
import { cpuMs } from '../support/proc-stat.js';
import { segmentsByPid, segmentsTo } from '../support/socket-stats.js';
import { ms, table, type GoalContext, type GoalResult } from './goal.js';

/** Goal 7: database round trips per second per process, idle. */
const IDLE_BUDGET = 1;
/** Goal 7: an event reaches the audit log within this of its commit. */
const EVENT_BUDGET_MS = 1000;
const EVENT_SAMPLES = 5;
const POLL_MS = 10;

/**
 * Goal 7. Idle, once every event of the runs before has been handed on: each process's round trips
 * to PostgreSQL (and, for the record, to Redis) over a quiet window, counted from the kernel's
 * per-connection segment counters (support/socket-stats.ts); the bench database's transactions in
 * pg_stat_database over the same window cross-check them (pg_stat_statements is not loaded on this
 * server: it needs shared_preload_libraries). Latency: an account signs in (its `user.login` event is
 * committed before the answer) and its audit trail is read every 10 ms until the entry is there,
 * after a pause each time so the relays are idle when it happens.
 */
export async function idleGoal(
  stack: ProductionStack,
  eventUser: Account,
  context: GoalContext,
): Promise<GoalResult[]> {
  const { settings, signal, print, progress } = context;
  const sleep = (msToWait: number) => delay(msToWait, undefined, { signal });
  progress('goal 7: waiting for every outbox event to be handed on…');
  const drainDeadline = performance.now() + 60_000;
  while ((await stack.database.outboxBacklog()) > 0) {
    if (performance.now() > drainDeadline) throw new Error('the outbox did not drain within 60 s');
    await sleep(500);
  }
  // Let the last relay batches and their follow-up polls finish, and pg_stat_database catch up (a
  // backend reports its counts up to a second after a transaction, later once it went idle).
  await sleep(3000);
  progress(`goal 7: watching the idle stack for ${settings.idleSeconds} s…`);
  const postgresPort = Number(new URL(stack.database.url).port || 5432);
  const redisPort = Number(new URL(stack.redisUrl).port || 6379);
  const before = {
    transactions: await stack.database.transactions(),
    postgres: await segmentsTo(postgresPort),
    redis: await segmentsTo(redisPort),
    cpu: new Map(Object.entries(stack.processes).map(([name, pid]) => [name, cpuMs(pid)])),
  };
  const began = performance.now();
  await sleep(settings.idleSeconds * 1000);
  const postgres = segmentsByPid(before.postgres, await segmentsTo(postgresPort));
  const redis = segmentsByPid(before.redis, await segmentsTo(redisPort));
  const transactions = (await stack.database.transactions()) - before.transactions;
  const seconds = (performance.now() - began) / 1000;
  const perProcess = Object.entries(stack.processes).map(([name, pid]) => ({
    name,
    postgres: (postgres.get(pid) ?? 0) / seconds,
    redis: (redis.get(pid) ?? 0) / seconds,
    // Timers, heartbeats and metrics sampling: what each process costs a machine doing nothing.
    cpuMsPerSecond: (cpuMs(pid) - before.cpu.get(name)!) / seconds,
  }));
  const total = perProcess.reduce((sum, p) => sum + p.postgres, 0);
  const worst = perProcess.reduce((a, b) => (b.postgres > a.postgres ? b : a));

  progress(`goal 7: ${EVENT_SAMPLES} sign-ins timed into the audit log…`);
  const graphqlUrl = `${stack.gatewayUrl}/graphql`;
  const trail = graphqlClient(graphqlUrl, eventUser.token);
  const newest = async () =>
    (await trail<{ me: { auditTrail: { id: string }[] } }>('{ me { auditTrail(limit: 1) { id } } }')).me.auditTrail[0]
      ?.id;
  const latencies: number[] = [];
  for (let i = 0; i < EVENT_SAMPLES; i += 1) {
    // A pause of its own each time, so the commit falls anywhere in the relays' idle cycle.
    await sleep(1000 + Math.random() * 1500);
    const seen = await newest();
    await signIn(graphqlUrl, eventUser.email, eventUser.password);
    const committed = performance.now();
    while ((await newest()) === seen) {
      if (performance.now() - committed > 30_000) throw new Error('a sign-in did not reach the audit log in 30 s');
      await sleep(POLL_MS);
    }
    latencies.push(performance.now() - committed);
  }
  latencies.sort((a, b) => a - b);
  const slowest = latencies.at(-1)!;
  const median = latencies[Math.floor(latencies.length / 2)]!;

  print('### Goal 7: idle database work and event latency', '');
  print(
    `Idle for ${seconds.toFixed(1)} s after the outbox drained; round trips per second from each process's ` +
      'TCP segments to the server, and the CPU each process spent meanwhile:',
    '',
    ...table(
      ['process', 'PostgreSQL round trips/s', 'Redis round trips/s', 'CPU ms/s'],
      perProcess.map((p) => [p.name, p.postgres.toFixed(2), p.redis.toFixed(2), p.cpuMsPerSecond.toFixed(1)]),
    ),
    '',
    `- in all ${total.toFixed(1)} PostgreSQL round trips/s; pg_stat_database counted ${transactions} transactions ` +
      `(${(transactions / seconds).toFixed(1)}/s, a BEGIN … COMMIT counting once)`,
  );
  print(
    `- sign-in → audit log (from the sign-in's answer, polled every ${POLL_MS} ms): ` +
      `${latencies.map((l) => l.toFixed(0)).join(', ')} ms`,
    '',
  );
  return [
    {
      id: '7a',
      title: 'idle database round trips per second, busiest process',
      target: `≤ ${IDLE_BUDGET}/s each`,
      measured: `${worst.postgres.toFixed(2)}/s (${worst.name}; ${total.toFixed(1)}/s in all)`,
      pass: worst.postgres <= IDLE_BUDGET,
    },
    {
      id: '7b',
      title: `event → audit log after commit (slowest of ${EVENT_SAMPLES})`,
      target: `≤ ${ms(EVENT_BUDGET_MS, 0)}`,
      measured: `${ms(slowest, 0)} (median ${ms(median, 0)})`,
      pass: slowest <= EVENT_BUDGET_MS,
    },
  ];
}
