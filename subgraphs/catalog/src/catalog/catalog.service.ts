import { LockMode, type FilterQuery } from '@mikro-orm/postgresql';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { AppError } from '../../../../lib/errors/index.js';
import type { CatalogItemFields } from '../../../../lib/events/catalog.js';
import { recordCatalogEvent, type CatalogActor } from '../events/catalog-events.js';
import { PermissionGrant } from '../permission/permission-grant.entity.js';
import { withUniqueKey } from './business-key.js';
import type { CatalogItem } from './catalog-item.entity.js';
import { catalogKinds, parentOf, type CatalogEntities, type CatalogKind } from './catalog-kinds.js';
import { CatalogStatus } from './catalog-status.js';
import { checkName, checkPaging, invalid, keywordPattern, type Paging } from './catalog.rules.js';

/**
 * Systems, modules, companies and sites (catalog-kinds.ts): creation under a fresh business key,
 * renaming, status, and paged lists, the same rules for every kind. Items are never deleted; grants
 * refer to them by key. Every change records its `catalog.<kind>_<change>` event in its own
 * transaction (catalog-events.ts).
 */
export interface FindOptions {
  /** Row lock inside a transaction (see setStatus and grantPermission). */
  readonly lockMode?: LockMode.PESSIMISTIC_READ | LockMode.PESSIMISTIC_WRITE;
}

export async function findByKey<K extends CatalogKind>(
  em: EntityManager,
  kind: K,
  key: string,
  options: FindOptions = {},
): Promise<CatalogEntities[K]> {
  const { entity, label } = catalogKinds[kind];
  const row = (await em.findOne(entity, { key }, options)) as CatalogEntities[K] | null;
  if (!row) throw new AppError('NOT_FOUND', `${label} ${key} does not exist`);
  return row;
}

async function withParent<K extends CatalogKind>(em: EntityManager, kind: K, row: CatalogEntities[K]) {
  const { parent } = catalogKinds[kind];
  // A separate statement, not a join: a locked row cannot be joined (FOR UPDATE on an outer join).
  if (parent) await em.populate(row, [parent] as never);
  return row;
}

/** What an event says of an item: its id, key and name, and its parent's key (parent loaded). */
function described(kind: CatalogKind, row: CatalogItem): CatalogItemFields {
  const { parent } = catalogKinds[kind];
  const parentKey = parent ? { [`${parent}Key`]: parentOf(kind, row)?.key } : {};
  return { id: row.id, key: row.key, name: row.name, ...parentKey };
}

const eventType = (kind: CatalogKind, change: 'created' | 'updated' | 'activated' | 'deactivated') =>
  `catalog.${kind}_${change}` as const;

export interface CreateInput {
  readonly name: string;
  /** The key of the parent item, for the kinds that have one (a module's system, a site's company). */
  readonly parentKey?: string;
}

/** Creates an item under a fresh key of its kind's prefix; modules and sites under an existing parent. */
export async function create<K extends CatalogKind>(
  em: EntityManager,
  actor: CatalogActor,
  kind: K,
  input: CreateInput,
): Promise<CatalogEntities[K]> {
  const { entity, prefix, parent } = catalogKinds[kind];
  const name = checkName(input.name);
  let ofParent = {};
  if (parent) {
    if (input.parentKey === undefined) throw invalid(`${parent}Key`, 'is required');
    ofParent = { [parent]: await findByKey(em, parent, input.parentKey) };
  }
  return withUniqueKey(prefix, async (key) =>
    insert(em, actor, kind, Object.assign(new entity(), { key, name }, ofParent) as CatalogEntities[K]),
  );
}

/**
 * A native insert outside the unit of work, and its event, in one transaction: a key that loses a
 * race rolls both back and leaves nothing behind in the identity map, so the next attempt starts clean.
 */
async function insert<E extends CatalogItem>(
  em: EntityManager,
  actor: CatalogActor,
  kind: CatalogKind,
  row: E,
): Promise<E> {
  await em.transactional(async (tx) => {
    await tx.insert(row);
    recordCatalogEvent(tx, actor, eventType(kind, 'created'), described(kind, row));
  });
  return row;
}

/** Renames an item; the same name again changes nothing and records nothing. */
export async function rename<K extends CatalogKind>(
  em: EntityManager,
  actor: CatalogActor,
  kind: K,
  key: string,
  input: { name: string },
): Promise<CatalogEntities[K]> {
  const name = checkName(input.name);
  return em.transactional(async (tx) => {
    // FOR UPDATE: the event's previous name is the one this rename replaces, even under concurrency.
    const row = await findByKey(tx, kind, key, { lockMode: LockMode.PESSIMISTIC_WRITE });
    await withParent(tx, kind, row);
    if (row.name !== name) {
      const previousName = row.name;
      row.name = name;
      recordCatalogEvent(tx, actor, eventType(kind, 'updated'), { ...described(kind, row), previousName });
    }
    return row;
  });
}

/**
 * Deliberate handling of references: there is no delete, and an item that any grant names cannot be
 * deactivated (CONFLICT); revoke those grants first. Granting on an inactive item is refused too, so
 * a grant never names an inactive item. The row lock makes this hold under concurrency: this takes
 * FOR UPDATE before counting grants, a grant takes FOR SHARE on the items it names, so whichever
 * commits second sees the other's work.
 */
export async function setStatus<K extends CatalogKind>(
  em: EntityManager,
  actor: CatalogActor,
  kind: K,
  key: string,
  status: CatalogStatus,
): Promise<CatalogEntities[K]> {
  return em.transactional(async (tx) => {
    const row = await findByKey(tx, kind, key, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (status === CatalogStatus.INACTIVE && row.status !== CatalogStatus.INACTIVE) {
      const grants = await tx.count(PermissionGrant, catalogKinds[kind].grants(key));
      if (grants > 0) {
        throw new AppError(
          'CONFLICT',
          `${catalogKinds[kind].label} ${key} is named by ${grants} permission grant(s); revoke them before deactivating it`,
          { details: { grants } },
        );
      }
    }
    await withParent(tx, kind, row);
    if (row.status !== status) {
      row.status = status;
      const change = status === CatalogStatus.ACTIVE ? 'activated' : 'deactivated';
      recordCatalogEvent(tx, actor, eventType(kind, change), { ...described(kind, row), status });
    }
    return row;
  });
}

export interface Page<T> {
  readonly items: T[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

export interface ListQuery extends Paging {
  readonly keyword?: string | null;
  /** Only the items of this parent (modules of a system, sites of a company). */
  readonly parentKey?: string | null;
  readonly status?: CatalogStatus | null;
}

/** Name or key contains the keyword, case-insensitively. */
function keywordFilter(keyword: string | null | undefined) {
  const like = keywordPattern(keyword);
  return like ? { $or: [{ name: { $ilike: like } }, { key: { $ilike: like } }] } : {};
}

const order = { createdAt: 'asc', key: 'asc' } as const;

/** A page of items, oldest first; modules and sites with their parent loaded. */
export async function list<K extends CatalogKind>(
  em: EntityManager,
  kind: K,
  query: ListQuery,
): Promise<Page<CatalogEntities[K]>> {
  const { limit, offset } = checkPaging(query);
  const { entity, parent } = catalogKinds[kind];
  // A filter is a condition, not a lookup: an unknown parent key lists nothing rather than failing.
  const where: FilterQuery<CatalogItem> = {
    ...keywordFilter(query.keyword),
    ...(query.status ? { status: query.status } : {}),
    ...(parent && query.parentKey ? { [parent]: { key: query.parentKey } } : {}),
  };
  const [items, total] = await em.findAndCount(entity, where, {
    limit,
    offset,
    orderBy: order,
    ...(parent ? { populate: [parent] as never } : {}),
  });
  return { items: items as CatalogEntities[K][], total, limit, offset };
}
