import { BACKGROUND_STATEMENT, type SubgraphDatabase } from '../db/orm.js';
import type { ServiceMetrics } from './metrics.js';
import { patiently } from '../async/patiently.js';

/** A scrape must not hang on a database that does not answer: its outbox samples are left out. */
const OUTBOX_QUERY_TIMEOUT_MS = 2_000;

interface OutboxRow {
  backlog: string | number;
  oldest_age_seconds: string | number | null;
}

/**
 * Reports a subgraph's pool (and outbox, when it has one) on every scrape: the pool from memory, the
 * outbox with one statement on the `(published_at, occurred_at)` index, tagged as background work so
 * that tests counting a request's statements do not see it. Returns the function that stops it.
 */
export function watchDatabase(
  metrics: ServiceMetrics,
  database: SubgraphDatabase,
  options: { readonly outbox: boolean },
): () => void {
  const { service, families } = metrics;
  families.pools.set(service, () => database.pool());
  if (options.outbox) {
    const table = `"${String(database.orm.config.get('schema'))}"."outbox_event"`;
    families.outboxes.set(service, async () => {
      const query = database.fork().execute<OutboxRow[]>(
        `${BACKGROUND_STATEMENT} select count(*) as backlog,
           extract(epoch from now() - min(occurred_at)) as oldest_age_seconds
         from ${table} where published_at is null`,
      );
      const [row] = await patiently(
        query,
        OUTBOX_QUERY_TIMEOUT_MS,
        () => new Error(`no answer within ${OUTBOX_QUERY_TIMEOUT_MS} ms`),
      );
      return {
        backlog: Number(row?.backlog ?? 0),
        oldestAgeSeconds: Math.max(0, Number(row?.oldest_age_seconds ?? 0)),
      };
    });
  }
  return () => {
    families.pools.delete(service);
    families.outboxes.delete(service);
  };
}
