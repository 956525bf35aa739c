import { LockMode, type FilterQuery } from '@mikro-orm/postgresql';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { AppError } from '../../../../lib/errors/index.js';
import { recordCatalogEvent, type CatalogActor } from '../events/catalog-events.js';
import { PermissionGrant } from '../permission/permission-grant.entity.js';
import { withUniqueKey, type KeyPrefix } from './business-key.js';
import { CatalogStatus } from './catalog-status.js';
import { checkName, checkPaging, keywordPattern, type Paging } from './catalog.rules.js';
import { Company } from './company.entity.js';
import { Module } from './module.entity.js';
import { Site } from './site.entity.js';
import { System } from './system.entity.js';

/**
 * Systems, modules, companies and sites: creation under a fresh business key, renaming, status, and
 * paged lists. Items are never deleted; grants refer to them by key. Every change records its
 * `catalog.<kind>_<change>` event in its own transaction (catalog-events.ts).
 */
export interface CatalogEntities {
  system: System;
  module: Module;
  company: Company;
  site: Site;
}
export type CatalogKind = keyof CatalogEntities;

const kinds = {
  system: { entity: System, prefix: 'ST', label: 'System' },
  module: { entity: Module, prefix: 'MD', label: 'Module' },
  company: { entity: Company, prefix: 'CP', label: 'Company' },
  site: { entity: Site, prefix: 'ST', label: 'Site' },
} as const satisfies Record<CatalogKind, { entity: unknown; prefix: KeyPrefix; label: string }>;

/** Modules and sites are always handed out with their parent loaded, for its key. */
const parentOf = { system: [], module: ['system'], company: [], site: ['company'] } as const;

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
  const { entity, label } = kinds[kind];
  const row = (await em.findOne(entity, { key }, options)) as CatalogEntities[K] | null;
  if (!row) throw new AppError('NOT_FOUND', `${label} ${key} does not exist`);
  return row;
}

async function withParent<K extends CatalogKind>(em: EntityManager, kind: K, row: CatalogEntities[K]) {
  // A separate statement, not a join: a locked row cannot be joined (FOR UPDATE on an outer join).
  if (parentOf[kind].length > 0) await em.populate(row, parentOf[kind] as never);
  return row;
}

/** What an event says of an item: its id, key and name, and its parent's key (parent loaded). */
function described(kind: CatalogKind, row: System | Company | Module | Site): Record<string, unknown> {
  const parent =
    kind === 'module'
      ? { systemKey: (row as Module).system.key }
      : kind === 'site'
        ? { companyKey: (row as Site).company.key }
        : {};
  return { id: row.id, key: row.key, name: row.name, ...parent };
}

const eventType = (kind: CatalogKind, change: 'created' | 'updated' | 'activated' | 'deactivated') =>
  `catalog.${kind}_${change}` as const;

export async function createSystem(em: EntityManager, actor: CatalogActor, input: { name: string }): Promise<System> {
  const name = checkName(input.name);
  return withUniqueKey(kinds.system.prefix, async (key) =>
    insert(em, actor, 'system', Object.assign(new System(), { key, name })),
  );
}

export async function createCompany(em: EntityManager, actor: CatalogActor, input: { name: string }): Promise<Company> {
  const name = checkName(input.name);
  return withUniqueKey(kinds.company.prefix, async (key) =>
    insert(em, actor, 'company', Object.assign(new Company(), { key, name })),
  );
}

export async function createModule(
  em: EntityManager,
  actor: CatalogActor,
  input: { systemKey: string; name: string },
): Promise<Module> {
  const name = checkName(input.name);
  const system = await findByKey(em, 'system', input.systemKey);
  return withUniqueKey(kinds.module.prefix, async (key) =>
    insert(em, actor, 'module', Object.assign(new Module(), { key, name, system })),
  );
}

export async function createSite(
  em: EntityManager,
  actor: CatalogActor,
  input: { companyKey: string; name: string },
): Promise<Site> {
  const name = checkName(input.name);
  const company = await findByKey(em, 'company', input.companyKey);
  return withUniqueKey(kinds.site.prefix, async (key) =>
    insert(em, actor, 'site', Object.assign(new Site(), { key, name, company })),
  );
}

/**
 * A native insert outside the unit of work, and its event, in one transaction: a key that loses a
 * race rolls both back and leaves nothing behind in the identity map, so the next attempt starts clean.
 */
async function insert<E extends System | Company | Module | Site>(
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

/** The grants that name an item of this kind and key. Sites and systems share `ST`: the scope type tells. */
function grantsReferring(kind: CatalogKind, key: string): FilterQuery<PermissionGrant> {
  switch (kind) {
    case 'system':
      return { systemKey: key };
    case 'module':
      return { moduleKey: key };
    case 'company':
      return { scopeType: 'COMPANY', scopeKey: key };
    case 'site':
      return { scopeType: 'SITE', scopeKey: key };
  }
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
      const grants = await tx.count(PermissionGrant, grantsReferring(kind, key));
      if (grants > 0) {
        throw new AppError(
          'CONFLICT',
          `${kinds[kind].label} ${key} is named by ${grants} permission grant(s); revoke them before deactivating it`,
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

interface ListQuery extends Paging {
  readonly keyword?: string | null;
}

/** Name or key contains the keyword, case-insensitively. */
function keywordFilter(keyword: string | null | undefined) {
  const like = keywordPattern(keyword);
  return like ? { $or: [{ name: { $ilike: like } }, { key: { $ilike: like } }] } : {};
}

const order = { createdAt: 'asc', key: 'asc' } as const;

export async function listSystems(
  em: EntityManager,
  query: ListQuery & { status?: CatalogStatus | null },
): Promise<Page<System>> {
  const { limit, offset } = checkPaging(query);
  const where: FilterQuery<System> = {
    ...keywordFilter(query.keyword),
    ...(query.status ? { status: query.status } : {}),
  };
  const [items, total] = await em.findAndCount(System, where, { limit, offset, orderBy: order });
  return { items, total, limit, offset };
}

export async function listCompanies(em: EntityManager, query: ListQuery): Promise<Page<Company>> {
  const { limit, offset } = checkPaging(query);
  const [items, total] = await em.findAndCount(Company, keywordFilter(query.keyword), {
    limit,
    offset,
    orderBy: order,
  });
  return { items, total, limit, offset };
}

export async function listModules(
  em: EntityManager,
  query: ListQuery & { systemKey?: string | null },
): Promise<Page<Module>> {
  const { limit, offset } = checkPaging(query);
  const keyword = keywordFilter(query.keyword);
  const system = query.systemKey ? await findByKey(em, 'system', query.systemKey) : undefined;
  const where: FilterQuery<Module> = { ...keyword, ...(system ? { system } : {}) };
  const [items, total] = await em.findAndCount(Module, where, {
    limit,
    offset,
    orderBy: order,
    populate: ['system'],
  });
  return { items, total, limit, offset };
}

export async function listSites(
  em: EntityManager,
  query: ListQuery & { companyKey?: string | null },
): Promise<Page<Site>> {
  const { limit, offset } = checkPaging(query);
  const keyword = keywordFilter(query.keyword);
  const company = query.companyKey ? await findByKey(em, 'company', query.companyKey) : undefined;
  const where: FilterQuery<Site> = { ...keyword, ...(company ? { company } : {}) };
  const [items, total] = await em.findAndCount(Site, where, {
    limit,
    offset,
    orderBy: order,
    populate: ['company'],
  });
  return { items, total, limit, offset };
}
