import { BatchLoop } from '../background/batch-loop.js';
import type { Logger } from '../logging/logger.js';
import { BACKGROUND_STATEMENT, type SubgraphDatabase } from './orm.js';

/**
 * Rows of an entity that have served their purpose (a ticket, a code, a challenge, an ended
 * session): deleted once `keepDays` have passed since the timestamp `after` names (their expiry).
 * Kept that long past it for whoever investigates a complaint, and past any window that counts them
 * (a daily limit). Made by `retainFor`, which checks `after` against the entity's properties.
 */
export interface RetentionRule {
  readonly entity: abstract new (...args: never[]) => object;
  readonly after: string;
  readonly keepDays: number;
  /** Rows deleted per statement (1,000): fewer where each takes rows of other tables with it. */
  readonly batchSize?: number;
}

/** How long the platform's tickets, codes, challenges and sessions are kept past their expiry. */
export const RETAIN_EXPIRED_DAYS = 7;

export function retainFor<Entity extends object>(
  entity: abstract new (...args: never[]) => Entity,
  keepDays: number,
  after: keyof Entity & string,
  options: { readonly batchSize?: number } = {},
): RetentionRule {
  return { entity, after, keepDays, ...options };
}

export interface RetentionOptions {
  readonly database: SubgraphDatabase;
  readonly rules: readonly RetentionRule[];
  readonly logger: Logger;
  /** Rows deleted per statement where a rule does not say (1,000): no sweep holds many locks long. */
  readonly batchSize?: number;
  /** Between sweeps (an hour by default). */
  readonly intervalMs?: number;
  /** The first sweep, this long after start (five to six minutes): not in the way of the start. */
  readonly firstSweepAfterMs?: number;
}

/** One rule as SQL: its table and column, from the ORM's metadata. */
interface Sweep {
  readonly table: string;
  readonly statement: string;
  readonly keepDays: number;
  readonly batchSize: number;
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * Deletes the rows of a subgraph that its retention rules say are done with, a batch per statement,
 * every hour or so. Every replica sweeps: two deleting the same rows only wait for each other.
 * Failures back off and are logged as the outbox relay's are (BatchLoop).
 */
export class ExpiredRowSweeper {
  private readonly sweeps: readonly Sweep[];
  private readonly loop: BatchLoop;

  constructor(private readonly options: RetentionOptions) {
    const schema = String(options.database.orm.config.get('schema'));
    const metadata = options.database.orm.getMetadata();
    this.sweeps = options.rules.map((rule) => {
      const meta = metadata.get(rule.entity.name);
      const column = meta.properties[rule.after]?.fieldNames[0];
      if (!column) throw new Error(`${rule.entity.name} has no column for ${rule.after}`);
      const table = `"${schema}"."${meta.tableName}"`;
      return {
        table: meta.tableName,
        keepDays: rule.keepDays,
        batchSize: rule.batchSize ?? options.batchSize ?? 1000,
        // By primary key, a batch at a time (a `delete` has no `limit`).
        statement:
          `${BACKGROUND_STATEMENT} delete from ${table} where id in (select id from ${table} ` +
          `where "${column}" < now() - make_interval(days => ?) limit ?)`,
      };
    });
    this.loop = new BatchLoop({
      purpose: 'delete expired rows',
      logger: options.logger,
      // A sweep takes everything due; the loop schedules the next one and backs off on failure.
      runBatch: async () => {
        await this.sweepNow();
        return 0;
      },
      batchSize: 1,
      intervalMs: options.intervalMs ?? HOUR_MS,
    });
  }

  /** Each rule's table and the statement that deletes a batch of it (parameters: days, rows), to EXPLAIN. */
  get statements(): readonly { readonly table: string; readonly statement: string }[] {
    return this.sweeps.map(({ table, statement }) => ({ table, statement }));
  }

  start(): void {
    // Spread over a minute, so that replicas started together do not sweep together.
    const delay = this.options.firstSweepAfterMs ?? 5 * 60_000 + Math.random() * 60_000;
    this.loop.start(delay);
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** Deletes everything due now, a batch per statement; returns the rows deleted. */
  async sweepNow(): Promise<number> {
    let total = 0;
    for (const sweep of this.sweeps) {
      let deleted = 0;
      for (;;) {
        const batch = await this.options.database
          .fork()
          .getConnection()
          .execute<{ affectedRows: number }>(sweep.statement, [sweep.keepDays, sweep.batchSize], 'run');
        deleted += batch.affectedRows;
        this.options.logger.debug({ table: sweep.table, deleted: batch.affectedRows }, 'expired rows: one batch');
        if (batch.affectedRows < sweep.batchSize) break;
      }
      // Only deletions are logged: an hourly line per table with nothing due would be noise.
      if (deleted > 0) {
        this.options.logger.info({ table: sweep.table, deleted, keepDays: sweep.keepDays }, 'deleted expired rows');
      }
      total += deleted;
    }
    return total;
  }
}
