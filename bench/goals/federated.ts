import { settledAnswer, type Account } from '../support/api-client.js';
import { costedLoad, settle, SETTLE_SECONDS, type CostedLoad } from '../support/cpu-window.js';
import { expectAnswer, graphqlData, sendOnce } from '../support/http-load.js';
import type { ProductionStack } from '../support/production-stack.js';
import { costTable, ms, trustworthy, type GoalContext, type GoalResult } from './goal.js';
import { graphqlPost } from './queries.js';

/** Goal 1's budget: gateway plus the four subgraphs, CPU per federated request. */
const TOTAL_BUDGET_MS = 4;
/** Goal 2: our gateway at most this share of stock @apollo/gateway's CPU per request. */
const STOCK_SHARE = 0.5;

/**
 * Goals 1 and 2: the federated query at 20 connections through our gateway, then through
 * stock @apollo/gateway on the same subgraphs, each process's CPU read from /proc around the run.
 */
export async function federatedGoals(
  stack: ProductionStack,
  reader: Account,
  query: string,
  context: GoalContext,
): Promise<GoalResult[]> {
  const { settings, signal, print, progress } = context;
  const ours = graphqlPost(`${stack.gatewayUrl}/graphql`, reader.token, query);
  const expected = await settledAnswer(async () => (await sendOnce(ours)).body);
  const wrong = graphqlData({ status: 200, body: expected });
  if (wrong) throw new Error(`the federated query does not answer: ${wrong}`);
  const load = {
    connections: settings.connections,
    seconds: settings.seconds,
    warmupSeconds: settings.warmupSeconds,
    check: expectAnswer(expected),
    informational: () => stack.database.backendPids(),
    signal,
  };

  // Both gateways share the subgraphs: each path is loaded before either is measured.
  const stock =
    stack.stockGraphqlUrl && stack.stockPid !== undefined
      ? graphqlPost(stack.stockGraphqlUrl, reader.token, query)
      : undefined;
  progress(`goals 1 and 2: settling, ${SETTLE_SECONDS} s through each gateway (not measured)…`);
  await settle(
    [{ request: ours, check: load.check }, ...(stock ? [{ request: stock, check: graphqlData }] : [])],
    load,
  );

  progress(`goal 1: federated query → our gateway, ${settings.connections} connections…`);
  const mine = await costedLoad(stack.processes, { ...load, request: ours });
  print('### Goals 1 and 2: the federated query, production shape');
  print();
  print(`\`${query}\`, ${settings.connections} connections, same answer checked on every request`);
  print();
  print(...costTable('our gateway', mine));
  const results: GoalResult[] = [
    {
      id: '1',
      title: 'federated request, CPU in total (gateway + 4 subgraphs)',
      target: `≤ ${ms(TOTAL_BUDGET_MS)}`,
      measured: ms(mine.totalCpuMsPerRequest, 2),
      pass: trustworthy(mine.load) ? mine.totalCpuMsPerRequest <= TOTAL_BUDGET_MS : undefined,
    },
  ];

  if (!stock || stack.stockPid === undefined) return results;
  const stockAnswer = await sendOnce(stock);
  const same = stockAnswer.body === expected;
  if (!same) print(`(stock @apollo/gateway answers differently; its answers are checked for data without errors)`);
  progress(`goal 2: federated query → stock @apollo/gateway, ${settings.connections} connections…`);
  const stockProcesses = {
    'stock gateway': stack.stockPid,
    ...Object.fromEntries(Object.entries(stack.processes).filter(([name]) => name !== 'gateway')),
  };
  const theirs = await costedLoad(stockProcesses, {
    ...load,
    request: stock,
    check: same ? expectAnswer(expected) : graphqlData,
  });
  print(...costTable('stock @apollo/gateway (ApolloGateway + ApolloServer standalone, as documented)', theirs));
  const gatewayCost = (costed: CostedLoad, name: string) =>
    costed.processes.find((p) => p.name === name)?.cpuMsPerRequest ?? NaN;
  const ourGateway = gatewayCost(mine, 'gateway');
  const stockGateway = gatewayCost(theirs, 'stock gateway');
  const share = ourGateway / stockGateway;
  print(
    `- subgraphs (4 together) behind ours: ${ms(mine.totalCpuMsPerRequest - ourGateway, 2)}/request; ` +
      `behind stock: ${ms(theirs.totalCpuMsPerRequest - stockGateway, 2)}/request`,
  );
  print(`- throughput ours / stock: ${(mine.load.rps / theirs.load.rps).toFixed(2)}×`);
  print();
  results.push({
    id: '2',
    title: 'our gateway CPU ÷ stock @apollo/gateway CPU (per request)',
    target: `≤ ${STOCK_SHARE.toFixed(2)}×`,
    measured: `${share.toFixed(2)}× (${ms(ourGateway, 2)} vs ${ms(stockGateway, 2)})`,
    pass: trustworthy(mine.load) && trustworthy(theirs.load) ? share <= STOCK_SHARE : undefined,
  });
  return results;
}
