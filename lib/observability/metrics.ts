import { Counter, Gauge, Histogram, collectDefaultMetrics, type Registry } from 'prom-client';

export { Registry } from 'prom-client';

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A database pool as the pool gauges read it on scrape. */
export interface PoolProbe {
  (): { readonly inUse: number; readonly waiting: number; readonly max: number };
}

/** An outbox as its gauges read it on scrape: one small query. */
export interface OutboxProbe {
  (): Promise<{ readonly backlog: number; readonly oldestAgeSeconds: number }>;
}

/**
 * Every metric family of membergraph, created once per registry. Each carries a `service` label
 * (gateway, identity, member, catalog, admin), so the four subgraphs of the all-in-one process share
 * one registry without registering a family twice; a lone process has a registry of its own.
 */
function createFamilies(registry: Registry) {
  const registers = [registry];
  const pools = new Map<string, PoolProbe>();
  const outboxes = new Map<string, OutboxProbe>();
  // The gauges are read when scraped; the two outbox gauges share one query per outbox and scrape.
  let outboxScrape: Promise<Map<string, Awaited<ReturnType<OutboxProbe>>>> | undefined;
  const readOutboxes = () =>
    (outboxScrape ??= readEach(outboxes).finally(() => {
      outboxScrape = undefined;
    }));
  const poolGauge = (name: string, help: string, read: (state: ReturnType<PoolProbe>) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['service'] as const,
      registers,
      collect() {
        this.reset();
        for (const [service, probe] of pools) this.set({ service }, read(probe()));
      },
    });
  const outboxGauge = (name: string, help: string, read: (state: Awaited<ReturnType<OutboxProbe>>) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['service'] as const,
      registers,
      async collect() {
        this.reset();
        for (const [service, state] of await readOutboxes()) this.set({ service }, read(state));
      },
    });

  return {
    pools,
    outboxes,
    httpDuration: new Histogram({
      name: 'membergraph_http_request_duration_seconds',
      help: 'HTTP requests answered, by route template (never the raw path) and status',
      labelNames: ['service', 'method', 'route', 'status'] as const,
      buckets: DURATION_BUCKETS,
      registers,
    }),
    operationDuration: new Histogram({
      name: 'membergraph_graphql_operation_duration_seconds',
      help: 'GraphQL operations by name (known operations only, else "other") and type',
      labelNames: ['service', 'operation', 'operation_type'] as const,
      buckets: DURATION_BUCKETS,
      registers,
    }),
    operationErrors: new Counter({
      name: 'membergraph_graphql_operation_errors_total',
      help: 'Errors in GraphQL responses, by operation name (known operations only) and error code',
      labelNames: ['service', 'operation', 'code'] as const,
      registers,
    }),
    subgraphFetchDuration: new Histogram({
      name: 'membergraph_subgraph_fetch_duration_seconds',
      help: "The gateway's requests to each subgraph: ok, errors (GraphQL errors in the answer) or failed (no usable answer)",
      labelNames: ['service', 'subgraph', 'outcome'] as const,
      buckets: DURATION_BUCKETS,
      registers,
    }),
    rateLimitRefusals: new Counter({
      name: 'membergraph_rate_limit_refusals_total',
      help: 'Requests refused with 429 by the per-client rate limits, by class',
      labelNames: ['service', 'class'] as const,
      registers,
    }),
    signIns: new Counter({
      name: 'membergraph_sign_ins_total',
      help: 'Sign-ins by outcome: success, failure, throttled, mfa_required',
      labelNames: ['service', 'outcome'] as const,
      registers,
    }),
    webhookDeliveries: new Counter({
      name: 'membergraph_webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome: delivered, retrying (failed, another try scheduled), failed (given up)',
      labelNames: ['service', 'outcome'] as const,
      registers,
    }),
    poolInUse: poolGauge(
      'membergraph_db_pool_connections_in_use',
      'Database connections lent out by the pool',
      (state) => state.inUse,
    ),
    poolWaiting: poolGauge(
      'membergraph_db_pool_acquires_waiting',
      'Callers waiting for a database connection',
      (state) => state.waiting,
    ),
    poolMax: poolGauge('membergraph_db_pool_connections_max', 'Size limit of the database pool', (state) => state.max),
    outboxBacklog: outboxGauge(
      'membergraph_outbox_backlog_events',
      'Committed events not yet handed to admin',
      (state) => state.backlog,
    ),
    outboxOldestAge: outboxGauge(
      'membergraph_outbox_oldest_undelivered_age_seconds',
      'Age of the oldest event not yet handed to admin (0 when none waits)',
      (state) => state.oldestAgeSeconds,
    ),
  };
}

/** Reads every probe; one that fails (its database is down) leaves its samples out rather than the scrape. */
async function readEach(probes: ReadonlyMap<string, OutboxProbe>) {
  const read = await Promise.all(
    [...probes].map(async ([service, probe]) => {
      try {
        return [[service, await probe()] as const];
      } catch {
        return [];
      }
    }),
  );
  return new Map(read.flat());
}

export type MetricFamilies = ReturnType<typeof createFamilies>;

const familiesByRegistry = new WeakMap<Registry, MetricFamilies>();

/**
 * How often the event-loop delay behind `nodejs_eventloop_lag_*` is sampled. prom-client's 10 ms
 * default is a timer waking every process 100 times a second, about 4 ms of CPU a second each while
 * idle; at 100 ms a 15 s scrape still holds 150 samples, and a stall still shows in full.
 */
const EVENT_LOOP_SAMPLE_MS = 100;

/** The families of a registry (created, with Node's process metrics, on first use). */
function familiesOf(registry: Registry): MetricFamilies {
  let families = familiesByRegistry.get(registry);
  if (!families) {
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
    families = createFamilies(registry);
    familiesByRegistry.set(registry, families);
  }
  return families;
}

/** What one component (the gateway, a subgraph) records into its process's registry. */
export interface ServiceMetrics {
  readonly registry: Registry;
  readonly service: string;
  readonly families: MetricFamilies;
}

export function serviceMetrics(registry: Registry, service: string): ServiceMetrics {
  return { registry, service, families: familiesOf(registry) };
}
