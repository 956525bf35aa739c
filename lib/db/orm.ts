import './defer-migration-runner.js';
import { MikroORM, ReflectMetadataProvider, type EntityManager } from '@mikro-orm/postgresql';
import { Migrator, type Migration } from '@mikro-orm/migrations';
import type { Logger } from '../logging/logger.js';
import { commitWatcher } from './after-commit.js';
import { withMigrationLock } from './migration-lock.js';
import { acquireNotifications, type Notifications } from './notifications.js';
import { hasPendingMigrations, MIGRATIONS_TABLE } from './pending-migrations.js';
import { detectNamedStatements } from './prepared.js';
import { poolRows, type RowReader } from './rows.js';
import { traceStatements } from './sql-tracing.js';

export type { EntityManager } from '@mikro-orm/postgresql';

export interface MigrationEntry {
  readonly name: string;
  readonly class: new (...args: never[]) => Migration;
}

export interface SubgraphDatabaseOptions {
  readonly url: string;
  /** PostgreSQL schema this subgraph owns; no other subgraph reads its tables. */
  readonly schema: string;
  readonly entities: readonly (abstract new (...args: never[]) => unknown)[];
  readonly migrations: readonly MigrationEntry[];
  readonly poolMax: number;
  readonly logger: Logger;
  /** Apply pending migrations on open (default); `npm run migrate` applies them itself to report. */
  readonly migrate?: boolean;
}

/** Prefix of statements sent by background work rather than requests (see statementCount). */
export const BACKGROUND_STATEMENT = '/* background */';

export interface SubgraphDatabase {
  readonly orm: MikroORM;
  /** A fresh, request-scoped EntityManager. */
  fork(): EntityManager;
  /** Rows read on the pool, outside any transaction (rows.ts): the hot reads of federated requests. */
  readonly rows: RowReader;
  /**
   * SQL statements sent since start, except BACKGROUND_STATEMENT ones: tests use it to prove batching
   * (O(1) statements per request) while the outbox relay polls in the background.
   */
  statementCount(): number;
  /** The connection pool now (metrics): connections lent out, callers waiting, size limit. */
  pool(): PoolState;
  /**
   * What other connections commit, as PostgreSQL notifications: one listening connection per database
   * and process, opened by the first subscriber (notifications.ts). Lets background work sleep until
   * there is something to do instead of polling.
   */
  readonly notifications: Notifications;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface PoolState {
  readonly inUse: number;
  readonly waiting: number;
  readonly max: number;
}

/** The part of knex's tarn pool that the metrics read (knex types its client as `any`). */
interface TarnPool {
  readonly max: number;
  numUsed(): number;
  numPendingAcquires(): number;
}

export async function openSubgraphDatabase(options: SubgraphDatabaseOptions): Promise<SubgraphDatabase> {
  const orm = await MikroORM.init({
    clientUrl: options.url,
    schema: options.schema,
    entities: [...options.entities],
    metadataProvider: ReflectMetadataProvider,
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    extensions: [Migrator],
    // Lets work wait for a commit (after-commit.ts), e.g. publishing an ended session to Redis.
    subscribers: [commitWatcher],
    migrations: {
      tableName: MIGRATIONS_TABLE,
      migrationsList: options.migrations.map((m) => ({ name: m.name, class: m.class as never })),
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    pool: { min: 0, max: options.poolMax },
    // Entities are only loaded through explicit queries; nothing is flushed implicitly on read.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    debug: false,
    logger: (message) => options.logger.debug({ orm: true }, message),
    colors: false,
    ensureDatabase: false,
  });
  let statements = 0;
  orm.em
    .getConnection()
    .getKnex()
    .on('query', (query: { sql?: string }) => {
      // Background work (the outbox relay) tags its statements so that they are not counted.
      if (!query.sql?.startsWith(BACKGROUND_STATEMENT)) statements += 1;
    });
  // Spans per statement when tracing is on (the schema is the subgraph's name).
  traceStatements(orm.em.getConnection().getKnex(), options.schema);
  try {
    await detectNamedStatements(orm);
    if (
      options.migrate !== false &&
      (await hasPendingMigrations(
        orm,
        options.schema,
        options.migrations.map((m) => m.name),
      ))
    ) {
      // Replicas starting together must not migrate the same schema at once (migration-lock.ts).
      await withMigrationLock(orm, options, () => orm.getMigrator().up());
      options.logger.debug({ schema: options.schema }, 'migrations applied');
    }
  } catch (error) {
    await orm.close(true);
    throw error;
  }
  const notifications = acquireNotifications(options.url, options.logger);
  return {
    orm,
    fork: () => orm.em.fork(),
    rows: poolRows(orm),
    statementCount: () => statements,
    pool() {
      const pool = (orm.em.getConnection().getKnex().client as { pool?: TarnPool }).pool;
      return {
        inUse: pool?.numUsed() ?? 0,
        waiting: pool?.numPendingAcquires() ?? 0,
        max: pool?.max ?? options.poolMax,
      };
    },
    notifications: notifications.notifications,
    async ping() {
      await orm.em.getConnection().execute('select 1');
    },
    async close() {
      await notifications.release();
      await orm.close(true);
    },
  };
}
