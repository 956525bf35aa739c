import DataLoader from 'dataloader';
import type { Principal, UserPrincipal } from '../auth/principal.js';
import type { UserFactsSeal } from '../auth/user-facts.js';
import { AppError } from '../errors/index.js';
import type { EntityManager } from '../db/orm.js';
import type { RowReader } from '../db/rows.js';
import type { RequestOrigin } from '../http/origin.js';
import type { Logger } from '../logging/logger.js';

/** What every subgraph resolver and shield rule receives. Built once per request. */
export interface SubgraphContext {
  readonly principal: Principal;
  /** Request-scoped fork: its identity map lives and dies with the request. Forked on first use. */
  readonly em: EntityManager;
  /** Reads of rows on the pool, outside any transaction: shared by every request, no fork needed. */
  readonly rows: RowReader;
  readonly requestId: string;
  /** Client address and user agent, as the gateway saw them. */
  readonly origin: RequestOrigin;
  readonly logger: Logger;
  readonly loaders: Map<string, DataLoader<unknown, unknown>>;
  /** Seals (identity) and opens (member, catalog, admin) the facts other subgraphs authorize by. */
  readonly userFacts: UserFactsSeal;
}

/**
 * The signed-in user a resolver acts for. Shield (`signedIn`) has usually refused everyone else
 * already; this narrows the type, and refuses anyone else where no rule did.
 */
export function signedInUser(context: SubgraphContext): UserPrincipal {
  if (context.principal.kind !== 'user') throw new AppError('UNAUTHENTICATED');
  return context.principal;
}

/**
 * One DataLoader per request and purpose: every `__resolveReference` and list field that calls it in
 * the same tick is answered by one batched query.
 */
export function requestLoader<K, V>(
  context: SubgraphContext,
  purpose: string,
  batch: (keys: readonly K[]) => Promise<readonly (V | Error)[]>,
): DataLoader<K, V> {
  let loader = context.loaders.get(purpose) as DataLoader<K, V> | undefined;
  if (!loader) {
    loader = new DataLoader<K, V>(batch, { maxBatchSize: 1000 });
    context.loaders.set(purpose, loader);
  }
  return loader;
}

/** Orders rows to match the requested keys, the contract DataLoader batch functions must keep. */
export function alignByKey<K, V>(keys: readonly K[], rows: readonly V[], keyOf: (row: V) => K): (V | undefined)[] {
  const byKey = new Map(rows.map((row) => [keyOf(row), row] as const));
  return keys.map((key) => byKey.get(key));
}

/** Groups rows under each requested key (for one-to-many list fields). */
export function groupByKey<K, V>(keys: readonly K[], rows: readonly V[], keyOf: (row: V) => K): V[][] {
  const groups = new Map<K, V[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key) ?? []);
}
